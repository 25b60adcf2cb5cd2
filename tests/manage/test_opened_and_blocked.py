"""The owner sees on the Pending tab and in the history when an invitee opened their
invitation, and what blocked them, with the date; a mail scanner's visit shows nothing."""

from tests.accept.factory import invitation_for, invite, subscription_of
from tests.helpers import signed_in, text_of
from wizard.extensions import db


def _invitation_id(app, token) -> int:
    with app.app_context():
        return invitation_for(token).id


def test_a_blocked_invitee_shows_as_blocked_with_the_date(app):
    token = invite(app, "emil.pro@acme.example")
    owner = signed_in(app, "owner@acme.example")
    assert "Blocked" not in text_of(owner.get("/users/pending/"))
    app.test_client().get(f"/invitation/{token}")  # a mail scanner: records nothing
    assert "Opened" not in text_of(owner.get("/users/pending/"))

    signed_in(app, "emil.pro@acme.example").get(f"/invitation/{token}")

    listing = text_of(owner.get("/users/pending/"))
    assert "Blocked: outstanding balance" in listing
    assert "Opened " in listing  # blocked people opened it too, and the owner sees when
    history = text_of(owner.get(f"/users/pending/{_invitation_id(app, token)}"))
    assert "Blocked: outstanding balance. They were shown what to do first" in history


def test_an_invitee_who_opened_it_shows_as_opened_and_a_cleared_blocker_goes(app):
    token = invite(app, "ana.pro@acme.example")
    signed_in(app, "ana.pro@acme.example").get(f"/invitation/{token}")
    owner = signed_in(app, "owner@acme.example")
    assert "Opened " in text_of(owner.get("/users/pending/"))

    emil_token = invite(app, "emil.pro@acme.example")
    emil = signed_in(app, "emil.pro@acme.example")
    emil.get(f"/invitation/{emil_token}")
    with app.app_context():  # the balance is paid
        subscription_of("emil.pro@acme.example").outstanding_balance = 0
        db.session.commit()
    emil.get(f"/invitation/{emil_token}")
    listing = text_of(owner.get("/users/pending/"))
    assert "Blocked" not in listing and listing.count("Opened ") == 2
