"""The Pending tab's progress of batches still going out: how many of each recent batch's
emails are sent, waiting or failed, from the account's unsent emails only (at most three
statements, whatever the size of the batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import DeliveryStatus, Invitation, InvitationBatch, OutboxEmail

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
    # Counted by invitation, not by email: a resend adds an email to an invitation that was
    # delivered already, and that invitation is still sent ("8 of 8", not "7 of 8"). An
    # invitation is waiting while it has an email waiting and none sent, failed when its
    # emails failed and none was sent.
    # From the account's unsent emails (the outbox's (account, status, kind) index alone) to
    # their invitations by primary key: only the emails not sent are read, not every
    # invitation of the batches. "+ 0" keeps SQLite from walking the batches' invitations
    # and looking each one up in the outbox instead (twice as slow at 10,000 a batch).
    delivered = (
        select(SentEmail.id)
        .where(
            SentEmail.invitation_id == OutboxEmail.invitation_id,
            SentEmail.kind == "invitation",
            SentEmail.status == DeliveryStatus.SENT,
        )
        .exists()
    )
    recent_ids = [b.id for b in recent]
    # "+ 0": min(id) over a plain id lets PostgreSQL walk the primary key from the account's
    # very first invitation until it meets a recent one (every older invitation read: 24 ms at
    # 100,000, growing with history); over an expression it takes the recent batches' rows from
    # the batch index instead, bounded by their size.
    first_recent = (
        select(func.min(Invitation.id + literal_column("0")))
        .where(Invitation.account_id == account_id, Invitation.batch_id.in_(recent_ids))
        .scalar_subquery()
    )
    is_waiting = case((OutboxEmail.status.in_(WAITING), 1), else_=0)
    unsent = db.session.execute(
        select(Invitation.batch_id, func.max(is_waiting))
        .select_from(OutboxEmail)
        .join(Invitation, OutboxEmail.invitation_id + literal_column("0") == Invitation.id)
        .where(
            OutboxEmail.account_id == account_id,
            OutboxEmail.kind == "invitation",
            OutboxEmail.status.in_((*WAITING, DeliveryStatus.FAILED)),
            # Ids grow with creation: the recent batches' invitations are at or above their
            # first one, a range of the same index, so the account's older failed emails
            # (thousands, in a long history) are never read.
            OutboxEmail.invitation_id >= first_recent,
            Invitation.account_id == account_id,
            Invitation.batch_id.in_(recent_ids),
            ~delivered,
        )
        .group_by(Invitation.batch_id, Invitation.id)
    ).all()
    tally: dict[tuple[int, str], int] = {}
    for batch_id, any_waiting in unsent:
        key = (batch_id, "waiting" if any_waiting else "failed")
        tally[key] = tally.get(key, 0) + 1
    return Sending(
        waiting,
        [
            BatchProgress(
                batch_id=b.id,
                created_at=b.created_at,
                size=b.size,
                sent=max(
                    b.size - tally.get((b.id, "waiting"), 0) - tally.get((b.id, "failed"), 0), 0
                ),
                failed=tally.get((b.id, "failed"), 0),
            )
            for b in recent
            if tally.get((b.id, "waiting"))  # still going out
        ],
    )
