"""German for the tests: the catalogue compiled as `make translations` does it, and a client
that has chosen German in the footer's language switch."""

import pytest
from babel.messages.mofile import write_mo

from tests.helpers import submit
from tests.i18n.catalogue import GERMAN_PO, german
from wizard.extensions import babel


@pytest.fixture(scope="session", autouse=True)
def compiled_german():
    """messages.mo next to messages.po, fresh, so the suite needs no manual step first."""
    mo = GERMAN_PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < GERMAN_PO.stat().st_mtime:
        with open(mo, "wb") as out:
            write_mo(out, german(), use_fuzzy=False)
    # Flask-Babel keeps catalogues for the whole process: forget any read before this one.
    if "domain_instance" in vars(babel):
        babel.domain_instance.cache.clear()


def choose_german(client, page: str = "/") -> None:
    """Press "Deutsch" in the footer, as a reader would."""
    response = submit(client, "/language", {"lang": "de", "next": page}, page=page)
    assert response.status_code == 302


@pytest.fixture
def german_client(client):
    choose_german(client, "/sign-in")
    return client
