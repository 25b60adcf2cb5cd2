"""Changing the address of one's own account, instead of joining a business: the new
address is confirmed by a single-use, expiring link sent to it. On confirmation the address
changes and the invitation that prompted it is declined, with that reason, in one transaction.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select

from ..accept.acceptance import Outcome, decline_invitation
from ..accept.link import person_locale
from ..accept.tokens import token_for
from ..common import audit
from ..common.forms import normalise_email
from ..delivery.outbox import queue_email
from ..extensions import db
from ..models import Invitation, InvitationStatus, User
from ..models.types import utcnow
from .links import ADDRESS_CHANGE, issue_link, usable_link, use_link

CHANGED_ADDRESS = "changed_address"


class AddressProblem(enum.StrEnum):
    TAKEN = "taken"  # another account uses it
    SAME = "same"  # it is the address the account has now


def _taken(email: str) -> bool:
    return bool(db.session.scalar(select(exists().where(User.email == email))))


def request_address_change(
    user_id: int, new_email: str, *, invitation_id: int | None = None,
    now: datetime | None = None,
) -> AddressProblem | None:
    """Send a confirmation link to the new address; None when sent, else what is wrong."""
    user = db.session.get(User, user_id)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        return AddressProblem.SAME
    if _taken(new_email):
        return AddressProblem.TAKEN
    hours = current_app.config["ADDRESS_CHANGE_VALID_HOURS"]
    link = issue_link(user.id, ADDRESS_CHANGE, timedelta(hours=hours), now=now,
                      new_email=new_email, invitation_id=invitation_id)
    business = ""
    if invitation_id is not None and (invitation := db.session.get(Invitation, invitation_id)):
        business = invitation.invited_by.account.name
    queue_email(
        "confirm_address",
        new_email,
        account_id=user.account_id,
        locale=person_locale(user),
        context={"name": user.display_name, "old_email": user.email, "new_email": new_email,
                 "personal_link_id": link.id, "valid_hours": hours, "business": business},
    )
    db.session.commit()
    return None


def address_link(token: str, now: datetime | None = None):
    """The pending change behind a confirmation link, while it can be used; else None."""
    return usable_link(token, ADDRESS_CHANGE, now)


def confirm_address_change(token: str, now: datetime | None = None) -> User | AddressProblem | None:
    """Change the address; decline the invitation it was asked from, with that reason.
    None if the link is unknown, used or expired; TAKEN if the address was taken meanwhile."""
    now = now or utcnow()
    link = usable_link(token, ADDRESS_CHANGE, now)
    if link is None:
        return None
    if _taken(link.new_email):
        return AddressProblem.TAKEN
    if not use_link(link, now):
        db.session.rollback()
        return None
    user = db.session.get(User, link.user_id)
    invitation = db.session.get(Invitation, link.invitation_id) if link.invitation_id else None
    if invitation is not None and invitation.effective_status(now) == InvitationStatus.PENDING:
        result = decline_invitation(token_for(invitation.token_nonce), user.id,
                                    reason=CHANGED_ADDRESS, now=now, commit=False)
        if result.outcome == Outcome.NOT_PENDING:  # answered meanwhile, all rolled back:
            return confirm_address_change(token, now)  # the change alone, this time
    old_email, user.email = user.email, link.new_email
    audit.record("address_changed", account_id=user.account_id, actor_id=user.id,
                 subject_email=user.email, details={"from": old_email})
    db.session.commit()
    return user
