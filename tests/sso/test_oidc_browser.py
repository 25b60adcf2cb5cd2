"""In a real browser, in English and German: a newcomer on acme.example signs in with SSO
through the certified oidc-provider's own login and consent pages and arrives as a member;
the owner's settings page with OpenID Connect chosen. Checked with axe; screenshots kept in
SSO_SCREENSHOTS (default: a temp dir). SQLite only, like the other browser tests.
"""

import logging
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app, reset_database, seed
from tests.domains.test_browser import check_page, chromium, sign_in  # noqa: F401 (fixture)
from tests.postgres import free_port
from tests.sso.conftest import make_provider
from tests.sso.oidc_fixtures import start_oidc_provider, stop
from tests.sso.oidc_support import CLIENT_ID, CLIENT_SECRET

# `tab` is the SSO pages' own (English and German), here on this module's `served` app.
from tests.sso.test_browser_pages import german, shoot, tab  # noqa: F401 (fixture)
from wizard.extensions import db
from wizard.models import User
from wizard.sso.sealing import seal


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a port of its own, with Acme's provider: oidc-provider sending people back
    to this app's real callback (BASE_URL is the served address)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process, provider = start_oidc_provider((f"{base_url}/sso/acme/oidc/callback",))
    root = tmp_path_factory.mktemp("oidc-browser")
    app = make_app(
        f"sqlite:///{root / 'browser.sqlite'}", root, RATELIMIT_ENABLED=False, BASE_URL=base_url
    )
    with app.app_context():
        reset_database()
        seed(app)
        make_provider(
            app,
            protocol="oidc",
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret_sealed=seal(CLIENT_SECRET),
        )
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base_url
    server.shutdown()
    thread.join(timeout=5)
    stop(process)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_newcomer_signs_in_through_the_provider_and_arrives_as_a_member(tab, served):  # noqa: F811
    app, _url = served
    email = f"nora.{tab.lang}@acme.example"
    # The business's own link. (The "Sign in with SSO" form cannot lead to another origin yet:
    # the app's CSP says form-action 'self', and Chromium applies it to the form's redirects.)
    tab.goto("/sso/acme")
    if tab.lang == "de":
        german(tab)
    tab.locator("main a[href$='/sso/acme/oidc/login']").click()
    # oidc-provider's own development login page, then its consent page
    tab.locator("input[name=login]").fill(email)
    tab.locator("input[name=password]").fill("any password")
    shoot(tab, "oidc-provider-login")
    tab.locator("button[type=submit]").click()
    tab.locator("button[type=submit]").click()

    tab.wait_for_url("**/sso/acme/welcome")
    check_page(tab)
    shoot(tab, "oidc-welcome")
    with app.app_context():
        nora = db.session.execute(select(User).where(User.email == email)).scalar_one()
        assert nora.account.name == "Acme Corp"
        assert nora.name == f"Nora {tab.lang.title()}"


def test_the_settings_page_with_openid_connect_reads_well(tab):  # noqa: F811 (fixture)
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/single-sign-on")
    if tab.lang == "de":
        german(tab)
    check_page(tab)
    assert "/sso/acme/oidc/callback" in tab.locator("main").inner_text()
    shoot(tab, "oidc-settings")
