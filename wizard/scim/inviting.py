"""SCIM for someone who already has an individual account (Pro or free): an invitation.

Never merged silently: they get an invitation emailed as the wizard sends it, choose refund
details and accept on the invitation page (accept's exactly-once acceptance); the Pending tab
shows it like any other. `linking.joined` ties the identity to the member once they accept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..accept import tokens
from ..delivery.outbox import queue_email
from ..extensions import db
from ..invite.batches import locales_of
from ..manage.seats import locked_account, seat_count
from ..models import Account, Invitation, InvitationStatus, ScimIdentity, UserType
from ..sso.joining import owner_of
from .members import record, wants_license


def pending_invitation(account_id: int, email: str, now: datetime) -> Invitation | None:
    """The business's invitation to this address still waiting for an answer, if any."""
    return db.session.execute(
        select(Invitation).where(
            Invitation.account_id == account_id,
            Invitation.email == email,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > now,
        )
    ).scalar_one_or_none()


def invite(account: Account, identity: ScimIdentity, *, now: datetime) -> Invitation:
    """The invitation for the identity's address: the one already waiting, or a new one from
    the owner, Licensed where the userType asks and a license is free (else Basic)."""
    waiting = pending_invitation(account.id, identity.email, now)
    if waiting is not None:
        identity.invitation_id = waiting.id
        return waiting
    account = locked_account(account.id)
    # An invitation past its date reads as expired: make it so, to be the one pending.
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.account_id == account.id,
            Invitation.email == identity.email,
            Invitation.status == InvitationStatus.PENDING,
        )
        .values(status=InvitationStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    licensed = wants_license(identity.user_type) and seat_count(account).free > 0
    owner = owner_of(account.id)
    expires_at = now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    invitation = Invitation(
        account_id=account.id,
        email=identity.email,
        name=identity.display_name or f"{identity.given_name} {identity.family_name}".strip(),
        user_type=UserType.LICENSED if licensed else UserType.BASIC,
        invited_by_id=owner.id,
        created_at=now,
        sent_at=now,
        expires_at=expires_at,
    )
    tokens.issue(invitation)
    db.session.add(invitation)
    db.session.flush()
    identity.invitation_id = invitation.id
    queue_email(
        "invitation",
        invitation.email,
        account_id=account.id,
        locale=locales_of([invitation.email], account.default_locale)[invitation.email],
        invitation_id=invitation.id,
        context={
            "business_name": account.name,
            "inviter_name": owner.display_name,
            "inviter_email": owner.email,
            "invitee_name": invitation.name,
            "user_type": invitation.user_type.value,
            "expires_at": expires_at.isoformat(),
        },
    )
    record("scim_invited", account, identity, user_type=invitation.user_type.value)
    return invitation


def withdraw(account: Account, identity: ScimIdentity, *, now: datetime) -> None:
    """The identity's invitation, while still pending, is revoked (its link stops working)."""
    if identity.invitation_id is None:
        return
    revoked = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == identity.invitation_id,
            Invitation.account_id == account.id,
            Invitation.status == InvitationStatus.PENDING,
        )
        .values(status=InvitationStatus.REVOKED, revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if revoked:
        record("revoked", account, identity)
