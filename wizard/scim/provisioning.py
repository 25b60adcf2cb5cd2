"""What each SCIM operation means for the business and the person (issue 24).

- create, for an address with no account: a member at once, Basic, or Licensed where the
  userType says "Licensed" and a license is free under the account's lock (otherwise Basic,
  and the owner is emailed);
- create, for someone with an individual account (Pro or free): an invitation, sent as the
  wizard sends it; they choose refund details and accept, and `active` reads false until then;
- create, for a member of another business: refused (409), nothing made;
- active false: the member cannot sign in (password, single sign-on, a session already open),
  keeps their data, and no longer holds a license; active true: restored, Licensed again if
  a license is free (otherwise Basic, and the owner is told);
- delete: the member leaves the business for an own account (as removing a member does); a
  still-pending invitation is revoked;
- name, email and userType changes update the member; an address outside the business's
  verified domains is refused.

Every function works in the caller's transaction: it flushes but never commits, and a
ScimProblem leaves nothing half-done only if the caller rolls back (the api does). Functions
that touch seats take the account's row lock first (manage.seats.locked_account).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select

from ..models import Account, ScimIdentity

LICENSED = "licensed"  # the userType value (any case) that asks for a license


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


def wants_license(user_type: str | None) -> bool:
    """Whether a SCIM userType asks for a Licensed member."""
    return (user_type or "").strip().lower() == LICENSED


def create_identity(account: Account, fields: ScimFields, *, now: datetime) -> ScimIdentity:
    """POST /Users. Raises ScimProblem: 409 uniqueness (the userName is taken in this business,
    or the person is a member of another business or of this one already), 400 invalidValue
    (the address is outside the verified domains). Flushes; does not commit."""
    raise NotImplementedError


def replace_identity(
    account: Account, identity: ScimIdentity, fields: ScimFields, *, now: datetime
) -> ScimIdentity:
    """PUT /Users/{id}, and PATCH once the api has computed the new full value. Applies
    changes of name, email, userType and active to the member; bumps `version`. Raises
    ScimProblem as create_identity does. Flushes; does not commit."""
    raise NotImplementedError


def delete_identity(account: Account, identity: ScimIdentity, *, now: datetime) -> None:
    """DELETE /Users/{id}: the member leaves the business (an own account again), or the
    pending invitation is revoked; the identity is gone. Flushes; does not commit."""
    raise NotImplementedError


def find_identity(account: Account, scim_id: str) -> ScimIdentity | None:
    """The business's identity with this SCIM id (another business's is not found)."""
    raise NotImplementedError


def identities(account: Account) -> Select:
    """select(ScimIdentity) scoped to the business; the api adds filters, order and paging."""
    raise NotImplementedError


def is_member_active(identity: ScimIdentity) -> bool:
    """What `active` reads: true for a member who is not deactivated; false for a deactivated
    member, and for someone still only invited."""
    raise NotImplementedError
