"""A small factory: a pending invitation from Acme's owner, returning its link token."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from wizard.accept import tokens
from wizard.extensions import db
from wizard.models import (
    AuditEvent,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Subscription,
    User,
    UserType,
)
from wizard.models.types import utcnow

ACME_OWNER = "owner@acme.example"


def invite(
    app,
    email: str = "ana.pro@acme.example",
    *,
    user_type: UserType = UserType.LICENSED,
    now: datetime | None = None,
    valid_for: timedelta = timedelta(days=30),
    inviter: str = ACME_OWNER,
) -> str:
    """Create a pending invitation to `email` from Acme's owner, as the wizard would."""
    now = now or utcnow()
    with app.app_context():
        owner = db.session.execute(select(User).where(User.email == inviter)).scalar_one()
        invitation = Invitation(
            account_id=owner.account_id,
            email=email.strip().lower(),
            user_type=user_type,
            invited_by_id=owner.id,
            created_at=now,
            sent_at=now,
            expires_at=now + valid_for,
        )
        token = tokens.issue(invitation)
        db.session.add(invitation)
        db.session.commit()
        return token


def invitation_for(token: str) -> Invitation:
    """The invitation behind a token (inside an app context)."""
    return db.session.execute(
        select(Invitation).where(Invitation.token_hash == tokens.token_hash(token))
    ).scalar_one()


def user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def subscription_of(email: str) -> Subscription | None:
    person = user(email)
    return db.session.execute(
        select(Subscription).where(Subscription.account_id == person.account_id)
    ).scalar_one_or_none()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot(token: str) -> tuple:
    """Everything an invitation's answer would change: its row, and the rows it would add."""
    db.session.expire_all()
    invitation = invitation_for(token)
    people = db.session.execute(
        select(User.email, User.account_id, User.role, User.user_type, User.session_version)
        .order_by(User.id)
    ).all()
    return (
        invitation.status,
        invitation.responded_at,
        invitation.accepted_user_id,
        invitation.last_viewed_at,
        invitation.token_hash,
        tuple(people),
        count(RefundRecord),
        count(AuditEvent),
        count(OutboxEmail),
        tuple(db.session.execute(select(Subscription.cancelled_at).order_by(Subscription.id))
              .scalars()),
    )


__all__ = ["InvitationStatus", "count", "invitation_for", "invite", "snapshot", "user"]
