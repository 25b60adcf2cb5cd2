"""The Pending tab's progress of batches still going out: how many of each recent batch's
emails are sent, waiting or failed, from the account's unsent emails only (at most three
statements, whatever the size of the batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, literal, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import DeliveryStatus, InvitationBatch, OutboxEmail

# The emails whose delivery the Pending tab shows: the invitation and its reminder.
EMAIL_KINDS = ("invitation", "reminder")
WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
# Batches older than this are done sending (the worker's retries end well before).
RECENT_BATCHES = timedelta(days=7)
SentEmail = aliased(OutboxEmail)
WaitingEmail = aliased(OutboxEmail)


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
    # status, kind, batch, invitation) index alone: the waiting ones counted per batch
    # straight off it, the failed ones (few) checked for a delivery since or a resend on its
    # way. One statement; no grouping of every unsent email by its invitation.
    batch_ids = [b.id for b in recent]
    in_recent_batch = (
        OutboxEmail.account_id == account_id,
        OutboxEmail.kind == "invitation",
        OutboxEmail.batch_id.in_(batch_ids),
    )
    delivered = (
        select(SentEmail.id)
        .where(
            SentEmail.invitation_id == OutboxEmail.invitation_id,
            SentEmail.kind == "invitation",
            SentEmail.status == DeliveryStatus.SENT,
        )
        .exists()
    )
    on_its_way = (
        select(WaitingEmail.id)
        .where(
            WaitingEmail.account_id == account_id,
            WaitingEmail.status.in_(WAITING),
            WaitingEmail.kind == "invitation",
            WaitingEmail.batch_id == OutboxEmail.batch_id,
            WaitingEmail.invitation_id == OutboxEmail.invitation_id,
        )
        .exists()
    )
    waiting_per_batch = select(
        OutboxEmail.batch_id,
        literal(True).label("waiting"),
        func.count(distinct(OutboxEmail.invitation_id)),
    ).where(*in_recent_batch, OutboxEmail.status.in_(WAITING))
    failed_per_batch = select(
        OutboxEmail.batch_id,
        literal(False).label("waiting"),
        func.count(distinct(OutboxEmail.invitation_id)),
    ).where(*in_recent_batch, OutboxEmail.status == DeliveryStatus.FAILED, ~delivered, ~on_its_way)
    counted = db.session.execute(
        union_all(
            waiting_per_batch.group_by(OutboxEmail.batch_id),
            failed_per_batch.group_by(OutboxEmail.batch_id),
        )
    ).all()
    unsent: dict[int, list[int]] = {}
    for batch_id, is_waiting, invitations in counted:
        unsent.setdefault(batch_id, [0, 0])[0 if is_waiting else 1] = int(invitations)
    # Batch id -> (invitations waiting, invitations failed); only batches still going out.
    going_out = {batch_id: (w, f) for batch_id, (w, f) in unsent.items() if w}
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
