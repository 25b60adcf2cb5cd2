"""The Pending tab's progress of batches still going out: how many of each recent batch's
emails are sent, waiting or failed, from the account's unsent emails only (at most three
statements, whatever the size of the batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import DeliveryStatus, InvitationBatch, OutboxEmail

# The emails whose delivery the Pending tab shows: the invitation and its reminder.
EMAIL_KINDS = ("invitation", "reminder")
WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
# Batches older than this are done sending (the worker's retries end well before).
RECENT_BATCHES = timedelta(days=7)
SentEmail = aliased(OutboxEmail)


@dataclass(frozen=True)
class BatchProgress:
    batch_id: int
    created_at: datetime
    size: int
    sent: int
    failed: int

    @property
    def waiting(self) -> int:
        return max(self.size - self.sent - self.failed, 0)


@dataclass(frozen=True)
class Sending:
    """Emails of the account still going out, and the batches they belong to."""

    waiting: int
    batches: list[BatchProgress]


def sending_progress(account_id: int, now: datetime) -> Sending:
    """Emails still queued or retrying, and how far each recent batch has got.

    A batch goes out within hours (retries included), so only batches of the last few days
    are counted: the work is bounded by their size, not by the account's history.
    """
    waiting = db.session.scalar(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.account_id == account_id,
            OutboxEmail.status.in_(WAITING),
            OutboxEmail.kind.in_(EMAIL_KINDS),
        )
    )
    if not waiting:
        return Sending(0, [])
    recent = db.session.execute(
        select(InvitationBatch.id, InvitationBatch.created_at, InvitationBatch.size)
        .where(
            InvitationBatch.account_id == account_id,
            InvitationBatch.created_at >= now - RECENT_BATCHES,
        )
        .order_by(InvitationBatch.created_at)
    ).all()
    if not recent:
        return Sending(waiting, [])
    # Counted by invitation, not by email: an invitation is waiting while one of its batch's
    # emails waits (the first, or a resend of one that never arrived), failed when they all
    # failed and none was delivered since. A resend of a delivered invitation carries no
    # batch (resend.py): the batch stays "8 of 8 sent", not "7 of 8".
    # Only the unsent emails of the recent batches are read, from the outbox's (account,
    # status, kind, batch) index alone; the delivered-since check runs for failed ones only.
    delivered = (
        select(SentEmail.id)
        .where(
            SentEmail.invitation_id == OutboxEmail.invitation_id,
            SentEmail.kind == "invitation",
            SentEmail.status == DeliveryStatus.SENT,
        )
        .exists()
    )
    is_waiting = case((OutboxEmail.status.in_(WAITING), 1), else_=0)
    per_invitation = (
        select(OutboxEmail.batch_id, func.max(is_waiting).label("waiting"))
        .where(
            OutboxEmail.account_id == account_id,
            OutboxEmail.kind == "invitation",
            OutboxEmail.status.in_((*WAITING, DeliveryStatus.FAILED)),
            OutboxEmail.batch_id.in_([b.id for b in recent]),
            or_(OutboxEmail.status != DeliveryStatus.FAILED, ~delivered),
        )
        .group_by(OutboxEmail.batch_id, OutboxEmail.invitation_id)
        .subquery()
    )
    unsent = db.session.execute(
        select(
            per_invitation.c.batch_id,
            func.sum(per_invitation.c.waiting),
            func.count() - func.sum(per_invitation.c.waiting),
        ).group_by(per_invitation.c.batch_id)
    ).all()
    # Batch id -> (invitations waiting, invitations failed); only batches still going out.
    going_out = {batch_id: (int(w), int(f)) for batch_id, w, f in unsent if w}
    return Sending(
        waiting,
        [
            BatchProgress(
                batch_id=b.id,
                created_at=b.created_at,
                size=b.size,
                sent=max(b.size - sum(going_out[b.id]), 0),
                failed=going_out[b.id][1],
            )
            for b in recent
            if b.id in going_out
        ],
    )
