"""What resending and revoking share: the selection from the Pending tab, the plan shown on
the confirmation page, the outcome, and the refusals with the words that explain them.

Every function takes the account id explicitly and answers NotFound for anything that is not
that account's, so the views can answer 404 without saying whether it exists elsewhere.
State changes are conditional UPDATEs (`... WHERE status = 'pending'`): an action that races
an acceptance changes nothing rather than overwriting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Invitation, InvitationStatus, User

PENDING = InvitationStatus.PENDING


# More than a page of the Pending tab, fewer than would make one slow request.
MAX_SELECTION = 500


class NotFound(LookupError):
    """Not one of the account's objects: the view answers 404, as for one that never was."""


class ConcurrentChange(RuntimeError):
    """Someone else changed the same invitations at the same moment; nothing was saved."""


@dataclass(frozen=True)
class Refusal:
    invitation: Invitation
    # "status": its (effective) status forbids it; "member": already in the account;
    # "on_its_way": an invitation email to them is still queued or being retried;
    # "another_pending": a newer invitation to the address is pending; "changed": it changed
    # between the confirmation page and now.
    reason: str
    status: InvitationStatus | None = None


@dataclass(frozen=True)
class ActionPlan:
    """What an action would do to the chosen invitations, shown before it is confirmed."""

    action: str
    allowed: list[Invitation]
    refused: list[Refusal]
    new_expiry: datetime | None = None
    # Resend: Licensed invitations that expired (so hold no license now) and would hold one
    # again, and the licenses free for them.
    returning_licensed: list[Invitation] = field(default_factory=list)
    free_seats: int = 0

    @property
    def short_of_seats(self) -> bool:
        return len(self.returning_licensed) > self.free_seats


@dataclass(frozen=True)
class ActionOutcome:
    done: list[str]
    refused: list[Refusal]
    made_basic: list[str] = field(default_factory=list)  # resent as Basic: no license free


def refusal_message(refusal: Refusal) -> str:
    """Why an invitation cannot be resent or revoked, in words for the owner."""
    email = refusal.invitation.email
    if refusal.reason == "member":
        return _("%(email)s is already a member of this account.", email=email)
    if refusal.reason == "another_pending":
        return _("%(email)s already has a newer invitation that is pending.", email=email)
    if refusal.reason == "on_its_way":
        return _(
            "%(email)s: an invitation email with the newest link is still on its way, so "
            "there is nothing to resend. The Pending tab shows when it has gone out.",
            email=email,
        )
    if refusal.reason == "changed":
        return _(
            "%(email)s: the invitation changed in the meantime. Nothing was done.", email=email
        )
    return {
        InvitationStatus.PENDING: _("%(email)s: the invitation is still pending.", email=email),
        InvitationStatus.ACCEPTED: _("%(email)s has already accepted.", email=email),
        InvitationStatus.DECLINED: _("%(email)s has declined the invitation.", email=email),
        InvitationStatus.EXPIRED: _("%(email)s: the invitation has already expired.", email=email),
        InvitationStatus.REVOKED: _("%(email)s: the invitation was revoked.", email=email),
    }.get(refusal.status, _("%(email)s cannot be changed.", email=email))


def parse_ids(values: list[str] | str | None) -> list[int]:
    """Invitation ids from checkboxes or a hidden "1,2,3" field; anything else is ignored."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and 0 < len(part) < 19 and int(part) not in ids:
                ids.append(int(part))
    return ids[:MAX_SELECTION]


def load_invitations(account_id: int, ids: list[int]) -> list[Invitation]:
    """The account's invitations with these ids, by address; NotFound if any is not its."""
    found = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.account_id == account_id, Invitation.id.in_(ids))
            .order_by(Invitation.email, Invitation.id)
        )
    )
    if len(found) != len(set(ids)):
        raise NotFound
    return found


def users_by_id(ids: set[int]) -> dict[int, User]:
    """The users with these ids (the inviters of a selection), in one query."""
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
