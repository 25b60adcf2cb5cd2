"""What each SCIM operation means for the business and the person (issue 24).

- create, for an address with no account: a member at once, Basic, or Licensed where the
  userType says "Licensed" and a license is free under the account's lock (otherwise Basic,
  and the owner is emailed);
- create, for someone with an individual account (Pro or free): an invitation, sent as the
  wizard sends it; they choose refund details and accept, and `active` reads false until then;
- create, for a member of this business already: the identity is theirs (a license is given
  if the userType asks and one is free; nothing is taken away);
- create, for a member of another business: refused (409), nothing made;
- active false: the member cannot sign in (password, single sign-on, a session already open),
  keeps their data, and no longer holds a license; active true: restored, Licensed again
  where the userType asks and a license is free (otherwise Basic, and the owner is told);
- delete: the member leaves the business for an own account (as removing a member does); a
  still-pending invitation is revoked;
- name, email and userType changes update the member; an address outside the business's
  verified domains is refused. The owner cannot be deactivated or removed.

Every function works in the caller's transaction: it flushes but never commits; after a
ScimProblem the caller rolls back (the api does). Functions that touch seats take the
account's row lock first (manage.seats.locked_account).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ..common.forms import normalise_email
from ..extensions import db
from ..manage.roles import move_to_own_account
from ..models import Account, Role, ScimIdentity, User, UserType
from ..sso.providers import on_verified_domain
from . import inviting, members
from .members import wants_license

__all__ = [
    "ScimFields", "ScimProblem", "create_identity", "delete_identity", "find_identity",
    "identities", "is_member_active", "replace_identity", "wants_license",
]


class ScimProblem(Exception):
    """An operation the app refuses: the api turns it into a SCIM error response.

    `status` the HTTP status, `scim_type` RFC 7644 §3.12's scimType (or None), `detail` an
    English sentence for the SCIM client's log."""

    def __init__(self, status: int, scim_type: str | None, detail: str):
        super().__init__(detail)
        self.status = status
        self.scim_type = scim_type
        self.detail = detail


@dataclass(frozen=True)
class ScimFields:
    """The attributes of a User resource this app keeps (the api has validated the shape)."""

    user_name: str
    external_id: str | None = None
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    email: str = ""  # the primary (or first) email; userName when there is none
    user_type: str = ""
    active: bool = True


def create_identity(account: Account, fields: ScimFields, *, now: datetime) -> ScimIdentity:
    """POST /Users. Raises ScimProblem: 409 uniqueness (the userName is taken in this business,
    the member already has an identity, or the person is a member of another business), 400
    invalidValue (the address is outside the verified domains). Flushes; does not commit."""
    email = _checked_email(account, fields)
    _check_user_name_free(account, fields.user_name)
    identity = ScimIdentity(id=str(uuid.uuid4()), account_id=account.id, created_at=now)
    _apply(identity, fields, email, now)
    identity.version = 1
    db.session.add(identity)
    try:
        _attach(account, identity, now=now)
        _flush_or_conflict()
    except IntegrityError as exc:  # the same person or userName, made a moment ago
        raise _conflict() from exc
    members.record("scim_created", account, identity, user_type=identity.user_type)
    return identity


def replace_identity(
    account: Account, identity: ScimIdentity, fields: ScimFields, *, now: datetime
) -> ScimIdentity:
    """PUT /Users/{id}, and PATCH once the api has computed the new full value. Applies
    changes of name, email, userType and active to the member; bumps `version`. Raises
    ScimProblem as create_identity does. Flushes; does not commit."""
    email = _checked_email(account, fields)
    if fields.user_name.lower() != identity.user_name_key:
        _check_user_name_free(account, fields.user_name)
    before = (identity.email, identity.user_type, identity.active)
    changed = _changes(identity, fields, email)
    _apply(identity, fields, email, now)
    user = identity.user
    try:
        if user is None and email != before[0]:
            inviting.withdraw(account, identity, now=now)  # the invitation went to the old one
            identity.invitation_id = None
            _attach(account, identity, now=now)
        elif user is not None:
            _update_member(account, identity, user, before, now=now)
        identity.version += 1
        _flush_or_conflict()
    except IntegrityError as exc:
        raise _conflict() from exc
    if changed:
        members.record("scim_updated", account, identity, changed=changed)
    return identity


def delete_identity(account: Account, identity: ScimIdentity, *, now: datetime) -> None:
    """DELETE /Users/{id}: the member leaves the business (an own account again, free Basic,
    keeping their data), or the pending invitation is revoked; the identity is gone. Raises
    ScimProblem (400 mutability) for the owner. Flushes; does not commit."""
    user = identity.user
    if user is not None and user.account_id == account.id:
        if user.role == Role.OWNER:
            members.raise_owner_problem()
        members.record("scim_deleted", account, identity)
        user.deactivated_at = None  # an own account of their own works again
        move_to_own_account(account, user, actor=None)  # deletes the identity too
    else:
        inviting.withdraw(account, identity, now=now)
        members.record("scim_deleted", account, identity)
        db.session.delete(identity)
    db.session.flush()


def find_identity(account: Account, scim_id: str) -> ScimIdentity | None:
    """The business's identity with this SCIM id (another business's is not found)."""
    return db.session.execute(
        select(ScimIdentity).where(
            ScimIdentity.account_id == account.id, ScimIdentity.id == str(scim_id)[:36]
        )
    ).scalar_one_or_none()


def identities(account: Account) -> Select:
    """select(ScimIdentity) scoped to the business; the api adds filters, order and paging."""
    return select(ScimIdentity).where(ScimIdentity.account_id == account.id)


def is_member_active(identity: ScimIdentity) -> bool:
    """What `active` reads: true for a member who is not deactivated; false for a deactivated
    member, and for someone still only invited."""
    user = identity.user  # loaded with the identities, one query per page (selectin)
    return (
        user is not None and user.account_id == identity.account_id and user.deactivated_at is None
    )


# --- the pieces -----------------------------------------------------------------------------


def _checked_email(account: Account, fields: ScimFields) -> str:
    email = normalise_email(fields.email or fields.user_name)[:254]
    if "@" not in email or not on_verified_domain(account.id, email):
        raise ScimProblem(
            400,
            "invalidValue",
            f"The address {email!r} is not on one of this business's verified domains.",
        )
    return email


def _check_user_name_free(account: Account, user_name: str) -> None:
    taken = db.session.scalar(
        select(func.count(ScimIdentity.id)).where(
            ScimIdentity.account_id == account.id,
            ScimIdentity.user_name_key == user_name.lower(),
        )
    )
    if taken:
        raise ScimProblem(409, "uniqueness", f"The userName {user_name!r} is already in use.")


def _conflict() -> ScimProblem:
    return ScimProblem(409, "uniqueness", "That userName or person is already in use.")


def _flush_or_conflict() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # a second request made the same one a moment ago
        raise _conflict() from exc


def _apply(identity: ScimIdentity, fields: ScimFields, email: str, now: datetime) -> None:
    identity.user_name = fields.user_name[:254]
    identity.user_name_key = fields.user_name.lower()[:254]
    identity.external_id = fields.external_id[:254] if fields.external_id else None
    identity.given_name = (fields.given_name or "")[:200]
    identity.family_name = (fields.family_name or "")[:200]
    identity.display_name = (fields.display_name or "")[:200]
    identity.email = email
    identity.user_type = (fields.user_type or "")[:64]
    identity.active = bool(fields.active)
    identity.updated_at = now


def _changes(identity: ScimIdentity, fields: ScimFields, email: str) -> list[str]:
    """The names of what changes (for the audit line), without the values."""
    pairs = {
        "userName": (identity.user_name, fields.user_name),
        "externalId": (identity.external_id, fields.external_id),
        "name": (
            (identity.given_name, identity.family_name, identity.display_name),
            (fields.given_name or "", fields.family_name or "", fields.display_name or ""),
        ),
        "email": (identity.email, email),
        "userType": (identity.user_type, fields.user_type or ""),
    }
    return [name for name, (old, new) in pairs.items() if old != new]


def _attach(account: Account, identity: ScimIdentity, *, now: datetime) -> None:
    """Who the identity's address is today decides what it becomes (the module's docstring)."""
    user = members.user_at(identity.email)
    if user is None:
        members.provision(account, identity, now=now)
    elif user.account_id == account.id:
        if db.session.scalar(select(ScimIdentity.id).where(ScimIdentity.user_id == user.id)):
            raise ScimProblem(409, "uniqueness", "That member is already provisioned.")
        identity.user = user
        if not identity.active:
            members.deactivate(account, identity, user, now=now)
        else:
            members.license_if_wanted(account, identity, user)
    elif user.account.is_business:
        raise ScimProblem(
            409,
            "uniqueness",
            "That address belongs to a member of another business; they must leave it "
            "before they can join this one.",
        )
    else:
        inviting.invite(account, identity, now=now)


def _update_member(account, identity: ScimIdentity, user: User, before, *, now) -> None:
    old_email, old_type, was_active = before
    if identity.email != old_email:
        taken = members.user_at(identity.email)
        if taken is not None and taken.id != user.id:
            raise ScimProblem(409, "uniqueness", "Another person already has that address.")
        user.email = identity.email
    user.name = members.full_name(identity) or user.name
    if was_active and not identity.active:
        members.deactivate(account, identity, user, now=now)
    elif not was_active and identity.active:
        members.reactivate(account, identity, user)
    elif identity.active and wants_license(old_type) != wants_license(identity.user_type):
        if wants_license(identity.user_type):
            members.license_if_wanted(account, identity, user)
        elif user.user_type == UserType.LICENSED:
            members.unlicense(user)
