"""SAML through the app's endpoints: begin → the real IdP in its own process → the ACS.

On SQLite and PostgreSQL. A proven response leads to finish_sign_in; every attack is refused
with the refusal page (400), nothing is created, and the audit log names the reason.
"""

# ruff: noqa: F811 (the saml_idp fixture is imported from its module, then requested by name)

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.helpers import text_of
from tests.sso import saml_attacks as attack
from tests.sso.conftest import make_provider, person
from tests.sso.saml_idp import saml_idp  # noqa: F401 (a fixture)
from wizard.extensions import db
from wizard.models import AuditEvent, User

NEWCOMER = "nora.new@acme.example"


@pytest.fixture
def acme_saml(app, saml_idp):
    """Acme's provider, pointing at the test IdP's real metadata."""
    provider_id = make_provider(app)
    with app.app_context():
        from tests.sso.conftest import provider
        from wizard.sso.saml import read_idp_metadata

        found = provider(provider_id)
        found.idp_metadata_xml = saml_idp.metadata()
        found.idp_entity_id = read_idp_metadata(found.idp_metadata_xml).entity_id
        db.session.commit()
    return provider_id


def _round_trip(client, idp, email: str, *, scenario: str = ""):
    """The browser's trip: the app's begin, the IdP's sign-in, back to the ACS (not posted)."""
    begun = client.get("/sso/acme/saml/login")
    assert begun.status_code == 302
    acs, response, relay = idp.sign_in(begun.location, email, scenario=scenario)
    assert urlsplit(acs).path == "/sso/acme/saml/acs"
    return {"SAMLResponse": response, "RelayState": relay}


def _post(client, form):
    return client.post("/sso/acme/saml/acs", data=form)


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def _refusals(app) -> list[str]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sso_refused").order_by(AuditEvent.id)
        )
        return [event.details["reason"] for event in events]


def test_someone_new_on_acme_example_joins_through_saml(app, client, acme_saml, saml_idp):
    answer = _post(client, _round_trip(client, saml_idp, NEWCOMER))

    assert answer.status_code == 302
    assert "/welcome" in answer.location
    with app.app_context():
        assert person(NEWCOMER) is not None


def test_a_pro_user_on_acme_example_is_sent_to_choose_refund_details(
    app, client, acme_saml, saml_idp
):
    answer = _post(client, _round_trip(client, saml_idp, "ana.pro@acme.example"))

    assert answer.status_code == 302
    assert "/invitation/" in answer.location


def test_the_sp_metadata_names_this_apps_entity_id_and_acs_url(client, acme_saml):
    answer = client.get("/sso/acme/saml/metadata.xml")

    assert answer.status_code == 200
    assert 'entityID="http://invite.test/sso/acme/saml/metadata.xml"' in answer.text
    assert 'Location="http://invite.test/sso/acme/saml/acs"' in answer.text


def test_a_business_without_saml_has_no_saml_endpoints(client):
    assert client.get("/sso/nobody/saml/login").status_code == 404
    assert client.get("/sso/nobody/saml/metadata.xml").status_code == 404


@pytest.mark.parametrize(
    ("scenario", "forge", "reason"),
    [
        ("unsigned", None, "unsigned"),
        ("", lambda r: attack.altered(r, NEWCOMER), "bad_signature"),
        ("assertion_only", lambda r: attack.beside(r, NEWCOMER), "wrapped"),
        ("assertion_only", lambda r: attack.around(r, NEWCOMER), "wrapped"),
        ("wrong_audience", None, "wrong_audience"),
        ("wrong_recipient", None, "wrong_destination"),
        ("wrong_destination", None, "wrong_destination"),
        ("expired", None, "expired"),
        ("not_yet_valid", None, "not_yet_valid"),
        ("other_request", None, "unknown_request"),
        ("sha1", None, "unsupported_algorithm"),
    ],
)
def test_an_attack_through_the_acs_is_refused_nothing_created_and_logged(
    app, client, acme_saml, saml_idp, scenario, forge, reason
):
    form = _round_trip(client, saml_idp, NEWCOMER, scenario=scenario)
    if forge:
        form["SAMLResponse"] = forge(form["SAMLResponse"])
    users = _users(app)

    answer = _post(client, form)

    assert answer.status_code == 400
    assert "We could not sign you in" in text_of(answer)
    assert "Nothing has been changed" in text_of(answer)
    assert _users(app) == users
    assert _refusals(app) == [reason]


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", "signed its answer with an outdated method (SHA-1)"),
     ("de", "mit einem veralteten Verfahren (SHA-1) signiert")],
)
def test_a_sha1_response_says_what_the_it_team_must_change(
    app, client, acme_saml, saml_idp, locale, words
):
    form = _round_trip(client, saml_idp, NEWCOMER, scenario="sha1")
    answer = client.post("/sso/acme/saml/acs", data=form,
                         headers={"Accept-Language": locale})
    assert answer.status_code == 400
    assert words in text_of(answer)
    assert "SHA-256" in text_of(answer)


def test_a_replayed_response_is_refused_even_in_a_fresh_round_trip(
    app, client, acme_saml, saml_idp
):
    form = _round_trip(client, saml_idp, NEWCOMER)
    assert _post(client, form).status_code == 302
    client.get("/sso/acme/saml/login")  # a new request ID in the session: only the ID differs

    assert _post(client, form).status_code == 400
    assert _refusals(app) == ["unknown_request"]


def test_a_response_posted_twice_is_refused_the_second_time(app, client, acme_saml, saml_idp):
    form = _round_trip(client, saml_idp, NEWCOMER)
    assert _post(client, form).status_code == 302

    second = _post(client, _fields_of(_post(client, form)))

    assert second.status_code == 400
    assert _refusals(app) == ["unknown_request"]


def _fields_of(page) -> dict[str, str]:
    html = page.get_data(as_text=True)
    assert re.search(r'<form method="post" action="/sso/acme/saml/acs"', html)
    return {k: unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', html)}


def test_a_cross_site_post_without_the_session_cookie_is_posted_again_and_signs_in(
    app, client, acme_saml, saml_idp
):
    """The provider's page on another site posts to the ACS: a SameSite=Lax cookie stays home."""
    form = _round_trip(client, saml_idp, NEWCOMER)
    cross_site = app.test_client(use_cookies=False)

    page = _post(cross_site, form)

    assert page.status_code == 200
    assert "Finishing your sign-in" in text_of(page)
    assert "Set-Cookie" not in page.headers  # the browser's own session cookie stays as it is
    assert page.headers["Cache-Control"] == "no-store"
    fields = _fields_of(page)
    assert fields["SAMLResponse"] == form["SAMLResponse"]
    assert fields["RelayState"] == form["RelayState"]
    with app.app_context():
        assert person(NEWCOMER) is None

    same_site = _post(client, fields)  # from our own page: the cookie comes along

    assert same_site.status_code == 302
    assert "/welcome" in same_site.location
    with app.app_context():
        assert person(NEWCOMER) is not None
    assert _refusals(app) == []


def test_posting_again_in_a_browser_that_started_no_sign_in_is_refused(
    app, client, acme_saml, saml_idp
):
    """Login CSRF: someone else's response, forwarded to this browser, still finds no request."""
    form = _round_trip(client, saml_idp, NEWCOMER)
    victim = app.test_client()
    page = _post(victim, form)
    assert page.status_code == 200

    again = _post(victim, _fields_of(page))

    assert again.status_code == 400
    assert "We could not sign you in" in text_of(again)
    assert _refusals(app) == ["unknown_request"]
    with app.app_context():
        assert person(NEWCOMER) is None


def test_a_copied_response_in_another_browser_is_refused(app, acme_saml, saml_idp):
    first, thief = app.test_client(), app.test_client()
    form = _round_trip(first, saml_idp, NEWCOMER)
    assert _post(first, form).status_code == 302
    thief.get("/sso/acme/saml/login")

    assert _post(thief, form).status_code == 400


def test_testing_the_connection_with_a_sha1_provider_says_how_to_fix_it(
    app, client, auth, acme_saml, saml_idp
):
    from tests.helpers import submit

    auth.sign_in("owner@acme.example")
    started = submit(client, "/users/single-sign-on/test", page="/users/single-sign-on")
    assert started.status_code == 302
    begun = client.get(started.location)
    acs, response, relay = saml_idp.sign_in(begun.location, "owner@acme.example",
                                            scenario="sha1")
    client.post(urlsplit(acs).path, data={"SAMLResponse": response, "RelayState": relay})
    page = text_of(client.get("/users/single-sign-on"))
    assert "Your identity provider signs with SHA-1" in page
    assert "choose RSA-SHA256 as the signature algorithm" in page
