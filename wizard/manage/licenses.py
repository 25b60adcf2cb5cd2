"""The Users page: the account's members, and giving or taking back a license.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select, update

from ..common import audit
from ..common.paging import Page, paginate
from ..extensions import db
from ..models import Account, Role, User, UserType
from .actions import NotFound
from .seats import SeatCount, locked_account, seat_count


@dataclass(frozen=True)
class MembersPage:
    page: Page
    seats: SeatCount


ROLE_ORDER = case((User.role == Role.OWNER, 0), (User.role == Role.ADMIN, 1), else_=2)


def members_page(account: Account, search: str = "", number: int = 1) -> MembersPage:
    """The account's members, owners first, then admins, then members, each by name.

    The sort (and a search) reads only the (account, user type, role, name, email) index,
    never the wide rows of 10,000 people; the 50 shown are loaded afterwards by id.
    """
    query = select(User.id).where(User.account_id == account.id)
    if search:
        needle = search.strip().lower()
        query = query.where(
            or_(
                User.email.contains(needle, autoescape=True),
                func.lower(User.name).contains(needle, autoescape=True),
            )
        )
    by_name = case((User.name == "", User.email), else_=func.lower(User.name))
    page = paginate(
        query.order_by(ROLE_ORDER, by_name, User.id),
        number,
        scalars=True,
        count_in_page=bool(search),
    )
    members = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(page.items)))}
        if page.items
        else {}
    )
    shown = [members[user_id] for user_id in page.items]
    return MembersPage(
        page=Page(shown, page.number, page.per_page, page.total), seats=seat_count(account)
    )


@dataclass(frozen=True)
class LicenseChange:
    member: User
    changed: bool
    # "already_licensed", "already_basic", "no_free_seats", "owners_own", "deactivated"
    reason: str = ""


def owners_own(actor: User, member: User) -> bool:
    """The owner's license and role are the owner's alone: nobody else may change them."""
    return member.role == Role.OWNER and actor.id != member.id


def find_member(account_id: int, user_id: int) -> User:
    """A member of the account, or NotFound."""
    member = db.session.execute(
        select(User).where(User.id == user_id, User.account_id == account_id)
    ).scalar_one_or_none()
    if member is None:
        raise NotFound
    return member


def assign_license(account_id: int, actor_id: int, user_id: int) -> LicenseChange:
    """Give a Basic member a license, if a seat is free."""
    account = locked_account(account_id)
    member = find_member(account_id, user_id)
    if owners_own(find_member(account_id, actor_id), member):
        db.session.rollback()
        return LicenseChange(member, False, "owners_own")
    if member.user_type == UserType.LICENSED:
        db.session.rollback()
        return LicenseChange(member, False, "already_licensed")
    if member.deactivated_at is not None:  # deactivated members hold no license
        db.session.rollback()
        return LicenseChange(member, False, "deactivated")
    if seat_count(account).free < 1:
        db.session.rollback()
        return LicenseChange(member, False, "no_free_seats")
    return _set_user_type(account_id, actor_id, member, UserType.LICENSED, "license_assigned")


def remove_license(account_id: int, actor_id: int, user_id: int) -> LicenseChange:
    """Take a member's license back: they become Basic and the seat is free again."""
    locked_account(account_id)
    member = find_member(account_id, user_id)
    if owners_own(find_member(account_id, actor_id), member):
        db.session.rollback()
        return LicenseChange(member, False, "owners_own")
    if member.user_type == UserType.BASIC:
        db.session.rollback()
        return LicenseChange(member, False, "already_basic")
    return _set_user_type(account_id, actor_id, member, UserType.BASIC, "license_removed")


def _set_user_type(
    account_id: int, actor_id: int, member: User, user_type: UserType, action: str
) -> LicenseChange:
    previous = UserType.BASIC if user_type == UserType.LICENSED else UserType.LICENSED
    changed = db.session.execute(
        update(User)
        .where(User.id == member.id, User.account_id == account_id, User.user_type == previous)
        .values(user_type=user_type)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        audit.record(
            action,
            account_id=account_id,
            actor_id=actor_id,
            subject_email=member.email,
            details={"name": member.name},
        )
    db.session.commit()
    return LicenseChange(member, bool(changed), "" if changed else "changed")
