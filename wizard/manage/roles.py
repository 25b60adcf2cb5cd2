"""Roles and ownership: admin and member, handing the business over, removing someone.

A business always has exactly one owner. The owner alone makes admins and members, and hands
ownership to an admin, who must accept it; the owner cannot be removed. Whoever is removed
gets an individual account of their own back. Every change is one transaction, under the
account's lock, with an audit event, and the people it concerns get an email.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from ..accept.link import person_locale
from ..accounts.passwords import has_password
from ..common import audit
from ..delivery.outbox import queue_email
from ..extensions import db
from ..models import Account, AccountKind, Role, ScimIdentity, User, UserType
from ..models.types import utcnow
from .actions import NotFound
from .seats import locked_account


class Refusal(enum.StrEnum):
    """Why a change was not made (the page says what to do instead)."""

    NOT_OWNER = "not_owner"  # only the owner may do this
    IS_OWNER = "is_owner"  # the owner cannot be changed or removed: hand over first
    NOT_ADMIN = "not_admin"  # ownership goes to an admin
    YOURSELF = "yourself"
    NO_OFFER = "no_offer"  # the offer was withdrawn, refused or already accepted
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    member: User
    refusal: Refusal | None = None

    @property
    def done(self) -> bool:
        return self.refusal is None


def _person(account_id: int, user_id: int) -> User:
    person = db.session.execute(
        select(User)
        .where(User.id == user_id, User.account_id == account_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if person is None:
        raise NotFound
    return person


def owner_of(account_id: int) -> User:
    """The business's one owner."""
    return db.session.execute(
        select(User).where(User.account_id == account_id, User.role == Role.OWNER)
    ).scalar_one()


def find_person(account_id: int, user_id: int) -> User:
    """A member of the account, or NotFound (another account's person is not found)."""
    return _person(account_id, user_id)


def _refused(member: User, refusal: Refusal) -> Change:
    db.session.rollback()
    return Change(member, refusal)


def change_role(account_id: int, actor_id: int, user_id: int, role: Role) -> Change:
    """Make a member an admin, or an admin a member (the owner's decision)."""
    locked_account(account_id)
    actor, member = _person(account_id, actor_id), _person(account_id, user_id)
    if actor.role != Role.OWNER:
        return _refused(member, Refusal.NOT_OWNER)
    if member.role == Role.OWNER or role == Role.OWNER:
        return _refused(member, Refusal.IS_OWNER)
    if member.role == role:
        return _refused(member, Refusal.UNCHANGED)
    before, member.role = member.role, role
    if role != Role.ADMIN:
        member.ownership_offered_at = None  # an offer is for admins only
    audit.record(
        "role_changed",
        account_id=account_id,
        actor_id=actor_id,
        subject_email=member.email,
        details={"from": str(before), "to": str(role)},
    )
    db.session.commit()
    return Change(member)


def offer_ownership(account_id: int, owner_id: int, admin_id: int, now: datetime | None = None):
    """The owner asks an admin to take over; the admin is emailed and must accept."""
    now = now or utcnow()
    account = locked_account(account_id)
    owner, admin = _person(account_id, owner_id), _person(account_id, admin_id)
    if owner.role != Role.OWNER:
        return _refused(admin, Refusal.NOT_OWNER)
    if admin.role != Role.ADMIN:
        return _refused(admin, Refusal.NOT_ADMIN)
    _clear_offers(account_id)
    admin.ownership_offered_at = now
    audit.record("ownership_offered", account_id=account_id, actor_id=owner.id,
                 subject_email=admin.email)
    queue_email(
        "ownership_offered",
        admin.email,
        account_id=account_id,
        locale=person_locale(admin),
        context={"name": admin.display_name, "owner_name": owner.display_name,
                 "owner_email": owner.email, "business": account.name},
    )
    db.session.commit()
    return Change(admin)


def _clear_offers(account_id: int) -> None:
    db.session.execute(
        update(User)
        .where(User.account_id == account_id, User.ownership_offered_at.is_not(None))
        .values(ownership_offered_at=None)
        .execution_options(synchronize_session="fetch")
    )


def offered_to(account_id: int) -> User | None:
    """The admin the business is offered to, if an offer is open."""
    return db.session.execute(
        select(User).where(
            User.account_id == account_id,
            User.role == Role.ADMIN,
            User.ownership_offered_at.is_not(None),
        )
    ).scalar_one_or_none()


def withdraw_offer(account_id: int, owner_id: int) -> Change | None:
    """The owner takes the offer back before it is answered."""
    locked_account(account_id)
    owner = _person(account_id, owner_id)
    admin = offered_to(account_id)
    if owner.role != Role.OWNER or admin is None:
        db.session.rollback()
        return None
    _clear_offers(account_id)
    audit.record("ownership_withdrawn", account_id=account_id, actor_id=owner.id,
                 subject_email=admin.email)
    db.session.commit()
    return Change(admin)


def answer_offer(account_id: int, admin_id: int, *, accept: bool) -> Change:
    """The admin accepts (they become owner, the owner becomes admin, in one transaction)
    or refuses; both are told by email."""
    account = locked_account(account_id)
    admin = _person(account_id, admin_id)
    if admin.role != Role.ADMIN or admin.ownership_offered_at is None:
        return _refused(admin, Refusal.NO_OFFER)
    owner = owner_of(account_id)
    _clear_offers(account_id)
    if accept:
        owner.role, admin.role = Role.ADMIN, Role.OWNER
    action = "ownership_transferred" if accept else "ownership_refused"
    audit.record(action, account_id=account_id, actor_id=admin.id, subject_email=admin.email,
                 details={"previous_owner": owner.email})
    people = (owner, admin) if accept else (owner,)
    for person in people:
        queue_email(
            action,
            person.email,
            account_id=account_id,
            locale=person_locale(person),
            context={"name": person.display_name, "business": account.name,
                     "new_owner_name": admin.display_name, "new_owner_email": admin.email,
                     "old_owner_name": owner.display_name, "is_new_owner": person is admin},
        )
    db.session.commit()
    return Change(admin)


def remove_from_business(account_id: int, actor_id: int, user_id: int) -> Change:
    """Take someone out of the business: they get an individual account of their own back
    (free Basic), keeping their address, password, profile and settings; what they made in
    the business stays with the business. Admins remove members; the owner removes anyone
    but themselves; nobody removes the owner."""
    account = locked_account(account_id)
    actor, member = _person(account_id, actor_id), _person(account_id, user_id)
    if member.id == actor.id:
        return _refused(member, Refusal.YOURSELF)
    if member.role == Role.OWNER:
        return _refused(member, Refusal.IS_OWNER)
    if member.role == Role.ADMIN and actor.role != Role.OWNER:
        return _refused(member, Refusal.NOT_OWNER)
    audit.record("member_removed", account_id=account_id, actor_id=actor.id,
                 subject_email=member.email, details={"name": member.name})
    move_to_own_account(account, member, actor=actor)
    db.session.commit()
    return Change(member)


def move_to_own_account(account: Account, member: User, *, actor: User | None) -> Account:
    """The member leaves the business for an individual account of their own (free Basic),
    and is told by email; `actor` None: the business's identity provider did it (SCIM), and
    the business's SCIM identity for them is gone. In the caller's transaction, no commit."""
    own = Account(
        kind=AccountKind.INDIVIDUAL,
        name=member.display_name,
        default_locale=person_locale(member),
    )
    db.session.add(own)
    db.session.flush()
    db.session.execute(delete(ScimIdentity).where(ScimIdentity.user_id == member.id))
    member.account_id = own.id
    member.role, member.user_type = Role.OWNER, UserType.BASIC
    member.ownership_offered_at = None
    queue_email(
        "removed_from_business",
        member.email,
        account_id=own.id,
        locale=person_locale(member),
        context={"name": member.display_name, "business": account.name,
                 "by_name": actor.display_name if actor else "",
                 "by_email": actor.email if actor else "", "by_scim": actor is None,
                 # Made by single sign-on or SCIM: no password, and SSO no longer lets them in.
                 "email": member.email, "has_password": has_password(member.password_hash)},
    )
    return own


def admins_of(account_id: int) -> list[User]:
    """The admins of a business, by name: whom the owner can hand it over to."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.account_id == account_id, User.role == Role.ADMIN)
            .order_by(User.name, User.email)
        )
    )
