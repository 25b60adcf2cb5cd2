"""Small factories: invitations queued the way the wizard queues them."""

from datetime import datetime, timedelta

from sqlalchemy import select

from wizard.accept import tokens
from wizard.delivery.outbox import queue_email
from wizard.extensions import db
from wizard.models import Account, Invitation, OutboxEmail, User, UserType
from wizard.models.types import utcnow

ACME = "Acme Corp"


def acme() -> Account:
    return db.session.scalars(select(Account).where(Account.name == ACME)).one()


def owner() -> User:
    return db.session.scalars(select(User).where(User.email == "owner@acme.example")).one()


def invitation_context(invitation: Invitation, account: Account, inviter: User) -> dict:
    return {
        "business_name": account.name,
        "inviter_name": inviter.display_name,
        "inviter_email": inviter.email,
        "invitee_name": invitation.name,
        "user_type": invitation.user_type.value,
        "expires_at": invitation.expires_at.isoformat(),
    }


def invite(
    email: str,
    *,
    name: str = "",
    user_type: UserType = UserType.LICENSED,
    expires_in: timedelta = timedelta(days=30),
    created_ago: timedelta = timedelta(0),
    locale: str = "en",
    queue: bool = True,
    commit: bool = True,
    business_name: str | None = None,
    inviter_name: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[Invitation, str]:
    """An invitation from Acme's owner, with its email queued; returns it and its link token."""
    account, inviter = acme(), owner()
    now = utcnow()
    invitation = Invitation(
        account_id=account.id,
        email=email,
        name=name,
        user_type=user_type,
        invited_by_id=inviter.id,
        created_at=now - created_ago,
        sent_at=now - created_ago,
        expires_at=expires_at or now + expires_in,
    )
    token = tokens.issue(invitation)
    db.session.add(invitation)
    db.session.flush()
    if queue:
        context = invitation_context(invitation, account, inviter)
        if business_name is not None:
            context["business_name"] = business_name
        if inviter_name is not None:
            context["inviter_name"] = inviter_name
        queue_email(
            "invitation",
            email,
            account_id=account.id,
            locale=locale,
            invitation_id=invitation.id,
            context=context,
        )
    if commit:
        db.session.commit()
    return invitation, token


def invite_many(count: int, prefix: str = "person") -> None:
    """`count` invitations to made-up addresses, queued in one transaction, as one batch."""
    expires_at = utcnow() + timedelta(days=30)
    for n in range(count):
        invite(
            f"{prefix}{n:05d}@example.net", name=f"Person {n}", expires_at=expires_at, commit=False
        )
    db.session.commit()


def outbox() -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
