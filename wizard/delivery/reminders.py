"""Reminders: one email per pending invitation, a few days before it expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import Account, Invitation, InvitationStatus, OutboxEmail, User
from ..models.types import utcnow
from .outbox import queue_email


def queue_due_reminders(*, now: datetime | None = None, batch: int = 500) -> int:
    """Queue one reminder for each pending invitation that expires within the reminder window."""
    now = now or utcnow()
    days = current_app.config["REMINDER_DAYS_BEFORE_EXPIRY"]
    if not days:
        return 0
    queued = 0
    while True:
        candidates = db.session.scalars(
            select(Invitation.id)
            .join(Account, Account.id == Invitation.account_id)
            .where(
                Invitation.status == InvitationStatus.PENDING,
                Invitation.reminder_sent_at.is_(None),
                Invitation.expires_at > now,
                Invitation.expires_at <= now + timedelta(days=days),
                Account.reminders_enabled.is_(True),
            )
            .limit(batch)
        ).all()
        if not candidates:
            return queued
        # Only the worker whose update stamps the invitation queues its reminder: once, however
        # many workers look at the same moment.
        mine = db.session.scalars(
            update(Invitation)
            .where(Invitation.id.in_(candidates), Invitation.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .returning(Invitation.id)
            .execution_options(synchronize_session=False)
        ).all()
        queued += _queue_reminders(mine)
        db.session.commit()
        if len(candidates) < batch:
            return queued


def _queue_reminders(invitation_ids: list[int]) -> int:
    if not invitation_ids:
        return 0
    rows = db.session.execute(
        select(Invitation, Account, User)
        .join(Account, Account.id == Invitation.account_id)
        .join(User, User.id == Invitation.invited_by_id)
        .where(Invitation.id.in_(invitation_ids))
    ).all()
    # The reminder speaks the language the invitation was written in.
    locales = dict(
        db.session.execute(
            select(OutboxEmail.invitation_id, OutboxEmail.locale)
            .where(OutboxEmail.invitation_id.in_(invitation_ids), OutboxEmail.kind == "invitation")
            .order_by(OutboxEmail.id)
        ).all()
    )
    for invitation, account, inviter in rows:
        queue_email(
            "reminder",
            invitation.email,
            account_id=account.id,
            locale=locales.get(invitation.id) or account.default_locale,
            invitation_id=invitation.id,
            context={
                "business_name": account.name,
                "inviter_name": inviter.display_name,
                "inviter_email": inviter.email,
                "invitee_name": invitation.name,
                "user_type": invitation.user_type.value,
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
    return len(rows)
