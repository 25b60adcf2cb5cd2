"""Small factories for the Pending tests: invitations, their emails and batches, written
straight into the database (the wizard's and the worker's code is not needed for this)."""

from datetime import timedelta

from sqlalchemy import select

from wizard.accept import tokens
from wizard.extensions import db
from wizard.models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationBatch,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Subscription,
    User,
    WizardDraft,
)
from wizard.models.types import utcnow


def account_id(name: str = "Acme Corp") -> int:
    return db.session.scalar(select(Account.id).where(Account.name == name))


def user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def make_invitation(
    app,
    email: str,
    *,
    account: str = "Acme Corp",
    status: str = "pending",
    expires_in: timedelta = timedelta(days=30),
    invited_by: str = "owner@acme.example",
    user_type: str = "basic",
    name: str = "",
    contacted: bool = False,
    batch_id: int | None = None,
    created_ago: timedelta = timedelta(days=1),
) -> int:
    """One invitation; `expires_in` may be negative for one past its date."""
    with app.app_context():
        now = utcnow()
        invitation = Invitation(
            account_id=account_id(account),
            email=email,
            name=name,
            user_type=user_type,
            status=InvitationStatus(status),
            invited_by_id=user_id(invited_by),
            created_at=now - created_ago,
            sent_at=now - created_ago,
            expires_at=now + expires_in,
            contacted_at=now - created_ago - timedelta(days=1) if contacted else None,
            revoked_at=now if status == "revoked" else None,
            responded_at=now if status in ("accepted", "declined") else None,
            batch_id=batch_id,
        )
        tokens.issue(invitation)
        db.session.add(invitation)
        db.session.commit()
        return invitation.id


def make_email(
    app,
    invitation_id: int,
    *,
    kind: str = "invitation",
    status: str = "sent",
    attempts: int = 1,
    error: str | None = None,
) -> int:
    """One outbox row for an invitation, as the delivery worker would have left it."""
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        # As the app queues them (resend.py): a batch's invitation emails are part of its
        # sending, and so is a resend of one never delivered; a resend of a delivered one not.
        delivered = db.session.scalar(
            select(OutboxEmail.id).where(
                OutboxEmail.invitation_id == invitation_id,
                OutboxEmail.kind == "invitation",
                OutboxEmail.status == "sent",
            )
        )
        email = OutboxEmail(
            kind=kind,
            to_address=invitation.email,
            account_id=invitation.account_id,
            invitation_id=invitation_id,
            batch_id=invitation.batch_id if kind == "invitation" and not delivered else None,
            status=status,
            attempts=attempts,
            last_error=error,
            sent_at=utcnow() if status == "sent" else None,
        )
        db.session.add(email)
        db.session.commit()
        return email.id


def make_batch(app, size: int, *, account: str = "Acme Corp", by: str = "owner@acme.example"):
    """A sent wizard batch of `size` invitations (its draft too, as the wizard leaves it)."""
    with app.app_context():
        draft = WizardDraft(account_id=account_id(account), created_by_id=user_id(by))
        db.session.add(draft)
        db.session.flush()
        batch = InvitationBatch(
            account_id=account_id(account), created_by_id=user_id(by), draft_id=draft.id, size=size
        )
        db.session.add(batch)
        db.session.flush()
        draft.sent_batch_id = batch.id
        db.session.commit()
        return batch.id


def make_refund(app, invitation_id: int, *, method: str = "refund", card: str = "Visa •••• 4242"):
    """The money record of an acceptance (the acceptance code writes it in real life)."""
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        user = db.session.scalar(select(User).where(User.email == invitation.email))
        subscription = db.session.scalar(
            select(Subscription).where(Subscription.account_id == user.account_id)
        )
        record = RefundRecord(
            invitation_id=invitation_id,
            account_id=invitation.account_id,
            user_id=user.id,
            subscription_id=subscription.id,
            amount="7.46",
            currency="USD",
            method=method,
            payment_method_label=card if method == "refund" else "",
            receipt_email=invitation.email,
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def invitation(app, invitation_id: int) -> Invitation:
    """A detached copy of an invitation as the database holds it now."""
    with app.app_context():
        found = db.session.get(Invitation, invitation_id)
        db.session.expunge(found)
        return found


def outbox_rows(app, invitation_id: int) -> list[tuple[str, str, str, dict]]:
    """(kind, status, locale, context) of every email of an invitation, oldest first."""
    with app.app_context():
        return [
            (e.kind, e.status.value, e.locale, e.context)
            for e in db.session.scalars(
                select(OutboxEmail)
                .where(OutboxEmail.invitation_id == invitation_id)
                .order_by(OutboxEmail.id)
            )
        ]


def audit_actions(app, invitation_id: int | None = None) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.action).order_by(AuditEvent.id)
        if invitation_id is not None:
            query = query.where(AuditEvent.invitation_id == invitation_id)
        return list(db.session.scalars(query))


def hold_seats_every_way(app) -> None:
    """One pending Licensed invitation that holds a seat, and every kind that must not: one
    past its date though still marked pending, a Basic one, revoked, declined and accepted
    Licensed ones, and another account's."""
    make_invitation(app, "holds@acme.example", user_type="licensed")
    make_invitation(app, "past@acme.example", user_type="licensed", expires_in=-timedelta(hours=1))
    make_invitation(app, "basic@acme.example", user_type="basic")
    for status in ("revoked", "declined", "accepted", "expired"):
        make_invitation(app, f"{status}@acme.example", user_type="licensed", status=status)
    make_invitation(app, "elsewhere@globex.example", account="Globex",
                    invited_by="owner@globex.example", user_type="licensed")
