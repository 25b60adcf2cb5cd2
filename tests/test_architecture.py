"""The package's shape: one folder per capability, imports running one way, no hidden cycles.

Read from the import statements themselves (ast), so a rule holds whatever the tests import
first. See the README's architecture section for the map.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "wizard"
CAPABILITIES = (
    "accept", "accounts", "delivery", "domains", "guide", "invite", "manage", "scim", "sso"
)
SHARED = "common"
# Pure rules: no database, no request, no app: plain functions of their arguments.
PURE = (
    "wizard.accept.proration",
    "wizard.invite.addresses",
    "wizard.invite.csv_files",
    "wizard.invite.impact",
)
NOT_PURE = ("flask", "flask_login", "flask_sqlalchemy", "sqlalchemy", "wizard.extensions")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if "migrations" not in path.relative_to(PACKAGE).parts
}


def imported_modules(name: str) -> set[str]:
    """Every module an import statement in `name` names, anywhere in it (also inside functions)."""
    path = MODULES[name]
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            # `from . import views` names a module, not a name in a module
            names = (f"{source}.{alias.name}" for alias in node.names)
            found.update(module for module in names if module in MODULES)
    return found


def capability_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in (*CAPABILITIES, SHARED) else None


def is_view(name: str) -> bool:
    return "views" in name.split(".")


def is_form(name: str) -> bool:
    return name.split(".")[-1] == "forms"


def test_every_capability_and_the_shared_package_exist_with_a_docstring():
    for package in (*CAPABILITIES, SHARED):
        init = PACKAGE / package / "__init__.py"
        assert init.exists(), f"wizard/{package}/ is missing"
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and "Imports" in docstring, f"wizard/{package}: what may it import?"


def test_no_capability_imports_another_capabilitys_views_or_forms():
    wrong = [
        f"{name} imports {target}"
        for name in MODULES
        for target in imported_modules(name)
        if target in MODULES
        and (is_view(target) or is_form(target))
        and capability_of(target) not in (None, SHARED)
        and capability_of(target) != capability_of(name)
    ]
    assert wrong == []


def test_only_views_import_views():
    wrong = [
        f"{name} imports {target}"
        for name in MODULES
        if not is_view(name)
        for target in imported_modules(name)
        if target in MODULES and is_view(target)
    ]
    assert wrong == []


def test_the_shared_package_imports_no_capability():
    wrong = [
        f"{name} imports {target}"
        for name in MODULES
        if capability_of(name) == SHARED
        for target in imported_modules(name)
        if capability_of(target) in CAPABILITIES
    ]
    assert wrong == []


def test_pure_rules_touch_no_database_request_or_app():
    wrong = [
        f"{name} imports {target}"
        for name in PURE
        for target in imported_modules(name)
        if target.split(".")[0] in NOT_PURE
        or target in NOT_PURE
        or (target.startswith("wizard.") and target not in PURE)
    ]
    assert wrong == []


def test_no_module_is_longer_than_about_400_lines():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}


def test_every_module_imports_on_its_own():
    """Each as a fresh interpreter would import it (tests/import_alone.py), so an import
    cycle that the tests' own import order hides shows."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.import_alone", *sorted(MODULES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
