"""OpenID Connect through the app's own endpoints, on SQLite and PostgreSQL (issue 19).

A person signs in at the certified oidc-provider through its own forms and comes back to
/sso/acme/oidc/callback; every attack arrives at that same callback and is refused with the
refusal page, nothing created, and a line in the audit log.
"""

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from tests.helpers import h1_of, submit, text_of
from tests.sso.conftest import make_provider, person
from tests.sso.oidc_support import CLIENT_ID, CLIENT_SECRET, sign_in_at_provider
from wizard.extensions import db
from wizard.models import AuditEvent, User
from wizard.sso.sealing import seal

pytest_plugins = ["tests.sso.oidc_fixtures"]

CALLBACK = "http://invite.test/sso/acme/oidc/callback"


def configure(app, issuer: str, *, enabled: bool = True) -> None:
    with app.app_context():
        make_provider(
            app,
            protocol="oidc",
            enabled=enabled,
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret_sealed=seal(CLIENT_SECRET),
        )


def at_the_callback(callback_url: str) -> str:
    """The callback as the test client requests it (path and query)."""
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def go_to_provider(client) -> str:
    response = client.get("/sso/acme/oidc/login")
    assert response.status_code == 302
    return response.location


def refusals(app) -> list[str]:
    with app.app_context():
        details = db.session.execute(
            select(AuditEvent.details).where(AuditEvent.action == "sso_refused")
        ).scalars()
        return [detail["reason"] for detail in details]


def user_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_a_newcomer_signs_in_at_the_provider_and_becomes_a_member(app, client, oidc_provider):
    configure(app, oidc_provider.issuer)

    returned = sign_in_at_provider(go_to_provider(client), "gus.grissom@acme.example", CALLBACK)
    response = client.get(at_the_callback(returned))

    assert response.location.endswith("/sso/acme/welcome")
    page = client.get(response.location)
    assert h1_of(page) == "Welcome to Acme Corp"
    with app.app_context():
        gus = person("gus.grissom@acme.example")
        assert gus.account.name == "Acme Corp"
        assert gus.name == "Gus Grissom"
        joined = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "sso_joined")
        ).scalar_one()
        assert joined.details["protocol"] == "oidc"


def test_a_callback_works_once_its_second_use_is_refused_as_a_wrong_state(
    app, client, oidc_provider
):
    configure(app, oidc_provider.issuer)
    returned = sign_in_at_provider(go_to_provider(client), "hal@acme.example", CALLBACK)
    client.get(at_the_callback(returned))

    again = client.get(at_the_callback(returned))

    assert again.status_code == 400
    assert h1_of(again) == "We could not sign you in"
    assert refusals(app) == ["wrong_state"]


def test_a_callback_from_a_sign_in_begun_in_another_browser_is_refused(app, client, oidc_provider):
    """Login CSRF: an attacker's own callback link, opened in the victim's browser."""
    configure(app, oidc_provider.issuer)
    attacker = app.test_client()
    returned = sign_in_at_provider(go_to_provider(attacker), "mallory@acme.example", CALLBACK)
    go_to_provider(client)  # the victim began a sign-in of their own

    response = client.get(at_the_callback(returned))

    assert response.status_code == 400
    assert "Nothing has been changed and no account has been created." in text_of(response)
    assert refusals(app) == ["wrong_state"]
    with app.app_context():
        assert person("mallory@acme.example") is None


def test_an_unreachable_provider_gets_the_refusal_page_not_an_error(app, client):
    from tests.postgres import free_port

    configure(app, f"http://127.0.0.1:{free_port()}")

    response = client.get("/sso/acme/oidc/login")

    assert response.status_code == 400
    assert "Start again from the beginning" in text_of(response)
    assert refusals(app) == ["provider_error"]


def test_a_provider_that_is_turned_off_sends_nobody_to_the_provider(app, client, oidc_provider):
    configure(app, oidc_provider.issuer, enabled=False)

    response = client.get("/sso/acme/oidc/login")

    assert response.location.endswith("/sso/acme")


def test_a_business_without_openid_connect_has_no_oidc_endpoints(app, client, acme_sso):
    assert client.get("/sso/acme/oidc/login").status_code == 404
    assert client.get("/sso/acme/oidc/callback?state=x&code=y").status_code == 404


def sign_in_at_rogue(app, client, rogue_issuer, mode) -> str:
    configure(app, f"{rogue_issuer}/{mode}")
    authorize = go_to_provider(client)
    return requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"]


def test_the_misbehaving_issuer_behaving_signs_ada_in_so_its_refusals_are_for_one_reason(
    app, client, rogue_issuer
):
    returned = sign_in_at_rogue(app, client, rogue_issuer, "honest")

    response = client.get(at_the_callback(returned))

    assert response.location.endswith("/sso/acme/welcome")
    with app.app_context():
        assert person("ada.lovelace@acme.example") is not None


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong-issuer", "wrong_issuer"),
        ("wrong-audience", "wrong_audience"),
        ("wrong-nonce", "wrong_nonce"),
        ("alg-none", "unsupported_algorithm"),
        ("expired", "expired"),
        ("unknown-key", "unknown_key"),
        ("honest", "wrong_state"),  # the same honest answer with its state changed
    ],
)
def test_each_oidc_attack_at_the_callback_is_refused_with_nothing_created(
    app, client, rogue_issuer, mode, reason
):
    returned = sign_in_at_rogue(app, client, rogue_issuer, mode)
    if reason == "wrong_state":
        returned = returned.replace("state=", "state=forged")
    users_before = user_count(app)

    response = client.get(at_the_callback(returned))

    assert response.status_code == 400
    assert h1_of(response) == "We could not sign you in"
    assert f"give them this reference: {reason}" in text_of(response)
    assert user_count(app) == users_before
    with app.app_context():
        assert person("ada.lovelace@acme.example") is None
    assert refusals(app) == [reason]


def test_a_sign_in_is_over_after_its_first_callback_even_a_refused_one(app, client, oidc_provider):
    configure(app, oidc_provider.issuer)
    returned = sign_in_at_provider(go_to_provider(client), "ida@acme.example", CALLBACK)
    state = dict(parse_qsl(urlsplit(returned).query))["state"]
    client.get(f"/sso/acme/oidc/callback?error=access_denied&state={state}")

    response = client.get(at_the_callback(returned))

    assert response.status_code == 400
    assert refusals(app) == ["provider_error", "wrong_state"]
    with app.app_context():
        assert person("ida@acme.example") is None


def test_the_owners_connection_test_shows_what_the_provider_sent_and_signs_nobody_in(
    app, client, auth, oidc_provider
):
    configure(app, oidc_provider.issuer, enabled=False)  # tested before it is turned on
    auth.sign_in()
    start = submit(client, "/users/single-sign-on/test", page="/users/single-sign-on")
    assert start.location.endswith("/sso/acme/oidc/login")

    returned = sign_in_at_provider(go_to_provider(client), "kim.tester@acme.example", CALLBACK)
    response = client.get(at_the_callback(returned))

    assert response.location.endswith("/users/single-sign-on#test-result")
    page = text_of(client.get("/users/single-sign-on"))
    assert "kim.tester@acme.example" in page and "given_name" in page
    with app.app_context():
        assert person("kim.tester@acme.example") is None
