"""Saying no (the inviter is told), and asking for a new link when one has expired."""

from datetime import timedelta

from sqlalchemy import select

from tests.accept.factory import count, invitation_for, invite, snapshot
from tests.helpers import h1_of, submit, text_of
from wizard.accept import acceptance, tokens
from wizard.accept.acceptance import Outcome
from wizard.extensions import db
from wizard.models import AuditEvent, InvitationStatus, OutboxEmail
from wizard.models.types import utcnow


def decline(client, token, message=""):
    return submit(client, f"/invitation/{token}/decline", {"message": message},
                  follow_redirects=True)


def test_declining_tells_the_person_who_invited(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    page = client.get(f"/invitation/{ana_link}/decline")
    assert h1_of(page) == "Decline the invitation to Acme Corp?"
    assert "Olivia Owner is told by email" in text_of(page)
    response = decline(client, ana_link, "Happy on my own plan, thanks!")
    assert h1_of(response) == "This invitation was declined"
    assert "You declined the invitation. Olivia Owner has been told." in text_of(response)
    with app.app_context():
        invitation = invitation_for(ana_link)
        assert invitation.status == InvitationStatus.DECLINED
        assert invitation.responded_at is not None
        mail = db.session.execute(select(OutboxEmail)).scalar_one()
        assert (mail.kind, mail.to_address) == ("invitation_declined", "owner@acme.example")
        assert mail.context["message"] == "Happy on my own plan, thanks!"
        assert count(AuditEvent, AuditEvent.action == "declined") == 1


def test_someone_without_an_account_can_decline_too(app, client, gus_link):
    response = decline(client, gus_link)
    assert h1_of(response) == "This invitation was declined"
    with app.app_context():
        assert invitation_for(gus_link).status == InvitationStatus.DECLINED


def test_declining_twice_tells_the_inviter_once(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    decline(client, ana_link)
    with app.app_context():
        result = acceptance.decline_invitation(ana_link, None)
        assert result.outcome == Outcome.NOT_PENDING
        assert count(OutboxEmail) == 1


def test_a_declined_invitation_cannot_be_accepted_afterwards(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    decline(client, ana_link)
    submit(client, f"/invitation/{ana_link}/refund",
           {"method": "refund", "receipt_email": "ana.pro@acme.example"},
           page=f"/invitation/{ana_link}")
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.DECLINED


def test_a_long_message_is_explained_and_kept(app, client, ana_link):
    response = submit(client, f"/invitation/{ana_link}/decline", {"message": "no " * 400})
    assert response.status_code == 200
    assert "Keep the message to 1,000 characters or fewer" in text_of(response)
    assert "no no no" in response.get_data(as_text=True)
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.PENDING


def test_an_expired_link_asks_the_inviter_again_once_a_day(app, client):
    token = invite(app, "ana.pro@acme.example", now=utcnow() - timedelta(days=31))
    response = submit(client, f"/invitation/{token}/ask-again", page=f"/invitation/{token}",
                      follow_redirects=True)
    assert "We have asked Olivia Owner to send you a new invitation" in text_of(response)
    submit(client, f"/invitation/{token}/ask-again", page=f"/invitation/{token}")
    with app.app_context():
        mail = db.session.execute(select(OutboxEmail)).scalar_one()
        assert (mail.kind, mail.to_address) == ("resend_requested", "owner@acme.example")
        assert mail.context["invitee_email"] == "ana.pro@acme.example"
        assert count(AuditEvent, AuditEvent.action == "resend_requested") == 1
        # A day later, asking again tells the inviter again.
        later = acceptance.request_resend(token, now=utcnow() + timedelta(hours=25))
        assert later.outcome == Outcome.DONE
        assert count(OutboxEmail) == 2


def test_an_unknown_link_cannot_send_anyone_anything(app, client, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
    submit(client, "/invitation/not-a-token/ask-again", page="/invitation/not-a-token")
    submit(client, f"/invitation/{ana_link}/ask-again", page=f"/invitation/{ana_link}")
    with app.app_context():
        assert snapshot(ana_link) == before


def test_after_a_resend_the_old_link_is_dead_and_the_new_one_works(app, client, ana_link):
    with app.app_context():
        new_token = tokens.issue(invitation_for(ana_link))
        db.session.commit()
    old = client.get(f"/invitation/{ana_link}")
    assert old.status_code == 410
    assert h1_of(old) == "This invitation link has expired"
    assert h1_of(client.get(f"/invitation/{new_token}")) == "Join Acme Corp"
