"""How many invitations an account has in each status, read from the kept tally
(wizard/models/tally.py) rather than counted: the same small read at ten invitations or a
million.

The tally keeps pending invitations per expiry day. At `now`, the days before today's have
all expired and the days after it are all pending; only today's day is split, by counting
the pending ones that expired since midnight from the (account, status, expires_at) index:
one day's expiries at most, not the account's history.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import case, delete, func, select, text

from ..extensions import db
from ..models import Invitation, InvitationStatus, InvitationTally, UserType
from ..models.tally import recount_sql

STATUSES = tuple(s.value for s in InvitationStatus)
PENDING, EXPIRED = InvitationStatus.PENDING.value, InvitationStatus.EXPIRED.value
SECONDS_A_DAY = 86400


def day_of(moment: datetime) -> int:
    """Days since 1970-01-01 (UTC), as the tally's triggers compute them."""
    return int(moment.timestamp()) // SECONDS_A_DAY


def _midnight(day: int) -> datetime:
    return datetime.fromtimestamp(day * SECONDS_A_DAY, UTC)


def _expired_today(account_id: int, now: datetime, *conditions):
    """Pending invitations whose date passed today (index range, correlated to nothing)."""
    return (
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.account_id == account_id,
            Invitation.status == InvitationStatus.PENDING,
            *conditions,
            Invitation.expires_at >= _midnight(day_of(now)),
            Invitation.expires_at <= now,
        )
        .scalar_subquery()
    )


def invitation_counts(account_id: int, now: datetime) -> dict[str, int]:
    """Invitations per effective status (pending past its date reads as expired), "all" and
    "not_accepted" (pending + expired): one statement over the account's tally rows."""
    today = day_of(now)
    tally = InvitationTally
    effective = case(((tally.status == PENDING) & (tally.day < today), EXPIRED), else_=tally.status)
    rows = db.session.execute(
        select(effective, func.sum(tally.n), _expired_today(account_id, now))
        .where(tally.account_id == account_id)
        .group_by(effective)
    ).all()
    counts = dict.fromkeys(STATUSES, 0)
    for status, number, _ in rows:
        counts[status] = counts.get(status, 0) + int(number or 0)
    if rows:
        moved = int(rows[0][2] or 0)
        counts[PENDING] -= moved
        counts[EXPIRED] += moved
    counts["all"] = sum(counts[s] for s in STATUSES)
    counts["not_accepted"] = counts[PENDING] + counts[EXPIRED]
    return counts


def seats_held_query(account_id: int, now: datetime):
    """A scalar subquery: pending Licensed invitations still within their date."""
    tally = InvitationTally
    kept = (
        select(func.coalesce(func.sum(tally.n), 0))
        .where(
            tally.account_id == account_id,
            tally.status == PENDING,
            tally.user_type == UserType.LICENSED.value,
            tally.day >= day_of(now),
        )
        .scalar_subquery()
    )
    return kept - _expired_today(account_id, now, Invitation.user_type == UserType.LICENSED)


def seats_held(account_id: int, now: datetime) -> int:
    """How many seats pending Licensed invitations hold at `now`."""
    return int(db.session.scalar(select(seats_held_query(account_id, now))) or 0)


def recount(account_id: int) -> None:
    """Rebuild the account's tally from its invitations (after a repair, or a bulk load
    made with the triggers off); no commit."""
    db.session.execute(delete(InvitationTally).where(InvitationTally.account_id == account_id))
    dialect = db.session.get_bind().dialect.name
    db.session.execute(text(recount_sql(dialect)), {"account_id": account_id})
