"""Import each named module of the package on its own, as a fresh interpreter would.

    python tests/import_alone.py wizard.delivery.mailer wizard.common.layout ...

Prints each module that fails to import with its traceback, and exits 1 if any did.

A fresh interpreter per module costs about a second each, almost all of it Flask,
SQLAlchemy, WeasyPrint and the rest; 150 of them took one to two minutes of the suite. So
this process first learns, from a child that imports the whole package, which other modules
the package loads, loads those itself, checks that nothing of the package came with them,
and then forks one child per module. Each child starts with none of the package imported, so
an import cycle inside it shows exactly as it would for `python -c "import <module>"`.
"""

import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

PACKAGE = "wizard"
LANES = 2


def ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def start(work, output: Path) -> int:
    """Fork a child that runs `work()` with its stderr in `output`; the child's pid."""
    pid = os.fork()
    if pid == 0:  # the child
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        try:
            work()
        except BaseException:  # noqa: BLE001 -- anything that stops an import is the answer
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        sys.stderr.flush()
        os._exit(0)
    return pid


def others_the_package_loads(modules: list[str], scratch: Path) -> list[str]:
    """The modules outside the package that importing all of it loads, in import order."""

    def import_all_and_list() -> None:
        for name in modules:
            importlib.import_module(name)
        sys.stderr.write("\n".join(n for n in sys.modules if not ours(n) and n != "__main__"))

    listing = scratch / "others"
    _, status = os.waitpid(start(import_all_and_list, listing), 0)
    # If the package does not even import as a whole, preload nothing: each module's own
    # child then reports its error.
    return listing.read_text().splitlines() if os.waitstatus_to_exitcode(status) == 0 else []


def main(modules: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for name in others_the_package_loads(modules, scratch):
            if name not in sys.modules:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001, S112 -- an alias or optional part: the child loads what it needs
                    continue
        loaded = sorted(n for n in sys.modules if ours(n))
        if loaded:
            print(f"cannot test imports alone: preloading brought in {', '.join(loaded)}")
            return 2
        running: dict[int, str] = {}
        failed = []

        def finish_one() -> None:
            pid, status = os.wait()
            name = running.pop(pid)
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append(f"{name}:\n{(scratch / name).read_text(errors='replace')}")

        for name in modules:
            while len(running) >= LANES:
                finish_one()
            running[start(lambda name=name: importlib.import_module(name), scratch / name)] = name
        while running:
            finish_one()
        print("\n".join(sorted(failed)))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
