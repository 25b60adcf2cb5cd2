"""In a real browser, in English and German: the SSO settings page and the pages a person
sees when signing in with SSO, checked with axe and kept as screenshots (issue 19).

SQLite only, like the other browser tests; skipped with the reason without Chromium (failed
instead when REQUIRE_BROWSER is set). Screenshots go to SSO_SCREENSHOTS (default: a temp dir).
"""

import logging
import os
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.pages import switch_to_german
from tests.conftest import make_app, reset_database, seed
from tests.domains.test_browser import check_page, chromium, sign_in  # noqa: F401 (fixture)
from tests.sso.conftest import add_proven_route, make_provider
from wizard.extensions import db

SHOTS = Path(os.environ.get("SSO_SCREENSHOTS") or tempfile.mkdtemp(prefix="sso-shots-"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("sso-browser")
    app = make_app(f"sqlite:///{root / 'browser.sqlite'}", root, RATELIMIT_ENABLED=False)
    with app.app_context():
        reset_database()
        seed(app)
        db.session.remove()
    make_provider(app, slug="acme-corp", idp_entity_id="https://idp.acme.example/metadata",
                  test_result={"subject": "gus@acme.example", "attributes": [
                      ["email", ["gus@acme.example"]], ["given_name", ["Gus"]],
                      ["groups", ["Staff", "Video Pro"]]],
                      "claims": {"email": "gus@acme.example", "first_name": "Gus",
                                 "last_name": "", "user_type": None, "role": None}})
    with app.app_context():
        from datetime import UTC, datetime

        from wizard.models import IdentityProvider
        db.session.execute(db.update(IdentityProvider).values(
            tested_at=datetime(2026, 12, 5, 13, 0, tzinfo=UTC)))
        db.session.commit()
    add_proven_route(app)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["en", "de"])
def tab(request, chromium, served):  # noqa: F811 (chromium is the imported fixture)
    _app, url = served
    context = chromium.new_context(base_url=url, viewport={"width": 1100, "height": 800},
                                   locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.lang = request.param
    yield page
    context.close()


def german(page) -> None:
    switch_to_german(page)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sso-{name}-{page.lang}.png"), full_page=True)


def test_the_settings_page_reads_well_in_both_languages(tab):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/single-sign-on")
    if tab.lang == "de":
        german(tab)
    check_page(tab, "Single sign-on" if tab.lang == "en" else "Single Sign-on")
    assert "http://invite.test/sso/acme-corp/saml/acs" in tab.locator("#sp-acs-url").inner_text()
    shoot(tab, "settings")


def test_the_sign_in_pages_read_well_in_both_languages(tab):
    tab.goto("/sign-in")
    if tab.lang == "de":
        german(tab)
    tab.locator("#sign-in-with-sso").click()
    check_page(tab)
    shoot(tab, "sign-in")
    tab.locator("input[name=email]").fill("chen.pro@partner.example")
    tab.locator("main button[type=submit]").click()
    if tab.lang == "en":  # check_page knows the English "Error: " prefix only
        check_page(tab)
    else:
        assert tab.title().startswith("Fehler: Mit Single Sign-on anmelden")
    assert tab.locator(".error-summary").count() == 1
    shoot(tab, "sign-in-error")
    tab.goto("/sso/acme-corp")
    check_page(tab)
    shoot(tab, "business")


def proven(page, email: str) -> None:
    """As if the provider had proven `email`: a form posting to the stand-in protocol step."""
    origin = page.url.split("/sso")[0]
    page.set_content(
        f'<form method="post" action="{origin}/test-sso/acme-corp/proven">'
        f'<input name="attr:email" value="{email}"><input name="subject" value="{email}">'
        '<button>go</button></form>'
    )
    page.locator("button").click()


def test_the_outcome_pages_read_well_in_both_languages(tab):
    tab.goto("/sso")
    if tab.lang == "de":
        german(tab)
    proven(tab, "chen.pro@partner.example")
    check_page(tab)
    shoot(tab, "refused")
    tab.goto("/sso")
    proven(tab, f"new.{tab.lang}@acme.example")
    check_page(tab)
    assert "/welcome" in tab.url
    shoot(tab, "welcome")
