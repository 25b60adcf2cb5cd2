"""`make mutate` runs the tests in its selection (pyproject.toml, [tool.mutmut]); a new test file
under the folders that cover the mutated modules must be added to it, or listed with a reason
in docs/mutation-left-out.toml, so that none falls out of mutation testing unnoticed."""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = ROOT / "docs" / "mutation-left-out.toml"
# The folders whose tests cover a mutated module: tests/<capability>/ for each, and the security
# tests for wizard/common (the same mapping tests/conftest.py orders the tests by).
OWN_TESTS = {"common": ["tests/security", "tests/common"]}


def mutmut_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]


def left_out() -> dict:
    return tomllib.loads(LEFT_OUT.read_text("utf-8"))


def covering_folders() -> set[str]:
    folders = set()
    for module in mutmut_config()["only_mutate"]:
        capability = Path(module).parts[1]
        folders.update(OWN_TESTS.get(capability, [f"tests/{capability}"]))
    return folders


def covering_test_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for folder in covering_folders()
        for path in (ROOT / folder).rglob("test_*.py")
    }


def selected(path: str, selection: list[str]) -> bool:
    return any(path == entry or path.startswith(entry.rstrip("/") + "/") for entry in selection)


def test_every_test_file_that_covers_a_mutated_module_is_selected_or_left_out_with_a_reason():
    selection = mutmut_config()["pytest_add_cli_args_test_selection"]
    listed = left_out()["left_out"]
    missing = sorted(
        p for p in covering_test_files() if not selected(p, selection) and p not in listed)
    assert not missing, (
        "These test files cover a mutated module but `make mutate` would not run them: add "
        "each to pytest_add_cli_args_test_selection in pyproject.toml, or to "
        f"docs/mutation-left-out.toml with a reason: {missing}"
    )


def test_a_file_is_selected_or_left_out_never_both_and_each_reason_is_explained():
    config = left_out()
    selection = mutmut_config()["pytest_add_cli_args_test_selection"]
    both = sorted(p for p in config["left_out"] if selected(p, selection))
    assert not both, f"Both in the selection and left out: {both}"
    unexplained = {p: r for p, r in config["left_out"].items() if not config["reasons"].get(r)}
    assert not unexplained, f"Left out with a reason that docs/mutation-left-out.toml does not " \
        f"explain under [reasons]: {unexplained}"


def test_nothing_listed_is_gone():
    listed = [*mutmut_config()["pytest_add_cli_args_test_selection"], *left_out()["left_out"]]
    gone = sorted(p for p in listed if not (ROOT / p).exists())
    assert not gone, f"Listed for `make mutate` but not there (renamed or removed?): {gone}"


def test_seeding_the_shared_demo_file_runs_no_mutated_function(tmp_path):
    """tests/conftest.py seeds the demo database once and every mutant's tests start from a
    copy, which is right only while nothing mutmut mutates decides what the seed writes."""
    from tests.conftest import make_app, reset_database, seed
    from wizard.extensions import db

    # By module name, not file: the same for the checkout, an installed copy and mutmut's.
    mutated = {
        module.removesuffix(".py").replace("/", ".") for module in mutmut_config()["only_mutate"]
    }
    reached = set()

    def watch(frame, event, _arg):
        if event == "call" and frame.f_globals.get("__name__") in mutated:
            reached.add(f"{frame.f_globals['__name__']}.{frame.f_code.co_name}")

    app = make_app(f"sqlite:///{tmp_path / 'seed.sqlite'}", tmp_path)
    with app.app_context():
        sys.setprofile(watch)
        try:
            reset_database()
            seed(app)
        finally:
            sys.setprofile(None)
        db.session.remove()
        db.engine.dispose()
    assert reached == set()
