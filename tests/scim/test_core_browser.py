"""In a real browser, in English and German: the owner's SCIM token page and the Users page
with SCIM's tags, checked with axe (WCAG 2.2 A/AA); a token made by keyboard alone.

SQLite only, like the other browser tests; skipped with the reason without Chromium (failed
instead when REQUIRE_BROWSER is set).
"""

import logging

import pytest

from tests.conftest import make_app, reset_database, seed
from tests.domains.test_browser import check_page, chromium, sign_in  # noqa: F401 (fixture)
from tests.helpers import served_in_a_thread
from tests.scim.core_support import NOW, acme, fields
from wizard.extensions import db
from wizard.scim import provisioning


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("scim-browser")
    app = make_app(f"sqlite:///{root / 'browser.sqlite'}", root, RATELIMIT_ENABLED=False)
    with app.app_context():
        reset_database()
        seed(app)
        provisioning.create_identity(acme(), fields("gus@acme.example"), now=NOW)
        provisioning.create_identity(acme(), fields("hanna@acme.example", given_name="Hanna",
                                                    family_name="Off", active=False), now=NOW)
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with served_in_a_thread(app) as url:
        yield url


@pytest.fixture(params=["en", "de"])
def tab(request, chromium, served):  # noqa: F811 (chromium is the imported fixture)
    context = chromium.new_context(base_url=served, viewport={"width": 1100, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.lang = request.param
    yield page
    context.close()


def _in_language(page) -> None:
    """The tab's language (the owner's choice is kept between tests: set it either way)."""
    name = "Deutsch" if page.lang == "de" else "English"
    if page.locator("html").get_attribute("lang") != page.lang:
        page.locator("#language-switch").get_by_role("button", name=name).click()


def test_a_token_is_made_by_keyboard_and_the_page_is_accessible(tab):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/single-sign-on/scim/")
    _in_language(tab)
    check_page(tab, "SCIM provisioning" if tab.lang == "en" else "SCIM-Bereitstellung")
    tab.locator("#create-token").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_load_state()
    assert tab.locator("#new-token").inner_text().startswith("scim_")
    check_page(tab)
    assert tab.locator("#scim-tokens tbody tr").count() >= 1


def test_the_users_page_with_scim_tags_is_accessible(tab):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/")
    _in_language(tab)
    check_page(tab)
    text = tab.locator("main").inner_text()
    if tab.lang == "en":
        assert "Provisioned by SCIM" in text and "Deactivated" in text
    else:
        assert "Über SCIM bereitgestellt" in text and "Deaktiviert" in text
