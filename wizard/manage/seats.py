"""Seat arithmetic for a business account's licenses."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Account, User, UserType
from ..models.types import utcnow
from .counts import seats_held_query


@dataclass(frozen=True)
class SeatCount:
    purchased: int
    in_use: int
    pending: int

    @property
    def free(self) -> int:
        """Seats neither used by a Licensed member nor held by a pending Licensed invitation."""
        return max(self.purchased - self.in_use - self.pending, 0)


def seat_count(account: Account) -> SeatCount:
    """Purchased, used by Licensed members, and held by pending Licensed invitations.

    Both counts in one statement (one round trip): the members from the (account, user type,
    ...) index alone, the invitations from the kept tally (counts.py), whatever their number.
    """
    in_use, pending = db.session.execute(
        select(
            select(func.count())
            .where(User.account_id == account.id, User.user_type == UserType.LICENSED)
            .scalar_subquery(),
            seats_held_query(account.id, utcnow()),
        )
    ).one()
    return SeatCount(purchased=account.license_seats, in_use=in_use or 0, pending=pending or 0)


def locked_account(account_id: int) -> Account:
    """The account's row, locked until the transaction ends (PostgreSQL; SQLite has one writer).

    Everything that hands out licenses takes this lock: Send (after the draft's lock), resend,
    assigning a license, and accepting (before the invitation's and the person's rows), always
    in that order, so two of them cannot both take the last seat and never deadlock.
    FOR NO KEY UPDATE (key_share=True): these exclude one another, but rows that merely point
    at the account (an audit row or an email, written by a revoke holding an invitation's
    row) are not held up by it, which would close a circle of waits.
    """
    return db.session.execute(
        select(Account)
        .where(Account.id == account_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()


def licensed_members(account_id: int) -> int:
    """How many of the account's members hold a license now."""
    return db.session.scalar(
        select(func.count()).where(
            User.account_id == account_id, User.user_type == UserType.LICENSED
        )
    )


@dataclass(frozen=True)
class SeatChange:
    """What changing the number of licenses to `seats` would do (pure arithmetic)."""

    now: SeatCount
    seats: int

    @property
    def allowed(self) -> bool:
        """Licensed members never exceed seats: take licenses back first."""
        return self.seats >= self.now.in_use

    @property
    def too_few_by(self) -> int:
        """How many Licensed members would have to become Basic first."""
        return max(self.now.in_use - self.seats, 0)

    @property
    def pending_join_as_basic(self) -> int:
        """Pending Licensed invitations left without a seat: the last ones to accept join as
        Basic (acceptance re-checks under the account's lock)."""
        if not self.allowed:
            return 0
        return max(self.now.in_use + self.now.pending - self.seats, 0)

    @property
    def pending_keep_license(self) -> int:
        return self.now.pending - self.pending_join_as_basic


def seat_change(now: SeatCount, seats: int) -> SeatChange:
    """The consequences of going from `now.purchased` licenses to `seats`."""
    return SeatChange(now=now, seats=seats)
