"""Words that depend on who reads them: "keep" the Pro features only for people who have Pro
today; people with free Basic or no account "get" them; a person whose account was made as
they accepted is not told to sign in "as before"."""

import pytest

from tests.accept.factory import invitation_for, invite
from tests.helpers import submit, text_of
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import UserType

CONTEXT = {
    "business_name": "Acme Corp",
    "inviter_name": "Olivia Owner",
    "inviter_email": "owner@acme.example",
    "expires_at": "2027-01-04T00:00:00+00:00",
    "invitee_name": "",
}


def test_a_pro_user_signed_in_reads_that_they_keep_the_pro_features(client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    text = text_of(client.get(f"/invitation/{ana_link}"))
    assert "so you keep the Pro features" in text
    assert "you get the Pro features" not in text


def test_a_free_basic_user_signed_in_reads_that_they_get_the_pro_features(app, client, auth):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    auth.sign_in("dora@acme.example")
    text = text_of(client.get(f"/invitation/{token}"))
    assert "so you get the Pro features" in text
    assert "keep" not in text


def test_a_person_with_no_account_reads_that_they_get_the_pro_features(app, client):
    token = invite(app, "gus@acme.example", user_type=UserType.LICENSED)
    text = text_of(client.get(f"/invitation/{token}"))
    assert "so you get the Pro features" in text
    assert "keep the Pro features" not in text


def test_a_free_basic_user_invited_as_basic_is_not_told_what_they_lose(app, client, auth):
    token = invite(app, "dora@acme.example", user_type=UserType.BASIC)
    auth.sign_in("dora@acme.example")
    text = text_of(client.get(f"/invitation/{token}"))
    assert "what you lose" not in text
    assert "Pro features again" not in text
    assert "This is how Basic in Acme Corp compares" in text


def test_someone_not_signed_in_reads_words_that_fit_either_case(client, ana_link):
    text = text_of(client.get(f"/invitation/{ana_link}"))
    assert "If you have Pro today, you keep them; if not, you get them." in text


def test_a_new_account_is_told_to_sign_in_with_the_password_just_chosen(app, client):
    token = invite(app, "gus@acme.example", user_type=UserType.BASIC)
    page = submit(
        client,
        f"/invitation/{token}/create-account",
        {"name": "Gus", "password": "violet tractor moonlight"},
        page=f"/invitation/{token}",
        follow_redirects=True,
    )
    text = text_of(page)
    assert "sign in with this email address, gus@acme.example, and the password you chose" in text
    assert "as before" not in text


def test_an_existing_account_that_joined_is_told_to_sign_in_as_before(client, auth, app):
    token = invite(app, "dora@acme.example", user_type=UserType.BASIC)
    auth.sign_in("dora@acme.example")
    page = submit(client, f"/invitation/{token}/accept", page=f"/invitation/{token}",
                  follow_redirects=True)
    assert "From now on, sign in as before with dora@acme.example" in text_of(page)


@pytest.mark.parametrize(
    ("email", "kept", "absent"),
    [
        ("ana.pro@acme.example", "You keep the Pro features", "You get the Pro features"),
        ("dora@acme.example", "You get the Pro features", "You keep the Pro"),
        ("gus@acme.example", "You get the Pro features", "You keep the Pro"),
    ],
)
def test_the_invitation_email_says_keep_only_to_people_with_pro(app, email, kept, absent):
    token = invite(app, email, user_type=UserType.LICENSED)
    with app.app_context():
        invitation = invitation_for(token)
        mail = render_email(
            "invitation", locale="en", context={**CONTEXT, "user_type": "licensed"},
            invitation=invitation,
        )
        db.session.rollback()
    for body in (mail.text, mail.html):
        assert kept in body
        assert absent not in body


def test_the_invitation_email_to_a_person_with_no_account_says_how_they_will_sign_in(app):
    token = invite(app, "gus@acme.example", user_type=UserType.BASIC)
    with app.app_context():
        mail = render_email(
            "invitation", locale="en", context={**CONTEXT, "user_type": "basic"},
            invitation=invitation_for(token),
        )
    assert "You create your account as you accept" in mail.text
    assert "You keep signing in as you do today" not in mail.text
    assert "What you lose" not in mail.text
    assert "If you pay for your own Pro plan today" not in mail.text
