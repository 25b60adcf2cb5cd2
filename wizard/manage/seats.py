"""Seat arithmetic for a business account's licenses."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Account, Invitation, InvitationStatus, User, UserType
from ..models.types import utcnow


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

    Both counts in one statement (one round trip), each read from an index alone:
    (account, user type, ...) for the members, (account, status, user type, expires_at)
    for the invitations, so 100,000 invitations cost the few thousand still pending.
    """
    in_use, pending = db.session.execute(
        select(
            select(func.count(User.id))
            .where(User.account_id == account.id, User.user_type == UserType.LICENSED)
            .scalar_subquery(),
            select(func.count(Invitation.id))
            .where(
                Invitation.account_id == account.id,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at > utcnow(),
                Invitation.user_type == UserType.LICENSED,
            )
            .scalar_subquery(),
        )
    ).one()
    return SeatCount(purchased=account.license_seats, in_use=in_use or 0, pending=pending or 0)
