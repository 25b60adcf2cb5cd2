"""An individual account's other users: listing them, and removing one (with an email to the
person removed, in their language). When none is left, nothing of theirs blocks joining a
business any more."""

from __future__ import annotations

from sqlalchemy import select

from ..common import audit
from ..delivery.outbox import queue_email
from ..extensions import db
from ..models import OtherUser, User


def other_users_of(account_id: int) -> list[OtherUser]:
    """The account's other users, by name."""
    return list(
        db.session.scalars(
            select(OtherUser)
            .where(OtherUser.account_id == account_id)
            .order_by(OtherUser.name, OtherUser.email, OtherUser.id)
        )
    )


def find_other_user(account_id: int, other_user_id: int) -> OtherUser | None:
    """One of the account's other users; None for anyone else's (the view answers 404)."""
    return db.session.execute(
        select(OtherUser).where(OtherUser.id == other_user_id, OtherUser.account_id == account_id)
    ).scalar_one_or_none()


def remove_other_user(holder: User, other_user_id: int) -> OtherUser | None:
    """Remove one of the holder's other users, audited, and tell them by email; None if there
    is no such user on the holder's account (already removed, or someone else's)."""
    removed = find_other_user(holder.account_id, other_user_id)
    if removed is None:
        return None
    db.session.delete(removed)
    audit.record(
        "other_user_removed",
        account_id=holder.account_id,
        actor_id=holder.id,
        subject_email=removed.email or None,
        details={"name": removed.name},
    )
    if removed.email:  # rows migrated from a bare count have no address to write to
        queue_email(
            "other_user_removed",
            removed.email,
            account_id=holder.account_id,
            locale=removed.locale,
            context={
                "name": removed.display_name,
                "holder_name": holder.display_name,
                "holder_email": holder.email,
            },
        )
    db.session.commit()
    return removed
