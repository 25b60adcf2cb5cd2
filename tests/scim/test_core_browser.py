"""In a real browser, in English and German: the owner's SCIM token page and the Users page
with SCIM's tags, checked with axe (WCAG 2.2 A/AA); a token made by keyboard alone.

SQLite only, like the other browser tests; skipped with the reason without Chromium (failed
instead when REQUIRE_BROWSER is set).
"""

import logging
import os
import tempfile
from pathlib import Path

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import UnauthorizedException

from tests.conftest import make_app, reset_database, seed
from tests.domains.test_browser import check_page, chromium, sign_in  # noqa: F401 (fixture)
from tests.helpers import served_in_a_thread
from tests.scim.core_support import NOW, acme, fields
from wizard.extensions import db
from wizard.scim import provisioning
from wizard.scim.resources import User, UserName, WorkEmail, provider

SHOTS = Path(os.environ.get("SCIM_SCREENSHOTS") or tempfile.mkdtemp(prefix="scim-shots-"))


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


def _scim_client(served: str, token: str) -> SyncSCIMClient:
    http = httpx2.Client(
        base_url=f"{served}/scim/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return SyncSCIMClient(http, provider=provider())


def _person(email: str) -> User:
    """As Okta and Entra ID send a person: with the name (both require one)."""
    given, _dot, family = email.split("@")[0].partition(".")
    return User(
        user_name=email,
        name=UserName(given_name=given.title(), family_name=family.title()),
        emails=[WorkEmail(value=email, type=WorkEmail.Type.work)],
    )


def test_an_owner_connects_a_scim_client_and_sees_the_people_it_pushes(tab, served):
    """Issue 24's "done when": a token made on the page (shown once), a SCIM client creates a
    new person and someone with a Pro account of their own; the first is on the Users page
    tagged "Provisioned by SCIM", the second on the Pending tab; a revoked token gets 401."""
    newcomer = f"nina.{tab.lang}@acme.example"
    pro = "ana.pro@acme.example" if tab.lang == "en" else "ben.pro@acme.example"
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/single-sign-on/scim/")
    _in_language(tab)
    tab.locator("#create-token").click()
    token = tab.locator("#new-token").inner_text().strip()
    assert token.startswith("scim_")
    tab.screenshot(path=str(SHOTS / f"scim-token-shown-{tab.lang}.png"), full_page=True)
    tab.reload()
    assert tab.locator("#new-token").count() == 0  # shown once
    assert token not in tab.content()

    scim = _scim_client(served, token)
    made = scim.create(_person(newcomer))
    invited = scim.create(_person(pro))
    assert (made.active, invited.active) == (True, False)

    tab.goto("/users/")
    row = tab.locator("tr", has_text=newcomer)
    tag = "Provisioned by SCIM" if tab.lang == "en" else "Über SCIM bereitgestellt"
    assert tag in row.inner_text()
    assert tab.locator("main").get_by_text(pro).count() == 0
    check_page(tab)
    tab.screenshot(path=str(SHOTS / f"scim-users-{tab.lang}.png"), full_page=True)
    tab.goto("/users/pending/")
    assert tab.locator("main").get_by_text(pro).count() >= 1
    tab.screenshot(path=str(SHOTS / f"scim-pending-{tab.lang}.png"), full_page=True)

    tab.goto("/users/single-sign-on/scim/")
    tab.locator("tr", has_text=token[-4:]).locator("a[id^=revoke-]").click()
    check_page(tab)  # asks first: revoking cuts the identity provider off at once
    tab.locator("#confirm").click()
    tab.wait_for_load_state()
    assert tab.locator("tr", has_text=token[-4:]).count() == 0
    tab.screenshot(path=str(SHOTS / f"scim-token-revoked-{tab.lang}.png"), full_page=True)
    with pytest.raises(UnauthorizedException):  # the 401 error body, as the client reads it
        scim.query(User)
    assert scim.client.get("/Users").status_code == 401
