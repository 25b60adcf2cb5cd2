"""What each of the invitee's answers leaves behind, in full: the audit row the owner reads in
the log, the email queued for the inviter or the invitee (its address, language and every
field its templates print), and the answer the service gives its page.

Called as the views call them, with the clock fixed (`now`), so each row can be compared
whole: a field dropped, renamed or left empty shows here.
"""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, insert, select, update

from tests.accept.factory import invitation_for, invite, snapshot, user
from tests.accept.test_emails import RECEIPT
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import Blocker, LinkState
from wizard.accounts.passwords import password_matches
from wizard.common import audit
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Role,
    User,
    UserType,
)
from wizard.models.types import utcnow


def reads_german(email: str) -> None:
    db.session.execute(update(User).where(User.email == email).values(locale="de"))
    db.session.commit()


def named(token: str, name: str) -> None:
    db.session.execute(
        update(Invitation).where(Invitation.id == invitation_for(token).id).values(name=name)
    )
    db.session.commit()


def audit_row(action: str) -> tuple:
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalar_one()
    return (event.account_id, event.actor_id, event.subject_email, event.invitation_id,
            event.details)


def outbox_row(kind: str | None = None) -> OutboxEmail:
    """The one email queued (of `kind`, where the answer also tells the inviter)."""
    query = select(OutboxEmail)
    if kind:
        query = query.where(OutboxEmail.kind == kind)
    return db.session.execute(query).scalar_one()


def answer(result: acceptance.Result) -> tuple:
    """What a page makes of a service's answer: the outcome, the link's state, and for whom."""
    return result.outcome, result.link.state, result.user_id


def queued(mail: OutboxEmail) -> tuple:
    return (mail.kind, mail.to_address, mail.account_id, mail.locale, mail.invitation_id)


def delivered(mail: OutboxEmail):
    return render_email(mail.kind, locale=mail.locale, context=mail.context)


def test_a_decline_with_a_message_is_logged_and_the_inviter_told_in_their_language(app, ana_link):
    with app.app_context():
        reads_german("owner@acme.example")
        named(ana_link, "Ana Pro")
        ana, invitation = user("ana.pro@acme.example"), invitation_for(ana_link)
        acme, now = invitation.account_id, utcnow()
        result = acceptance.decline_invitation(ana_link, ana.id, message="Thanks, no", now=now)

        assert answer(result) == (Outcome.DONE, LinkState.DECLINED, ana.id)
        db.session.expire_all()
        assert invitation_for(ana_link).responded_at == now
        assert audit_row("declined") == (
            invitation.account_id, ana.id, "ana.pro@acme.example", invitation.id,
            {"message": "Thanks, no"})
        mail = outbox_row()
        assert queued(mail) == (
            "invitation_declined", "owner@acme.example", acme, "de", invitation.id)
        assert mail.context == {
            "inviter_name": "Olivia Owner",
            "invitee_email": "ana.pro@acme.example",
            "invitee_name": "Ana Pro",
            "business": "Acme Corp",
            "message": "Thanks, no",
            "reason": "",
        }
        text = delivered(mail).text
        for part in ("Olivia Owner", "Ana Pro", "Acme Corp", "Thanks, no"):
            assert part in text


def test_a_decline_without_a_message_from_someone_signed_out_logs_no_empty_message(
    app, gus_link
):
    with app.app_context():
        invitation = invitation_for(gus_link)
        result = acceptance.decline_invitation(gus_link, None)
        assert answer(result) == (Outcome.DONE, LinkState.DECLINED, None)
        assert audit_row("declined") == (
            invitation.account_id, None, "gus@acme.example", invitation.id,
            {"by": audit.BY_INVITEE})
        assert outbox_row().context["message"] == ""


def expired_link(app, email: str = "ana.pro@acme.example") -> str:
    return invite(app, email, now=utcnow() - timedelta(days=31))


def test_asking_for_a_new_link_is_logged_at_that_moment_and_the_inviter_told(app):
    token = expired_link(app)
    with app.app_context():
        reads_german("owner@acme.example")
        named(token, "Ana Pro")
        invitation, now = invitation_for(token), utcnow() + timedelta(hours=2)
        result = acceptance.request_resend(token, now=now)

        assert (result.outcome, result.link.state) == (Outcome.DONE, LinkState.EXPIRED)
        assert audit_row("resend_requested") == (
            invitation.account_id, None, "ana.pro@acme.example", invitation.id,
            {"by": audit.BY_INVITEE})
        event = db.session.execute(select(AuditEvent)).scalar_one()
        assert event.created_at == now
        mail = outbox_row()
        assert queued(mail) == (
            "resend_requested", "owner@acme.example", invitation.account_id, "de", invitation.id)
        assert mail.context == {
            "inviter_name": "Olivia Owner",
            "invitee_email": "ana.pro@acme.example",
            "invitee_name": "Ana Pro",
            "business": "Acme Corp",
            "valid_days": 30,
        }


def test_a_second_request_waits_exactly_a_day(app):
    token = expired_link(app)
    with app.app_context():
        now = utcnow()
        assert acceptance.request_resend(token, now=now).outcome == Outcome.DONE
        too_soon = acceptance.request_resend(token, now=now + timedelta(hours=23, minutes=59))
        assert (too_soon.outcome, too_soon.link.state) == (
            Outcome.ALREADY_REQUESTED, LinkState.EXPIRED)
        day_later = acceptance.request_resend(token, now=now + timedelta(hours=24))
        assert day_later.outcome == Outcome.DONE
        assert len(db.session.execute(select(OutboxEmail)).all()) == 2


def test_one_invitations_request_or_other_log_entries_do_not_hold_up_another(app):
    ana, ben = expired_link(app), expired_link(app, "ben.pro@acme.example")
    with app.app_context():
        ana_invitation = invitation_for(ana)
        audit.record("invited", account_id=ana_invitation.account_id, actor_id=None,
                     invitation_id=ana_invitation.id)
        db.session.commit()
        assert acceptance.request_resend(ana, now=utcnow()).outcome == Outcome.DONE
        assert acceptance.request_resend(ben, now=utcnow()).outcome == Outcome.DONE


def test_a_link_still_in_date_asks_for_nothing_and_says_what_it_is(app, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
        result = acceptance.request_resend(ana_link, now=utcnow())
        assert (result.outcome, result.link.state) == (Outcome.NOT_PENDING, LinkState.OK)
        assert snapshot(ana_link) == before


def test_accepting_with_a_refund_logs_it_keeps_the_refund_and_sends_the_receipt(app, ana_link):
    with app.app_context():
        reads_german("ana.pro@acme.example")
        ana, invitation = user("ana.pro@acme.example"), invitation_for(ana_link)
        acme = invitation.account_id
        result = acceptance.accept_invitation(
            ana_link, ana.id, method="refund", receipt_email=" Ana.Receipts@Example.com ",
            now=utcnow())

        refund = db.session.execute(select(RefundRecord)).scalar_one()
        assert (result.outcome, result.link.state, result.user_id, result.refund) == (
            Outcome.DONE, LinkState.ACCEPTED, ana.id, refund)
        assert (refund.invitation_id, refund.account_id, refund.user_id, refund.amount,
                refund.currency, refund.method, refund.payment_method_label,
                refund.receipt_email, refund.status) == (
            invitation.id, acme, ana.id, Decimal("10.66"), "USD", "refund", "Visa •••• 4242",
            "ana.receipts@example.com", "pending")
        assert audit_row("accepted") == (
            acme, ana.id, "ana.pro@acme.example", invitation.id,
            {"user_type": "licensed", "refund_method": "refund"})
        mail = outbox_row("receipt")
        assert queued(mail) == ("receipt", "ana.receipts@example.com", acme, "de", invitation.id)
        assert mail.context == {
            **RECEIPT,
            "receipt_number": f"R-{refund.id:06d}",
            "no_free_license": False,
            "inviter_name": "Olivia Owner",
        }


@pytest.mark.parametrize(
    ("method", "receipt_email"),
    [("refund", ""), (None, "ana.pro@acme.example"), ("cash", "ana.pro@acme.example")],
    ids=["no-receipt-address", "no-method", "unknown-method"],
)
def test_a_refund_without_both_details_asks_for_them_and_changes_nothing(
    app, ana_link, method, receipt_email
):
    with app.app_context():
        ana = user("ana.pro@acme.example").id
        before = snapshot(ana_link)
        result = acceptance.accept_invitation(
            ana_link, ana, method=method, receipt_email=receipt_email, now=utcnow())
        assert answer(result) == (Outcome.NEEDS_REFUND_DETAILS, LinkState.OK, ana)
        assert snapshot(ana_link) == before


def test_someone_already_in_the_business_is_told_what_blocks_them(app):
    token = invite(app, "member@acme.example")
    with app.app_context():
        mia = user("member@acme.example").id
        before = snapshot(token)
        result = acceptance.accept_invitation(token, mia, now=utcnow())
        assert (result.outcome, result.link.state, result.user_id, result.blockers) == (
            Outcome.BLOCKED, LinkState.OK, mia, (Blocker.ALREADY_MEMBER,))
        assert snapshot(token) == before


def test_another_person_or_an_answered_link_accepts_nothing_and_says_so(app, ana_link):
    with app.app_context():
        ana, ben = user("ana.pro@acme.example").id, user("ben.pro@acme.example").id
        wrong = acceptance.accept_invitation(ana_link, ben, now=utcnow())
        assert answer(wrong) == (Outcome.WRONG_ACCOUNT, LinkState.OK, ben)
        refused = acceptance.decline_invitation(ana_link, ben, now=utcnow())
        assert answer(refused) == (Outcome.WRONG_ACCOUNT, LinkState.OK, ben)
        declined = acceptance.decline_invitation(ana_link, ana, now=utcnow())
        assert declined.outcome == Outcome.DONE
        gone = acceptance.accept_invitation(ana_link, ana, now=utcnow())
        assert answer(gone) == (Outcome.NOT_PENDING, LinkState.DECLINED, ana)
        stranger = acceptance.decline_invitation(ana_link, ben, now=utcnow())
        assert answer(stranger) == (Outcome.NOT_PENDING, LinkState.DECLINED, ben)


@pytest.mark.parametrize(
    ("invited_as", "seats", "user_type", "no_license"),
    [
        (UserType.LICENSED, 10, UserType.LICENSED, {}),
        (UserType.BASIC, 10, UserType.BASIC, {}),
        # Licenses bought fewer while the invitation waited: joins as Basic, and the log says so.
        (UserType.LICENSED, 2, UserType.BASIC, {"no_free_license": True}),
    ],
    ids=["licensed", "basic", "no-license-left"],
)
def test_an_account_made_while_joining_is_a_member_in_their_language_and_logged(
    app, invited_as, seats, user_type, no_license
):
    token = invite(app, "gus@acme.example", user_type=invited_as)
    with app.app_context():
        db.session.execute(update(Account).where(Account.name == "Acme Corp")
                           .values(license_seats=seats))
        db.session.commit()
        invitation, now = invitation_for(token), utcnow()
        result = acceptance.accept_with_new_account(
            token, name="Gus Newman", password="a long enough one", locale="de", now=now)

        gus = user("gus@acme.example")
        assert (result.outcome, result.link.state, result.user_id, result.user.id) == (
            Outcome.DONE, LinkState.ACCEPTED, gus.id, gus.id)
        assert (gus.name, gus.account_id, gus.role, gus.user_type, gus.locale) == (
            "Gus Newman", invitation.account_id, Role.MEMBER, user_type, "de")
        assert password_matches(gus.password_hash, "a long enough one")
        db.session.expire_all()
        answered = invitation_for(token)
        assert (answered.status, answered.accepted_user_id, answered.responded_at) == (
            InvitationStatus.ACCEPTED, gus.id, now)
        assert audit_row("accepted") == (
            invitation.account_id, gus.id, "gus@acme.example", invitation.id,
            {"user_type": user_type.value, "new_account": True, **no_license})
        assert result.joined_as_basic == bool(no_license)


def test_an_address_with_an_account_makes_none_and_is_sent_to_sign_in(app, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
        result = acceptance.accept_with_new_account(
            ana_link, name="Impostor", password="long enough", locale="en", now=utcnow())
        assert (result.outcome, result.link.state) == (Outcome.HAS_ACCOUNT, LinkState.OK)
        assert snapshot(ana_link) == before


# In date at the moment the service is given, expired by the real clock (or the reverse):
# each answer must be judged at `now`, never at the time the code happens to run.
BACK_THEN = timedelta(days=-20)


def test_every_answer_judges_the_link_at_the_moment_it_is_given(app):
    then = utcnow() + BACK_THEN
    sent = then - timedelta(days=20)  # valid for 30 days: in date then, expired today
    dora = invite(app, "dora@acme.example", user_type=UserType.BASIC, now=sent)
    gus = invite(app, "gus@acme.example", now=sent)
    fay = invite(app, "fay.pro@acme.example", now=sent)
    ana = invite(app, "ana.pro@acme.example")  # in date today, expired 31 days from now
    with app.app_context():
        dora_id = user("dora@acme.example").id
        accepted = acceptance.accept_invitation(dora, dora_id, now=then)
        assert (accepted.outcome, accepted.link.state) == (Outcome.DONE, LinkState.ACCEPTED)
        made = acceptance.accept_with_new_account(
            gus, name="Gus Newman", password="a long enough one", locale="en", now=then)
        assert (made.outcome, made.link.state) == (Outcome.DONE, LinkState.ACCEPTED)
        declined = acceptance.decline_invitation(fay, None, now=then)
        assert (declined.outcome, declined.link.state) == (Outcome.DONE, LinkState.DECLINED)
        asked = acceptance.request_resend(ana, now=utcnow() + timedelta(days=31))
        assert (asked.outcome, asked.link.state) == (Outcome.DONE, LinkState.EXPIRED)

        # And the other way round: judged today, the old links have expired.
        for answer in (
            acceptance.accept_with_new_account(
                invite(app, "hal@acme.example", now=sent), name="Hal", password="long enough",
                locale="en", now=utcnow()),
            acceptance.decline_invitation(invite(app, "ivy@acme.example", now=sent), None),
        ):
            assert (answer.outcome, answer.link.state) == (Outcome.NOT_PENDING, LinkState.EXPIRED)


@contextmanager
def just_before(statement: str, change) -> None:
    """Run `change` on a connection of its own, committed, right before the service sends a
    statement starting with `statement`: another tab or person getting there first, at the
    one moment that matters, without threads. (SQLite takes its write lock only with the
    first write, so the service's reads so far hold nothing up.)"""
    waiting, failed = [True], []

    def interleave(conn, cursor, sql, parameters, context, executemany):
        if waiting[0] and sql.lstrip().upper().startswith(statement):
            waiting[0] = False
            try:
                with db.engine.connect() as other:
                    other.execute(change)
                    other.commit()
            except Exception as exc:  # the service would take it for its own: say so here
                failed.append(exc)

    event.listen(db.engine, "before_cursor_execute", interleave)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", interleave)
    assert not waiting[0], f"the service never sent {statement}"
    assert not failed, f"the change made in between failed: {failed}"


@pytest.mark.parametrize(
    ("winner", "state"),
    [(InvitationStatus.DECLINED, LinkState.DECLINED), (InvitationStatus.REVOKED,
                                                        LinkState.REVOKED)],
    ids=["declined-in-another-tab", "revoked-meanwhile"],
)
def test_an_accept_that_loses_the_race_changes_nothing_and_shows_who_won(
    app, dora_link, winner, state
):
    with app.app_context():
        dora, invitation = user("dora@acme.example"), invitation_for(dora_link)
        won = update(Invitation).where(Invitation.id == invitation.id).values(status=winner)
        with just_before("UPDATE INVITATION", won):
            result = acceptance.accept_invitation(dora_link, dora.id, now=utcnow())
        assert answer(result) == (Outcome.NOT_PENDING, state, dora.id)
        db.session.expire_all()
        assert user("dora@acme.example").account_id != invitation.account_id
        assert db.session.execute(select(AuditEvent)).first() is None


def test_a_decline_that_loses_the_race_changes_nothing_and_shows_who_won(app, ana_link):
    with app.app_context():
        ana, invitation = user("ana.pro@acme.example"), invitation_for(ana_link)
        won = update(Invitation).where(Invitation.id == invitation.id).values(
            status=InvitationStatus.REVOKED)
        with just_before("UPDATE INVITATION", won):
            result = acceptance.decline_invitation(ana_link, ana.id, now=utcnow())
        assert answer(result) == (Outcome.NOT_PENDING, LinkState.REVOKED, ana.id)
        assert db.session.execute(select(OutboxEmail)).first() is None


def test_an_address_that_gets_an_account_a_moment_before_is_sent_to_sign_in(app, gus_link):
    with app.app_context():
        other_tab = insert(User).values(
            email="gus@acme.example", name="Gus in another tab", password_hash="elsewhere",
            account_id=user("dora@acme.example").account_id)
        with just_before("INSERT INTO USER_ACCOUNT", other_tab):
            result = acceptance.accept_with_new_account(
                gus_link, name="Gus Newman", password="a long enough one", locale="en",
                now=utcnow())
        assert (result.outcome, result.link.state) == (Outcome.HAS_ACCOUNT, LinkState.OK)
        db.session.expire_all()
        assert user("gus@acme.example").name == "Gus in another tab"
        assert invitation_for(gus_link).status == InvitationStatus.PENDING


def test_a_new_account_for_an_invitation_withdrawn_a_moment_before_is_not_made(app, gus_link):
    with app.app_context():
        invitation = invitation_for(gus_link)
        withdrawn = update(Invitation).where(Invitation.id == invitation.id).values(
            status=InvitationStatus.REVOKED)
        with just_before("INSERT INTO USER_ACCOUNT", withdrawn):
            result = acceptance.accept_with_new_account(
                gus_link, name="Gus Newman", password="a long enough one", locale="en",
                now=utcnow())
        # The page shows what happened to the invitation, and no account is left behind.
        assert (result.outcome, result.link.state) == (Outcome.NOT_PENDING, LinkState.REVOKED)
        assert result.link.invitation.id == invitation.id
        db.session.expire_all()
        assert db.session.execute(
            select(User).where(User.email == "gus@acme.example")).first() is None
        assert db.session.execute(select(AuditEvent)).first() is None
