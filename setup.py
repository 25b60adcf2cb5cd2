"""The one build step setuptools does not do by itself (everything else is in pyproject.toml).

The project keeps templates/ and static/ at the top of the repository, beside wizard/, and
the German catalogue as a .po file. A wheel must be the whole app, so building one:
- copies templates/ and static/ into the package (wizard/templates, wizard/static), where
  create_app() looks first;
- compiles every wizard/translations/*/LC_MESSAGES/*.po into the .mo that Flask-Babel reads.
An editable install (pip install -e .) serves templates/ and static/ from the checkout, so
there only the catalogues are compiled, in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = Path("wizard") / "translations"
FOLDERS_INTO_THE_PACKAGE = ("templates", "static")


def compile_catalogues(source: Path, target: Path) -> None:
    """Each .po below `source` as a .mo at the same place below `target` (fuzzy entries
    left out, as pybabel compile does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as file:
            catalogue = read_po(file)
        with mo.open("wb") as file:
            write_mo(file, catalogue)


class BuildPyWithResources(build_py):
    def run(self) -> None:
        if not self.editable_mode:
            # setuptools builds in ./build and never empties it: a module moved or deleted
            # since the last build would otherwise ship again in the next wheel.
            shutil.rmtree(Path(self.build_lib) / "wizard", ignore_errors=True)
        super().run()
        if self.editable_mode:
            compile_catalogues(ROOT / TRANSLATIONS, ROOT / TRANSLATIONS)
            return
        package = Path(self.build_lib) / "wizard"
        compile_catalogues(ROOT / TRANSLATIONS, Path(self.build_lib) / TRANSLATIONS)
        for name in FOLDERS_INTO_THE_PACKAGE:
            shutil.copytree(ROOT / name, package / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithResources})
