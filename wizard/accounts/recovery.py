"""Forgotten passwords: an emailed, single-use, expiring link, and the new password it sets.

Asking gives the same answer whether or not the address has an account; the view rate-limits
asking per address and per IP. A reset ends every session (the session version moves on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..accept.link import person_locale
from ..accept.tokens import token_for
from ..common import audit
from ..common.forms import normalise_email
from ..delivery.outbox import queue_email
from ..extensions import db
from ..models import Account, Invitation, InvitationStatus, User
from ..models.types import utcnow
from .links import PASSWORD_RESET, issue_link, usable_link, use_link
from .passwords import hash_password


def request_password_reset(
    email: str, *, invitation_id: int | None = None, now: datetime | None = None
) -> None:
    """Email a reset link if the address has an account; do nothing visible otherwise.

    `invitation_id`: the invitation the person was about to accept, so that after the reset
    they land on it again (only if it was sent to this address).
    """
    now = now or utcnow()
    user = db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        return
    invitation = db.session.get(Invitation, invitation_id) if invitation_id else None
    if invitation is not None and invitation.email != user.email:
        invitation = None
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    link = issue_link(
        user.id,
        PASSWORD_RESET,
        timedelta(minutes=minutes),
        now=now,
        invitation_id=invitation.id if invitation else None,
    )
    business = db.session.get(Account, invitation.account_id) if invitation else None
    queue_email(
        "password_reset",
        user.email,
        account_id=user.account_id,
        locale=person_locale(user),
        context={
            "name": user.display_name,
            "email": user.email,
            "personal_link_id": link.id,
            "valid_minutes": minutes,
            "business": business.name if business else "",
        },
    )
    db.session.commit()


def reset_link_user(token: str, now: datetime | None = None) -> User | None:
    """Whose password a reset link changes, while it can be used; None otherwise."""
    link = usable_link(token, PASSWORD_RESET, now)
    return db.session.get(User, link.user_id) if link else None


@dataclass(frozen=True)
class Reset:
    user: User
    # The token of the pending invitation the reset was asked for from, to go back to it.
    invitation_token: str | None = None


def reset_password(token: str, password: str, now: datetime | None = None) -> Reset | None:
    """Set a new password from a reset link, once: every old session ends, and the person is
    told by email. None if the link is unknown, used or expired (nothing changes then)."""
    now = now or utcnow()
    link = usable_link(token, PASSWORD_RESET, now)
    if link is None:
        return None
    password_hash = hash_password(password)  # slow on purpose: before the link is claimed
    if not use_link(link, now):
        db.session.rollback()
        return None
    user = db.session.get(User, link.user_id)
    user.password_hash = password_hash
    record_password_change(user, "password_reset")
    invitation = db.session.get(Invitation, link.invitation_id) if link.invitation_id else None
    db.session.commit()
    if invitation is None or invitation.effective_status(now) != InvitationStatus.PENDING:
        return Reset(user)
    return Reset(user, token_for(invitation.token_nonce))


def record_password_change(user: User, action: str) -> None:
    """After a new password: old sessions end, the audit trail and an email say so (no commit)."""
    user.session_version += 1
    audit.record(action, account_id=user.account_id, actor_id=user.id, subject_email=user.email)
    queue_email(
        "password_changed",
        user.email,
        account_id=user.account_id,
        locale=person_locale(user),
        context={
            "name": user.display_name,
            "email": user.email,
            "business": user.account.name if user.account.is_business else "",
        },
    )
