"""Issue 19's journey in a real browser: the owner connects the SAML provider on the settings
page, a Pro user on acme.example signs in with SSO at the provider (a real IdP in its own
process), chooses the refund, and appears as a member on the owner's Users page.

SQLite only, like the other browser tests. Screenshots of the development IdP's page and the
refusal page go to SSO_SCREENSHOTS (default: a temp dir), in English and German.
"""

# ruff: noqa: F811 (fixtures imported from their modules, then requested by name)

import logging
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import switch_to_german
from tests.conftest import make_app, reset_database, seed
from tests.domains.test_browser import check_page, chromium, sign_in  # noqa: F401 (fixture)
from tests.helpers import served_in_a_thread
from tests.sso.saml_idp import saml_idp  # noqa: F401 (a fixture)
from wizard.extensions import db

SHOTS = Path(os.environ.get("SSO_SCREENSHOTS") or tempfile.mkdtemp(prefix="sso-shots-"))


def _serve(tmp_path_factory, host: str = "127.0.0.1", **config):
    root = tmp_path_factory.mktemp("saml-browser")
    app = make_app(f"sqlite:///{root / 'browser.sqlite'}", root, RATELIMIT_ENABLED=False, **config)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with served_in_a_thread(app, host) as url:  # BASE_URL set before the demo IdP is seeded
        with app.app_context():
            reset_database()
            seed(app)
            db.session.remove()
        yield app, url


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app as an operator runs it: Acme has no provider until the owner connects one.

    At http://localhost while the test IdP is at http://127.0.0.1: another site, as a real
    provider is, so its POST to the ACS comes without the SameSite=Lax session cookie."""
    yield from _serve(tmp_path_factory, host="localhost")


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory):
    """The app as `make run` serves it: demo mode, Acme on the development IdP."""
    yield from _serve(tmp_path_factory, DEMO_MODE=True)


def _page(chromium, url, **options):
    context = chromium.new_context(base_url=url, viewport={"width": 1100, "height": 800}, **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(chromium, served):
    context, page = _page(chromium, served[1])
    yield page
    context.close()


@pytest.fixture
def demo_page(chromium, served_demo):
    context, page = _page(chromium, served_demo[1])
    yield page
    context.close()


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_owner_connects_saml_and_a_pro_user_signs_in_chooses_the_refund_and_is_a_member(
    page, saml_idp
):
    sign_in(page, "owner@acme.example")
    page.goto("/users/single-sign-on")
    page.check("input[name=protocol][value=saml]")
    page.fill("#metadata_xml", saml_idp.metadata())
    page.locator("main").get_by_role("button", name="Save settings").click()
    if page.locator("#turn-on").count():
        page.click("#turn-on")
    assert page.locator("#turn-off").count() == 1
    page.locator("header").get_by_role("button", name="Sign out").click()

    page.goto("/sign-in")
    page.click("#sign-in-with-sso")
    page.get_by_label("Email address").fill("ana.pro@acme.example")
    page.locator("main").get_by_role("button", name="Continue").click()
    # At the identity provider (its own process): who signs in, then back to the app.
    page.wait_for_url(saml_idp.base_url + "/**")
    page.fill("input[name=email]", "ana.pro@acme.example")
    page.click("button:has-text('Sign in')")
    page.click("button:has-text('Continue')")

    page.wait_for_url("**/invitation/**")
    page.click("#continue")
    assert h1(page) == "Choose your refund details"
    page.focus("#method-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("You are in Acme Corp")

    page.locator("header").get_by_role("button", name="Sign out").click()
    sign_in(page, "owner@acme.example")
    page.goto("/users/")
    assert "ana.pro@acme.example" in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_development_idp_and_the_refusal_page_read_well(demo_page, lang):
    page = demo_page
    if lang == "de":
        page.goto("/sign-in")
        switch_to_german(page)
    page.goto("/sso/acme-corp/saml/login")
    assert "/dev/idp/sso" in page.url
    check_page(page)
    people = page.locator("main ul")  # buttons stacked, no list bullets beside them
    assert people.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    shoot(page, f"sso-dev-idp-{lang}")
    page.locator("main form", has_text="chen.pro@partner.example").locator("button").click()
    check_page(page)
    shoot(page, f"sso-dev-idp-answer-{lang}")
    page.locator("main button").click()
    check_page(page)
    shoot(page, f"sso-refused-outside-{lang}")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_without_its_script_the_cross_site_answer_continues_with_one_button(
    chromium, served, saml_idp, lang
):
    app, url = served
    with app.app_context():
        from wizard.models import Account, IdentityProvider
        from wizard.sso.saml import read_idp_metadata

        acme = db.session.execute(
            db.select(Account).where(Account.name == "Acme Corp")
        ).scalar_one()
        provider = db.session.execute(
            db.select(IdentityProvider).where(IdentityProvider.account_id == acme.id)
        ).scalar_one_or_none() or IdentityProvider(account_id=acme.id, protocol="saml", slug="acme")
        provider.idp_metadata_xml = saml_idp.metadata()
        provider.idp_entity_id = read_idp_metadata(provider.idp_metadata_xml).entity_id
        provider.enabled = True
        db.session.add(provider)
        db.session.commit()
        slug = provider.slug
        db.session.remove()
    context, page = _page(chromium, url, locale="de-DE" if lang == "de" else "en-US")
    # As without JavaScript (axe needs it on): the page's auto-submit never comes.
    context.route("**/submit-on-load.js", lambda route: route.abort())
    try:
        email = f"nora.{lang}@acme.example"
        page.goto(f"/sso/{slug}/saml/login")
        page.wait_for_url(saml_idp.base_url + "/**")
        page.fill("input[name=email]", email)
        page.click("button:has-text('Sign in')")
        page.click("button:has-text('Continue')")  # the IdP's page posts to another site

        page.wait_for_url(f"**/sso/{slug}/saml/acs")
        check_page(page)
        shoot(page, f"sso-saml-continue-{lang}")
        page.locator("main").get_by_role("button").click()

        page.wait_for_url(f"**/sso/{slug}/welcome")
        assert h1(page) != ""
        shoot(page, f"sso-saml-continued-{lang}")
    finally:
        context.close()
