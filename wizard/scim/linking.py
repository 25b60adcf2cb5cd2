"""Where SCIM meets the rest of the app: an accepted SCIM invitation, and the Users page.

Kept apart from accept's acceptance (which calls `joined`) and from the api, so both stay
small and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Account, Invitation, ScimIdentity, User


def joined(invitation: Invitation, user: User, *, now: datetime) -> None:
    """Someone accepted an invitation SCIM sent: the identity is now that member. If the
    provider deactivated them meanwhile, they join deactivated. In the caller's transaction,
    holding the account's lock (acceptance does)."""
    identity = db.session.execute(
        select(ScimIdentity).where(
            ScimIdentity.account_id == invitation.account_id,
            ScimIdentity.invitation_id == invitation.id,
            ScimIdentity.user_id.is_(None),
        )
    ).scalar_one_or_none()
    if identity is None:
        return
    from .members import deactivate  # only for SCIM invitations: keep acceptance's imports light

    identity.user = user
    identity.version += 1
    identity.updated_at = now
    if not identity.active:
        account = db.session.get(Account, invitation.account_id)
        deactivate(account, identity, user, now=now)


def provisioned_by_scim(account_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of these members the business's identity provider manages over SCIM (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(ScimIdentity.user_id).where(
                ScimIdentity.account_id == account_id, ScimIdentity.user_id.in_(ids)
            )
        )
    )
