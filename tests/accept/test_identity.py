"""Who may accept: the invited address, case-insensitively; anyone else is told whose it is."""

import pytest
from sqlalchemy import update

from tests.accept.factory import count, invitation_for, invite, snapshot, user
from tests.helpers import h1_of, submit, text_of
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, RefundRecord, Role, User, UserType


def test_signing_in_from_the_invitation_comes_back_to_it(client, ana_link):
    response = submit(
        client,
        f"/sign-in?next=/invitation/{ana_link}",
        {"email": "ana.pro@acme.example", "password": DEMO_PASSWORD,
         "next": f"/invitation/{ana_link}"},
    )
    assert response.status_code == 302
    assert response.location == f"/invitation/{ana_link}"
    assert "Continue to refund details" in text_of(client.get(response.location))


def test_the_invited_address_matches_whatever_its_case(app, client, auth):
    token = invite(app, "ana.pro@acme.example")
    with app.app_context():
        # Even an invitation stored with capitals (as older data might be) is the same person.
        db.session.execute(
            update(Invitation).where(Invitation.id == invitation_for(token).id)
            .values(email="Ana.Pro@ACME.example")
        )
        db.session.commit()
    auth.sign_in("ANA.PRO@acme.EXAMPLE")
    page = client.get(f"/invitation/{token}")
    assert h1_of(page) == "Join Acme Corp"
    assert "$10.66" in text_of(page)


def test_signed_in_as_someone_else_says_whose_invitation_it_is_and_accepts_nothing(
    app, client, auth, ana_link
):
    with app.app_context():
        before = snapshot(ana_link)
    auth.sign_in("dora@acme.example")
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 403
    assert h1_of(page) == "This invitation is for ana.pro@acme.example"
    text = text_of(page)
    assert "You are signed in as dora@acme.example" in text
    assert "Nothing has been accepted" in text
    assert "Sign out and continue" in text
    # Trying anyway, by every door, changes nothing.
    submit(client, f"/invitation/{ana_link}/accept", page=f"/invitation/{ana_link}")
    submit(client, f"/invitation/{ana_link}/refund", {"method": "refund",
           "receipt_email": "dora@acme.example"}, page=f"/invitation/{ana_link}")
    submit(client, f"/invitation/{ana_link}/decline", page=f"/invitation/{ana_link}")
    with app.app_context():
        assert snapshot(ana_link) == before


def test_sign_out_and_continue_shows_the_invitation_signed_out(app, client, auth, ana_link):
    auth.sign_in("dora@acme.example")
    response = submit(client, f"/invitation/{ana_link}/sign-out", page=f"/invitation/{ana_link}",
                      follow_redirects=True)
    assert h1_of(response) == "Join Acme Corp"
    assert "To accept, sign in as ana.pro@acme.example" in text_of(response)
    assert "You are signed out" in text_of(response)
    with app.app_context():
        assert user("dora@acme.example").session_version == 2  # old cookies are dead


def test_an_address_without_an_account_creates_one_while_joining(app, client, gus_link):
    page = client.get(f"/invitation/{gus_link}")
    assert "Create your account to join" in text_of(page)
    assert "nothing to refund" in text_of(page)
    response = submit(client, f"/invitation/{gus_link}/create-account",
                      {"name": "Gus Newman", "password": "a long enough one"},
                      page=f"/invitation/{gus_link}", follow_redirects=True)
    assert h1_of(response) == "You are in Acme Corp"
    with app.app_context():
        gus = user("gus@acme.example")
        business = invitation_for(gus_link)
        assert (gus.name, gus.account_id, gus.role, gus.user_type) == (
            "Gus Newman", business.account_id, Role.MEMBER, UserType.BASIC
        )
        assert business.status == InvitationStatus.ACCEPTED
        assert business.accepted_user_id == gus.id
        assert count(RefundRecord) == 0
    # He is signed in, and later signs in with the password he chose.
    assert "Acme Corp" in text_of(client.get("/account/"))


def test_a_new_account_needs_a_name_and_a_password_of_eight_characters(app, client, gus_link):
    response = submit(client, f"/invitation/{gus_link}/create-account",
                      {"name": "Gus Newman", "password": "short"}, page=f"/invitation/{gus_link}")
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "Use at least 8 characters for your password" in text
    assert 'value="Gus Newman"' in response.get_data(as_text=True)
    response = submit(client, f"/invitation/{gus_link}/create-account",
                      {"name": "  ", "password": "long enough"}, page=f"/invitation/{gus_link}")
    assert "Enter your name" in text_of(response)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "gus@acme.example")) is None
        assert invitation_for(gus_link).status == InvitationStatus.PENDING


def test_creating_an_account_for_an_address_that_has_one_is_refused(app, client, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
    response = submit(client, f"/invitation/{ana_link}/create-account",
                      {"name": "Impostor", "password": "long enough"},
                      page="/invitation/nothing", follow_redirects=True)
    assert "There is already an account for this address. Sign in to continue." in text_of(response)
    with app.app_context():
        assert snapshot(ana_link) == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("qwertyuiop", "This is one of the most common passwords"),
        ("Password1", "This is one of the most common passwords"),
        ("gus@acme.example", "Do not use your email address as your password"),
        ("x" * 129, "Passwords are at most 128 characters long"),
    ],
)
def test_a_new_account_refuses_common_passwords_and_the_address_itself(
    app, client, gus_link, password, message
):
    response = submit(client, f"/invitation/{gus_link}/create-account",
                      {"name": "Gus Newman", "password": password},
                      page=f"/invitation/{gus_link}")
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'value="Gus Newman"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "gus@acme.example")) is None
        assert invitation_for(gus_link).status == InvitationStatus.PENDING
