"""What a proven single sign-on means for the person, whichever protocol brought them.

Decided once, here, from the provider's claims and who the address belongs to today:

- a member of this business: signed in (a deactivated one is refused);
- a member of another business: the blocker page, with its owner to ask;
- an individual account (Pro or free): never merged silently. They get a pending invitation
  (or the one already sent to them) and choose refund details on the invitation page; the
  joining itself is accept's exactly-once acceptance;
- nobody yet: a new member (just-in-time provisioning) as Basic, or Licensed where the mapping
  says so and a license is free; an emailed invitation already waiting is accepted with it.

Refusals create nothing and leave a line in the business's audit log. Every function takes
`now` so tests can fix the clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..accept import tokens
from ..accept.joining import tell_owner_no_license_was_free, user_type_on_joining
from ..accept.link import owner_of
from ..accounts.passwords import NO_PASSWORD
from ..common import audit
from ..extensions import db
from ..manage.seats import locked_account, seat_count
from ..models import (
    Account,
    IdentityProvider,
    Invitation,
    InvitationStatus,
    Role,
    SsoMember,
    User,
    UserType,
)
from ..models.types import utcnow
from .mapping import Claims, claims_from, plain_text
from .protocol import Received, SsoRefused
from .providers import on_verified_domain

# Accounts made by single sign-on have no password (accounts.passwords.has_password says so).
SSO_ONLY_HASH = NO_PASSWORD


class Kind(enum.StrEnum):
    SIGNED_IN = "signed_in"  # already a member of this business
    JOINED = "joined"  # a new member, made now
    CHOOSE_REFUND = "choose_refund"  # has an account of their own: the invitation page
    OTHER_BUSINESS = "other_business"  # a member of another business: the blocker page
    REFUSED = "refused"


class Refusal(enum.StrEnum):
    """Why the business's own rules turn someone away (the protocol's reasons are REFUSALS)."""

    TURNED_OFF = "turned_off"  # the provider is not enabled
    OUTSIDE_DOMAINS = "outside_domains"  # the address is not on a verified domain
    DEACTIVATED = "deactivated"  # a member the business has deactivated
    NOT_INVITED = "not_invited"  # "invited only" mode, and no invitation


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    claims: Claims
    user_id: int | None = None
    refusal: Refusal | None = None
    token: str | None = None  # the invitation link's token, for CHOOSE_REFUND
    joined_as_basic: bool = False  # the mapping said Licensed, but no license was free
    other_business: str = ""  # OTHER_BUSINESS: its name and its owner, to ask
    other_owner: str = ""


def complete_sign_in(
    provider: IdentityProvider,
    received: Received,
    *,
    protocol: str,
    locale: str = "en",
    now: datetime | None = None,
) -> Outcome:
    """Everything a proven sign-in leads to (see the module's docstring). Commits.

    Raises SsoRefused("no_email") when the provider did not say who signed in."""
    now = now or utcnow()
    claims = claims_from(provider.mapping, received)
    refusal = _refusal_before_looking(provider, claims)
    if refusal is not None:
        return _refused(provider, claims, refusal, protocol)
    user = _user_at(claims.email)
    if user is not None:
        return _existing(provider, received, claims, user, protocol, now)
    try:
        return _newcomer(provider, received, claims, protocol, locale, now)
    except IntegrityError:  # the address got an account a moment ago: start again with it
        db.session.rollback()
        return _existing(provider, received, claims, _user_at(claims.email), protocol, now)


def _refusal_before_looking(provider: IdentityProvider, claims: Claims) -> Refusal | None:
    if not provider.enabled:
        return Refusal.TURNED_OFF
    if not on_verified_domain(provider.account_id, claims.email):
        return Refusal.OUTSIDE_DOMAINS
    return None


def _user_at(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == email)
    ).scalar_one_or_none()


def _pending_invitation(account_id: int, email: str, now: datetime) -> Invitation | None:
    return db.session.execute(
        select(Invitation).where(
            Invitation.account_id == account_id,
            Invitation.email == email,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > now,
        )
    ).scalar_one_or_none()


def _existing(provider, received, claims, user: User, protocol, now) -> Outcome:
    if user.account_id == provider.account_id:
        if user.deactivated_at is not None:
            return _refused(provider, claims, Refusal.DEACTIVATED, protocol)
        _remember_member(provider, user, received.subject, now, joined=False)
        db.session.commit()
        return Outcome(Kind.SIGNED_IN, claims, user_id=user.id)
    if user.account.is_business:
        owner = owner_of(user.account_id)
        record_refusal(provider, "other_business", protocol=protocol, email=claims.email)
        return Outcome(
            Kind.OTHER_BUSINESS,
            claims,
            other_business=user.account.name,
            other_owner=owner.display_name if owner else "",
        )
    return _choose_refund(provider, claims, user, protocol, now)


def _choose_refund(provider, claims, user: User, protocol, now) -> Outcome:
    """An account of their own: the invitation page decides, with the person, how they join."""
    invitation = _pending_invitation(provider.account_id, claims.email, now)
    if invitation is None:
        if provider.provisioning == "invited":
            return _refused(provider, claims, Refusal.NOT_INVITED, protocol)
        invitation = _sso_invitation(provider, claims, now)
        if invitation is None:  # made a moment ago by a second tab: use that one
            invitation = _pending_invitation(provider.account_id, claims.email, now)
    db.session.commit()
    return Outcome(
        Kind.CHOOSE_REFUND,
        claims,
        user_id=user.id,
        token=tokens.token_for(invitation.token_nonce),
    )


def _sso_invitation(provider, claims: Claims, now: datetime) -> Invitation | None:
    """A pending invitation made by single sign-on, from the owner, without an email."""
    owner = owner_of(provider.account_id)
    days = current_app.config["INVITATION_VALID_DAYS"]
    invitation = Invitation(
        account_id=provider.account_id,
        email=claims.email,
        name=claims.name,
        user_type=claims.user_type or UserType.BASIC,
        invited_by_id=owner.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        via_sso=True,
    )
    tokens.issue(invitation)
    db.session.add(invitation)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # one pending invitation per business and address
        return None
    audit.record(
        "sso_started",
        account_id=provider.account_id,
        actor_id=None,
        subject_email=claims.email,
        invitation_id=invitation.id,
        details={"user_type": str(invitation.user_type)},
    )
    return invitation


def _newcomer(provider, received, claims: Claims, protocol, locale, now) -> Outcome:
    invitation = _pending_invitation(provider.account_id, claims.email, now)
    if invitation is None and provider.provisioning == "invited":
        return _refused(provider, claims, Refusal.NOT_INVITED, protocol)
    account = locked_account(provider.account_id)  # the seat check below cannot race
    wanted = UserType(invitation.user_type) if invitation else claims.user_type
    user_type = _user_type_with_seat(account, wanted or UserType.BASIC, invitation)
    joined_as_basic = wanted == UserType.LICENSED and user_type == UserType.BASIC
    user = User(
        email=claims.email,
        name=claims.name,
        password_hash=SSO_ONLY_HASH,
        account_id=account.id,
        role=Role.ADMIN if claims.role == Role.ADMIN else Role.MEMBER,
        user_type=user_type,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    if invitation is not None:
        _accept_waiting_invitation(invitation, user, now)
    _remember_member(provider, user, received.subject, now, joined=True)
    audit.record(
        "sso_joined",
        account_id=account.id,
        actor_id=user.id,
        subject_email=claims.email,
        invitation_id=invitation.id if invitation else None,
        details={
            "protocol": protocol,
            "user_type": str(user_type),
            "role": str(user.role),
            **({"no_free_license": True} if joined_as_basic else {}),
        },
    )
    if joined_as_basic:
        tell_owner_no_license_was_free("sso_joined_without_license", account, user)
    db.session.commit()
    return Outcome(Kind.JOINED, claims, user_id=user.id, joined_as_basic=joined_as_basic)


def _user_type_with_seat(
    account: Account, wanted: UserType, invitation: Invitation | None
) -> UserType:
    """Licensed only while a license is free; a waiting Licensed invitation holds its own,
    so it is checked as acceptance checks it. Call it holding the account's lock."""
    if wanted != UserType.LICENSED:
        return UserType.BASIC
    if invitation is not None and UserType(invitation.user_type) == UserType.LICENSED:
        return user_type_on_joining(invitation, account)
    return UserType.LICENSED if seat_count(account).free > 0 else UserType.BASIC


def _accept_waiting_invitation(invitation: Invitation, user: User, now: datetime) -> None:
    """An emailed invitation to this address is answered by joining through single sign-on."""
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.PENDING)
        .values(status=InvitationStatus.ACCEPTED, responded_at=now, accepted_user_id=user.id)
        .execution_options(synchronize_session=False)
    )


def _remember_member(provider, user: User, subject: str, now: datetime, *, joined: bool) -> None:
    member = db.session.execute(
        select(SsoMember).where(SsoMember.user_id == user.id)
    ).scalar_one_or_none()
    if member is None:
        member = SsoMember(user_id=user.id, provider_id=provider.id, joined_via_sso=joined)
        db.session.add(member)
    member.provider_id = provider.id
    member.subject = plain_text(subject)[:1000]  # kept to read, never matched on
    member.last_sign_in_at = now


def _refused(provider, claims: Claims, refusal: Refusal, protocol: str) -> Outcome:
    db.session.rollback()
    record_refusal(provider, refusal.value, protocol=protocol, email=claims.email)
    return Outcome(Kind.REFUSED, claims, refusal=refusal)


def record_refusal(
    provider: IdentityProvider,
    reason: str,
    *,
    protocol: str,
    email: str | None = None,
    detail: str = "",
) -> None:
    """The audit line for a sign-in turned away (a protocol's SsoRefused or a joining rule)."""
    audit.record(
        "sso_refused",
        account_id=provider.account_id,
        actor_id=None,
        subject_email=email,
        details={
            "reason": reason,
            "protocol": protocol,
            # The provider's own words (attribute names, its error text): no NUL to store.
            **({"detail": plain_text(detail)[:500]} if detail else {}),
        },
    )
    db.session.commit()


__all__ = ["Kind", "Outcome", "Refusal", "SsoRefused", "complete_sign_in", "record_refusal"]
