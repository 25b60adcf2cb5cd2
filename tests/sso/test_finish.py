"""finish_sign_in and refuse: what the person sees after a protocol has spoken (issue 19)."""

import re

import pytest
from sqlalchemy import func, select

from tests.helpers import h1_of, text_of
from tests.sso.conftest import make_provider, person, provider
from wizard.extensions import db
from wizard.models import AuditEvent, SsoMember, User
from wizard.models.types import utcnow
from wizard.sso.advice import NOT_INSTALLED
from wizard.sso.protocol import REFUSALS
from wizard.sso.views.finish import TEST_FLAG


def proven(client, url, email, **fields):
    data = {"subject": email, "attr:email": email, **fields}
    return client.post(url, data=data)


def refusal_reasons():
    return [d["reason"] for d in db.session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "sso_refused")).scalars()]


def test_a_newcomer_lands_on_the_welcome_page_signed_in(app, client, acme_sso, finish_route):
    response = proven(client, finish_route, "gus@acme.example", **{"attr:given_name": "Gus"})
    assert response.status_code == 302 and response.location.endswith("/sso/acme/welcome")
    page = client.get(response.location)
    assert h1_of(page) == "Welcome to Acme Corp"
    assert "Gus · Acme Corp" in text_of(page)  # signed in, as the header says


def test_a_pro_user_lands_on_the_invitation_page_with_the_refund(app, client, acme_sso,
                                                                   finish_route):
    response = proven(client, finish_route, "ana.pro@acme.example")
    assert "/invitation/" in response.location
    page = client.get(response.location)
    text = text_of(page)
    assert "choose what happens to your subscription" in text
    assert "ana.pro@acme.example" in text and "Acme Corp" in text
    with app.app_context():
        assert not person("ana.pro@acme.example").account.is_business


@pytest.mark.parametrize(("email", "browser", "banner"), [
    ("ana.pro@acme.example", "de", "choose what happens to your subscription"),
    ("ben.pro@acme.example", "en", "was mit Ihrem Abonnement geschieht"),
], ids=["english-person-german-browser", "german-person-english-browser"])
def test_the_banner_after_signing_in_speaks_the_persons_saved_language_not_the_browsers(
    app, client, acme_sso, finish_route, email, browser, banner
):
    headers = {"Accept-Language": browser}
    response = client.post(finish_route, data={"subject": email, "attr:email": email},
                           headers=headers)
    page = client.get(response.location, headers=headers)
    assert banner in text_of(page)


def test_a_replayed_message_is_refused_the_second_time(app, client, acme_sso, finish_route):
    first = proven(client, finish_route, "member@acme.example", message_id="_a1")
    again = proven(app.test_client(), finish_route, "member@acme.example", message_id="_a1")
    assert first.status_code == 302
    assert again.status_code == 400 and h1_of(again) == "We could not sign you in"
    with app.app_context():
        assert refusal_reasons() == ["replayed"]


def test_a_refused_message_gets_a_clear_page_and_an_audit_line(app, client, acme_sso,
                                                                 finish_route):
    response = client.post(finish_route, data={"refuse": "bad_signature"})
    assert response.status_code == 400
    assert "Start again from the beginning" in text_of(response)
    assert "bad_signature" in text_of(response)
    with app.app_context():
        assert refusal_reasons() == ["bad_signature"]


def test_an_address_outside_the_domains_is_told_why(app, client, acme_sso, finish_route):
    response = proven(client, finish_route, "chen.pro@partner.example")
    assert response.status_code == 403
    assert h1_of(response) == ("This address cannot sign in to Acme Corp with single sign-on")
    assert "chen.pro@partner.example" in text_of(response)
    assert "Nothing has been changed" in text_of(response)


def test_a_member_of_another_business_sees_whom_to_ask(app, client, acme_sso, finish_route):
    with app.app_context():
        globex = person("owner@globex.example")
        db.session.add(User(email="hal@acme.example", password_hash="x",
                            account_id=globex.account_id))
        db.session.commit()
    response = proven(client, finish_route, "hal@acme.example")
    page = client.get(response.location)
    assert h1_of(page) == "You are already in another business account"
    assert "Ask the owner of Globex" in text_of(page)


def test_a_test_round_trip_shows_the_attributes_and_signs_nobody_in(app, client, acme_sso,
                                                                      finish_route):
    with client.session_transaction() as session:
        session[TEST_FLAG] = acme_sso
    response = proven(client, finish_route, "gus@acme.example", **{"attr:groups": "Staff"})
    assert response.location.endswith("/users/single-sign-on#test-result")
    with app.app_context():
        assert person("gus@acme.example") is None
        result = provider(acme_sso).test_result
        assert ["groups", ["Staff"]] in result["attributes"]
        assert result["claims"]["email"] == "gus@acme.example"


def test_an_account_made_by_sso_has_no_password_to_guess(app, client, acme_sso, finish_route):
    from tests.helpers import submit

    proven(client, finish_route, "gus@acme.example")
    other = app.test_client()
    for guess in ("", "!sso-only", "sso-only"):
        response = submit(other, "/sign-in", {"email": "gus@acme.example", "password": guess})
        assert response.status_code == 200  # the form again, nobody signed in


@pytest.mark.parametrize("protocol", ["saml", "oidc"])
def test_every_failed_test_is_told_in_words_with_what_to_change_never_as_a_code(
    app, auth, client, protocol
):
    """What "Test the connection" found, for each reason an answer can be refused: a sentence
    of its own (the catch-all only for the provider's own error), never the code itself."""
    provider_id = make_provider(app, protocol=protocol, issuer="https://login.example.com")
    auth.sign_in("owner@acme.example")
    said = {}
    for reason in (*REFUSALS, NOT_INSTALLED):
        with app.app_context():
            provider(provider_id).test_result = {"refused": reason}
            provider(provider_id).tested_at = utcnow()
            db.session.commit()
        page = client.get("/users/single-sign-on")
        notice = re.search(r'id="test-refused">([^<]+)<', page.text)
        assert notice, reason
        said[reason] = notice.group(1)
        assert not re.search(r"\w+_\w+", said[reason]), said[reason]  # no code like wrong_issuer
        assert "test again" in said[reason].lower() or reason in ("no_email", NOT_INSTALLED)
    catch_all = said["provider_error"]
    assert [r for r, words in said.items() if words == catch_all] == ["provider_error"]
    assert "cannot use %s yet" % ("SAML 2.0" if protocol == "saml" else "OpenID Connect") in (
        said[NOT_INSTALLED]
    )


def refusal_details():
    return [d.get("detail", "") for d in db.session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "sso_refused")).scalars()]


@pytest.mark.parametrize("email", [
    "gus@acme.example\x00",  # PostgreSQL cannot store a NUL at all
    "gus\x07@acme.example",
    "g" * 260 + "@acme.example",  # 273 characters: the column holds 254
], ids=["nul", "bell", "273-characters"])
def test_an_address_no_column_can_hold_is_no_address_and_nobody_is_made(
    app, client, acme_sso, finish_route, email
):
    with app.app_context():
        people = db.session.execute(select(func.count(User.id))).scalar_one()
    response = proven(client, finish_route, email)
    assert response.status_code == 400
    assert h1_of(response) == "We could not tell which email address signed in"
    with app.app_context():
        assert refusal_reasons() == ["no_email"]
        assert db.session.execute(select(func.count(User.id))).scalar_one() == people


def test_control_characters_leave_a_name_and_long_names_are_cut_to_fit(
    app, client, acme_sso, finish_route
):
    proven(client, finish_route, "gus@acme.example", **{
        "attr:given_name": "Gus\x00tav\tMaria", "attr:family_name": "Berg\x1f\n",
        "subject": "gus-\x00-1"})
    proven(client, finish_route, "hal@acme.example", **{
        "attr:given_name": "H" * 300, "attr:family_name": "Long"})
    with app.app_context():
        assert person("gus@acme.example").name == "Gustav Maria Berg"
        assert person("hal@acme.example").name == "H" * 200
        gus = person("gus@acme.example").id
        assert db.session.execute(  # kept to read: the subject loses its NUL too
            select(SsoMember.subject).where(SsoMember.user_id == gus)).scalar_one() == "gus--1"


def test_the_audit_line_of_a_refusal_keeps_the_providers_words_without_control_characters(
    app, client, acme_sso, finish_route
):
    """The provider's error text goes into the audit log as sent, but a NUL cannot be stored."""
    response = client.post(finish_route, data={
        "refuse": "provider_error", "detail": "access_denied: no\x00 entry\x1b"})
    assert response.status_code == 400
    with app.app_context():
        assert refusal_details() == ["access_denied: no entry"]
