"""The invitee's answers: accepting exactly once (with or without an account), declining,
and asking for a new link. What a link says and what blocks joining are in link.py.

Every function takes `now` so tests can fix the clock. Each is one transaction, claimed with
a conditional UPDATE, so a double-click or a race changes things once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.passwords import hash_password
from ..common import audit
from ..common.forms import normalise_email
from ..delivery.outbox import queue_email
from ..delivery.responses import tell_inviter
from ..extensions import db
from ..manage.seats import locked_account
from ..models import (
    AuditEvent,
    Invitation,
    InvitationStatus,
    RefundRecord,
    Role,
    User,
)
from ..models.types import utcnow
from ..scim.linking import joined as scim_joined
from .joining import missed_license, tell_inviter_of_joining, user_type_on_joining
from .link import (
    Blocker,
    Link,
    LinkState,
    RefundQuote,
    blockers_for,
    has_account,
    individual_subscription,
    is_invitee,
    look_up,
    person_locale,
    refund_quote,
)

# An expired link's "ask for a new one" tells the inviter at most this often.
RESEND_REQUEST_INTERVAL = timedelta(hours=24)


class RefundMethod(enum.StrEnum):
    REFUND = "refund"  # back to the original payment method
    CREDIT = "credit"  # transferred to the business account


class Outcome(enum.StrEnum):
    DONE = "done"
    NOT_PENDING = "not_pending"  # accepted, declined, revoked or expired in the meantime
    WRONG_ACCOUNT = "wrong_account"
    BLOCKED = "blocked"
    NEEDS_REFUND_DETAILS = "needs_refund_details"
    HAS_ACCOUNT = "has_account"  # "create an account" for an address that has one
    ALREADY_REQUESTED = "already_requested"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    link: Link
    user_id: int | None = None
    user: User | None = None  # the account made by accept_with_new_account
    blockers: tuple[Blocker, ...] = field(default=())
    refund: RefundRecord | None = None
    joined_as_basic: bool = False  # offered a license, but none was free


def _claim(invitation: Invitation, now: datetime, **values) -> bool:
    """Move a pending, unexpired invitation to its answer; False if someone got there first.

    A conditional UPDATE: on PostgreSQL a racing accept, decline or revoke waits for the row
    lock and then finds the status changed, so exactly one of them wins.
    """
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > now,
        )
        .values(responded_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _gone(token: str, now: datetime, user_id: int | None = None) -> Result:
    db.session.rollback()
    return Result(Outcome.NOT_PENDING, look_up(token, now), user_id=user_id)


def accept_invitation(
    token: str,
    user_id: int,
    *,
    method: RefundMethod | str | None = None,
    receipt_email: str | None = None,
    now: datetime | None = None,
) -> Result:
    """Join the business in one transaction, exactly once: membership, cancelled plan, refund.

    The refund is recomputed here from the subscription; nothing about money comes from
    the page.
    """
    now = now or utcnow()
    link = look_up(token, now)
    if link.state != LinkState.OK:
        return Result(Outcome.NOT_PENDING, link, user_id=user_id)
    invitation = link.invitation
    user = db.session.get(User, user_id)
    if user is None or not is_invitee(user, invitation):
        return Result(Outcome.WRONG_ACCOUNT, link, user_id=user_id)

    # The account's row first (as Send and resend), then the invitation's, then the person's:
    # one order, so no deadlocks, and the seat check below cannot race another acceptance.
    account = locked_account(invitation.account_id)
    if not _claim(
        invitation, now, status=InvitationStatus.ACCEPTED, accepted_user_id=user.id
    ):
        return _gone(token, now, user_id)
    user = db.session.execute(
        select(User)
        .where(User.id == user_id)
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    ).scalar_one()
    subscription = individual_subscription(user, lock=True)
    found = blockers_for(user, invitation, subscription)
    if found:
        db.session.rollback()
        return Result(Outcome.BLOCKED, look_up(token, now), user_id=user_id, blockers=found)
    quote = refund_quote(subscription, now)
    if quote is not None and (method not in set(RefundMethod) or not receipt_email):
        db.session.rollback()
        return Result(Outcome.NEEDS_REFUND_DETAILS, look_up(token, now), user_id=user_id)

    locale = person_locale(user)
    user.account_id = invitation.account_id
    user.role = Role.MEMBER
    user.user_type = user_type_on_joining(invitation, account)
    joined_as_basic = missed_license(invitation, user.user_type)
    refund = None
    if subscription is not None and subscription.is_active:
        subscription.cancelled_at = now
    if quote is not None:
        refund = RefundRecord(
            invitation_id=invitation.id,
            account_id=invitation.account_id,
            user_id=user.id,
            subscription_id=subscription.id,
            amount=quote.amount,
            currency=quote.currency,
            method=RefundMethod(method).value,
            payment_method_label=quote.payment_method_label,
            receipt_email=normalise_email(receipt_email),
            status="pending",
        )
        db.session.add(refund)
    audit.record(
        "accepted",
        account_id=invitation.account_id,
        actor_id=user.id,
        subject_email=invitation.email,
        invitation_id=invitation.id,
        # The amount stays out of the owner's audit trail: exact refunds are the invitee's.
        details={
            "user_type": str(user.user_type),
            "refund_method": refund.method if refund else None,
            **({"no_free_license": True} if joined_as_basic else {}),
            **({"via": "sso"} if invitation.via_sso else {}),
        },
    )
    if refund is not None:
        queue_email(
            "receipt",
            refund.receipt_email,
            account_id=invitation.account_id,
            locale=locale,
            invitation_id=invitation.id,
            context=_receipt_context(user, link, refund, quote),
        )
    scim_joined(invitation, user, now=now)
    tell_inviter_of_joining(invitation, account, user, joined_as_basic)
    try:
        db.session.commit()
    except IntegrityError:  # the unique refund per invitation: someone else won
        return _gone(token, now, user_id)
    return Result(
        Outcome.DONE,
        look_up(token, now),
        user_id=user_id,
        refund=refund,
        joined_as_basic=joined_as_basic,
    )


def _receipt_context(user: User, link: Link, refund: RefundRecord, quote: RefundQuote) -> dict:
    db.session.flush()  # the refund's id is the receipt number
    return {
        "name": user.name,
        "business": link.business.name,
        "receipt_number": f"R-{refund.id:06d}",
        "amount": str(refund.amount),
        "currency": refund.currency,
        "method": refund.method,
        "payment_method_label": refund.payment_method_label,
        "remaining_days": quote.remaining_days,
        "user_type": str(user.user_type),
        "no_free_license": missed_license(link.invitation, user.user_type),
        "inviter_name": link.inviter.display_name,
    }


def accept_with_new_account(
    token: str, *, name: str, password: str, locale: str, now: datetime | None = None
) -> Result:
    """Create the invited address's account inside the business, accepting in one go."""
    now = now or utcnow()
    link = look_up(token, now)
    if link.state != LinkState.OK:
        return Result(Outcome.NOT_PENDING, link)
    invitation = link.invitation
    email = normalise_email(invitation.email)
    if has_account(email):
        return Result(Outcome.HAS_ACCOUNT, link)
    password_hash = hash_password(password)  # slow on purpose: before any row is locked
    account = locked_account(invitation.account_id)  # before the new row points at it
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        account_id=invitation.account_id,
        role=Role.MEMBER,
        user_type=user_type_on_joining(invitation, account),
        locale=locale,
    )
    joined_as_basic = missed_license(invitation, user.user_type)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the address got an account a moment ago
        db.session.rollback()
        return Result(Outcome.HAS_ACCOUNT, look_up(token, now))
    if not _claim(invitation, now, status=InvitationStatus.ACCEPTED, accepted_user_id=user.id):
        return _gone(token, now)
    audit.record(
        "accepted",
        account_id=invitation.account_id,
        actor_id=user.id,
        subject_email=email,
        invitation_id=invitation.id,
        details={
            "user_type": str(user.user_type),
            "new_account": True,
            **({"no_free_license": True} if joined_as_basic else {}),
        },
    )
    tell_inviter_of_joining(invitation, account, user, joined_as_basic)
    user_id = user.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return Result(Outcome.HAS_ACCOUNT, look_up(token, now))
    return Result(
        Outcome.DONE,
        look_up(token, now),
        user_id=user_id,
        user=user,
        joined_as_basic=joined_as_basic,
    )


def decline_invitation(
    token: str,
    user_id: int | None,
    *,
    message: str = "",
    reason: str | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Result:
    """Say no: the invitation is declined once, and the person who invited is told.

    `reason` is what the app knows of why ("changed_address"): kept, and shown to the owner.
    `commit=False` leaves the decline in the caller's transaction (it rolls back if refused).
    """
    now = now or utcnow()
    link = look_up(token, now)
    if link.state != LinkState.OK:
        return Result(Outcome.NOT_PENDING, link, user_id=user_id)
    invitation = link.invitation
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or not is_invitee(user, invitation):
            return Result(Outcome.WRONG_ACCOUNT, link, user_id=user_id)
    if not _claim(invitation, now, status=InvitationStatus.DECLINED, decline_reason=reason):
        return _gone(token, now, user_id)
    details = {"message": message} if message else {}
    audit.record(
        "declined",
        account_id=invitation.account_id,
        actor_id=user_id,
        subject_email=invitation.email,
        invitation_id=invitation.id,
        details={**details, "reason": reason} if reason else details,
        by_invitee=user_id is None,
    )
    tell_inviter(invitation, link.business, joined_as=None,
                 locale=person_locale(invitation.invited_by), message=message, reason=reason)
    if not commit:
        return Result(Outcome.DONE, link, user_id=user_id)
    db.session.commit()
    return Result(Outcome.DONE, look_up(token, now), user_id=user_id)


def request_resend(token: str, *, now: datetime | None = None) -> Result:
    """From an expired link: ask the person who invited for a new one (at most once a day)."""
    now = now or utcnow()
    link = look_up(token, now)
    if link.state != LinkState.EXPIRED:
        return Result(Outcome.NOT_PENDING, link)
    invitation = link.invitation
    asked_lately = db.session.scalar(
        select(
            exists().where(
                AuditEvent.invitation_id == invitation.id,
                AuditEvent.action == "resend_requested",
                AuditEvent.created_at > now - RESEND_REQUEST_INTERVAL,
            )
        )
    )
    if asked_lately:
        return Result(Outcome.ALREADY_REQUESTED, link)
    inviter = invitation.invited_by
    audit.record(
        "resend_requested",
        account_id=invitation.account_id,
        actor_id=None,
        subject_email=invitation.email,
        invitation_id=invitation.id,
        by_invitee=True,  # asked from the expired link
    ).created_at = now
    queue_email(
        "resend_requested",
        inviter.email,
        account_id=invitation.account_id,
        locale=person_locale(inviter),
        invitation_id=invitation.id,
        context={
            "inviter_name": inviter.display_name,
            "invitee_email": invitation.email,
            "invitee_name": invitation.name,
            "business": link.business.name,
            "valid_days": current_app.config["INVITATION_VALID_DAYS"],
        },
    )
    db.session.commit()
    return Result(Outcome.DONE, look_up(token, now))


def end_sessions(user_id: int) -> None:
    """Sign a person out everywhere (the same as the site's Sign out): old cookies stop working."""
    user = db.session.get(User, user_id)
    if user is not None:
        user.session_version += 1
        db.session.commit()


def record_seen(invitation_id: int, blockers: tuple[Blocker, ...], now: datetime) -> None:
    """The signed-in invitee looked at their invitation: the owner sees "Opened", or what
    blocks them, with the date. (Never called for a visitor who is not signed in as the
    invitee, so a mail scanner opening the link records nothing.)"""
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.status == InvitationStatus.PENDING)
        .values(
            last_viewed_at=now,
            blocked_by=blockers[0].value if blockers else None,
            blocked_at=now if blockers else None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
