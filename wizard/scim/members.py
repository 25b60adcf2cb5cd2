"""What SCIM does to a member of the business: made at once, deactivated, restored, licensed.

Each function works in the caller's transaction (flushes, never commits) and, where a license
may be handed out, holds the account's row lock (manage.seats.locked_account) first, as Send,
resend, assigning a license and accepting do, so two of them cannot both take the last seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ..accept.joining import tell_owner_no_license_was_free
from ..common import audit
from ..common.audit import BY_SCIM
from ..extensions import db
from ..manage.seats import locked_account, seat_count
from ..models import Account, Invitation, InvitationStatus, Role, ScimIdentity, User, UserType
from ..sso.joining import SSO_ONLY_HASH


def wants_license(user_type: str | None) -> bool:
    """Whether a SCIM userType asks for a Licensed member ("Licensed", in any case)."""
    return (user_type or "").strip().lower() == "licensed"


def full_name(identity: ScimIdentity) -> str:
    """The member's name from what the provider sent: displayName, else given and family."""
    joined = f"{identity.given_name} {identity.family_name}".strip()
    return (identity.display_name or joined)[:200]


def user_at(email: str) -> User | None:
    """Whoever has this address anywhere on the platform (addresses are unique)."""
    return db.session.execute(
        select(User).where(func.lower(User.email) == email.lower())
    ).scalar_one_or_none()


def record(action: str, account: Account, identity: ScimIdentity, **details) -> None:
    """The audit line for what the provider did (no account is the actor)."""
    audit.record(
        action,
        account_id=account.id,
        actor_id=None,
        subject_email=identity.email,
        invitation_id=identity.invitation_id,
        details={"by": BY_SCIM, "user_name": identity.user_name, **details},
    )


def provision(account: Account, identity: ScimIdentity, *, now: datetime) -> User:
    """A new member at the identity's address (nobody has it yet): Licensed where asked and a
    license is free, else Basic (and the owner is told); an invitation already waiting for
    the address is accepted with it. Deactivated at once when the provider says inactive."""
    account = locked_account(account.id)
    user = User(
        email=identity.email,
        name=full_name(identity),
        password_hash=SSO_ONLY_HASH,
        account_id=account.id,
        role=Role.MEMBER,
        user_type=UserType.BASIC,
        locale=account.default_locale,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.account_id == account.id,
            Invitation.email == identity.email,
            Invitation.status == InvitationStatus.PENDING,
        )
        .values(status=InvitationStatus.ACCEPTED, responded_at=now, accepted_user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    identity.user = user
    if identity.active:
        license_if_wanted(account, identity, user)
    else:
        deactivate(account, identity, user, now=now)
    return user


def license_if_wanted(
    account: Account, identity: ScimIdentity, user: User, *, held: bool = False
) -> bool:
    """Make the member Licensed when the userType asks (or `held`: they had one before they
    were deactivated) and a license is free; when none is, they stay Basic and the owner is
    emailed. Returns whether they are Licensed now."""
    wanted = held or wants_license(identity.user_type)
    if not wanted or user.user_type == UserType.LICENSED:
        return user.user_type == UserType.LICENSED
    account = locked_account(account.id)
    db.session.flush()  # the seat count below sees this transaction's members
    if seat_count(account).free > 0:
        user.user_type = UserType.LICENSED
        return True
    by_hand = held and not wants_license(identity.user_type)
    tell_owner_no_license_was_free("scim_without_license", account, user, held=by_hand)
    record("scim_no_license", account, identity)
    return False


def unlicense(user: User) -> None:
    """The member is Basic: their license is free for someone else."""
    user.user_type = UserType.BASIC


def deactivate(account: Account, identity: ScimIdentity, user: User, *, now: datetime) -> None:
    """The member can no longer sign in (password or single sign-on; a session already open
    ends), keeps everything they have, and no longer holds a license."""
    if user.role == Role.OWNER:
        raise_owner_problem()
    if user.deactivated_at is not None:
        return
    user.deactivated_at = now
    user.session_version += 1  # ends sessions open now
    user.ownership_offered_at = None
    identity.license_held = user.user_type == UserType.LICENSED
    unlicense(user)
    record("scim_deactivated", account, identity)


def reactivate(account: Account, identity: ScimIdentity, user: User) -> None:
    """The member can sign in again; Licensed again where the userType asks or they held a
    license when they were deactivated, and one is free (otherwise Basic, the owner told)."""
    if user.deactivated_at is None:
        return
    user.deactivated_at = None
    record("scim_reactivated", account, identity)
    held, identity.license_held = identity.license_held, False
    license_if_wanted(account, identity, user, held=held)


def raise_owner_problem() -> None:
    from .provisioning import ScimProblem  # the exception lives with the contract

    raise ScimProblem(
        400,
        "mutability",
        "The business's owner cannot be deactivated or removed through SCIM; "
        "hand the business over to someone else first.",
    )
