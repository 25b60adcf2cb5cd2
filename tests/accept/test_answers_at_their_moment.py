"""What an answer records at the moment it is given, on the paths the other files reach only at
today's clock: an accept that is blocked, that still needs the refund details, that joins as
Basic because no license was free, and a new account whose address was taken a moment before.

Each link here was in date at the moment given to the service (`then`) and has expired by the
real clock, so the link an answer hands back must be judged at `then`: a page that showed
"expired" to someone who is told what blocks them, or asked for their refund details, would
send them to ask for a new link they do not need.
"""

from datetime import timedelta

from sqlalchemy import insert, select, update

from tests.accept.factory import invitation_for, invite, snapshot, subscription_of, user
from tests.accept.test_what_answers_record import answer, audit_row, just_before, outbox_row
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import Blocker, LinkState
from wizard.extensions import db
from wizard.models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    User,
    UserType,
)
from wizard.models.types import utcnow

# Sent two days ago, valid for one: in date twelve hours after it was sent, expired today.
SENT_AGO = timedelta(days=2)
VALID_FOR = timedelta(days=1)
THEN_AFTER_SENDING = timedelta(hours=12)


def old_link(app, email: str, user_type: UserType = UserType.LICENSED) -> tuple[str, object]:
    """A link that was in date at `then` and has expired today, and that moment `then`."""
    sent = utcnow() - SENT_AGO
    token = invite(app, email, user_type=user_type, now=sent, valid_for=VALID_FOR)
    with app.app_context():
        assert acceptance.look_up(token).state == LinkState.EXPIRED  # by today's clock
    return token, sent + THEN_AFTER_SENDING


def test_someone_blocked_back_then_is_told_what_blocks_them_on_a_link_still_open(app):
    token, then = old_link(app, "member@acme.example")
    with app.app_context():
        mia = user("member@acme.example").id
        before = snapshot(token)
        result = acceptance.accept_invitation(token, mia, now=then)

        assert (*answer(result), result.blockers) == (
            Outcome.BLOCKED, LinkState.OK, mia, (Blocker.ALREADY_MEMBER,))
        assert snapshot(token) == before
        assert db.session.execute(select(AuditEvent)).first() is None
        assert db.session.execute(select(OutboxEmail)).first() is None


def test_a_refund_without_its_details_back_then_asks_for_them_on_a_link_still_open(app):
    token, then = old_link(app, "ana.pro@acme.example")
    with app.app_context():
        ana = user("ana.pro@acme.example").id
        subscription = subscription_of("ana.pro@acme.example")
        assert subscription.period_start < then.date() < subscription.period_end  # a refund due
        before = snapshot(token)
        result = acceptance.accept_invitation(token, ana, method="refund", receipt_email="",
                                              now=then)

        assert answer(result) == (Outcome.NEEDS_REFUND_DETAILS, LinkState.OK, ana)
        assert result.refund is None
        assert snapshot(token) == before
        assert db.session.execute(select(RefundRecord)).first() is None
        assert subscription_of("ana.pro@acme.example").cancelled_at is None


def test_joining_when_no_license_is_free_says_so_in_the_answer_the_log_and_the_email(app):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    with app.app_context():
        db.session.execute(update(Account).where(Account.name == "Acme Corp")
                           .values(license_seats=2))
        db.session.commit()
        dora, invitation, now = user("dora@acme.example"), invitation_for(token), utcnow()
        acme = invitation.account_id
        result = acceptance.accept_invitation(token, dora.id, now=now)

        assert answer(result) == (Outcome.DONE, LinkState.ACCEPTED, dora.id)
        assert result.joined_as_basic is True
        assert result.refund is None  # free Basic: nothing to refund
        db.session.expire_all()
        joined = user("dora@acme.example")
        assert (joined.account_id, joined.user_type) == (acme, UserType.BASIC)
        answered = invitation_for(token)
        assert (answered.status, answered.accepted_user_id, answered.responded_at) == (
            InvitationStatus.ACCEPTED, dora.id, now)
        assert audit_row("accepted") == (
            acme, dora.id, "dora@acme.example", invitation.id,
            {"user_type": "basic", "refund_method": None, "no_free_license": True})
        mail = outbox_row()  # the no-license email replaces the plain "joined" one
        assert (mail.kind, mail.to_address, mail.invitation_id) == (
            "joined_without_license", "owner@acme.example", invitation.id)
        assert db.session.execute(select(RefundRecord)).first() is None


def test_with_a_license_free_the_answer_says_nobody_missed_one(app, dora_link):
    with app.app_context():
        dora = user("dora@acme.example").id
        result = acceptance.accept_invitation(dora_link, dora, now=utcnow())
        assert answer(result) == (Outcome.DONE, LinkState.ACCEPTED, dora)
        assert result.joined_as_basic is False
        assert outbox_row().kind != "joined_without_license"


def test_an_address_taken_a_moment_before_back_then_goes_to_sign_in_on_a_link_still_open(app):
    token, then = old_link(app, "gus@acme.example", UserType.BASIC)
    with app.app_context():
        other_tab = insert(User).values(
            email="gus@acme.example", name="Gus in another tab", password_hash="elsewhere",
            account_id=user("dora@acme.example").account_id)
        with just_before("INSERT INTO USER_ACCOUNT", other_tab):
            result = acceptance.accept_with_new_account(
                token, name="Gus Newman", password="a long enough one", locale="en", now=then)

        assert (result.outcome, result.link.state, result.user) == (
            Outcome.HAS_ACCOUNT, LinkState.OK, None)
        db.session.expire_all()
        assert user("gus@acme.example").name == "Gus in another tab"
        assert db.session.execute(select(Invitation.status).where(
            Invitation.id == invitation_for(token).id)).scalar_one() == InvitationStatus.PENDING
        assert db.session.execute(select(AuditEvent)).first() is None
