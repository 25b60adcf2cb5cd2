"""The invitee's side: what a link says, what blocks joining, and accepting exactly once.

Every function takes `now` so tests can fix the clock. Nothing here changes anything on a
GET: looking at an invitation (as a mail scanner does) records nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.passwords import hash_password
from ..common import audit
from ..common.forms import normalise_email
from ..delivery.outbox import queue_email
from ..extensions import db
from ..models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationStatus,
    RefundRecord,
    Role,
    Subscription,
    User,
    UserType,
)
from ..models.types import utcnow
from .proration import prorated_refund, remaining_days
from .tokens import token_hash

# An expired link's "ask for a new one" tells the inviter at most this often.
RESEND_REQUEST_INTERVAL = timedelta(hours=24)


class LinkState(enum.StrEnum):
    OK = "ok"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # Never shown as such: an unknown or tampered link gets the expired page (no oracle).
    UNKNOWN = "unknown"


class Blocker(enum.StrEnum):
    """What must be sorted out before a person can join, in the order they are shown."""

    ALREADY_MEMBER = "already_member"
    OTHER_BUSINESS = "other_business"
    OUTSTANDING_BALANCE = "outstanding_balance"
    OTHER_USERS = "other_users"
    ADD_ONS = "add_ons"


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
class Link:
    """One place that says what a link is: its state and, unless unknown, its invitation."""

    state: LinkState
    invitation: Invitation | None = None
    business: Account | None = None

    @property
    def shows_as_expired(self) -> bool:
        return self.state in (LinkState.EXPIRED, LinkState.UNKNOWN)

    @property
    def inviter(self) -> User | None:
        return self.invitation.invited_by if self.invitation else None


@dataclass(frozen=True)
class RefundQuote:
    """The refund for today, as the invitee sees it before choosing."""

    amount: Decimal
    currency: str
    remaining_days: int
    period_end: date
    payment_method_label: str


@dataclass(frozen=True)
class InvitationPage:
    """Everything the invitation page shows, for one viewer (or nobody signed in)."""

    link: Link
    viewer: User | None = None
    is_invitee: bool = False
    has_account: bool = False
    subscription: Subscription | None = None
    quote: RefundQuote | None = None
    blockers: tuple[Blocker, ...] = ()
    other_business_owner: User | None = None
    refund: RefundRecord | None = None  # after acceptance, for the person who accepted only

    @property
    def is_paid(self) -> bool:
        return self.quote is not None


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    link: Link
    user_id: int | None = None
    user: User | None = None  # the account made by accept_with_new_account
    blockers: tuple[Blocker, ...] = field(default=())
    refund: RefundRecord | None = None


def look_up(token: str, now: datetime | None = None) -> Link:
    """What a link is now: ok / expired / revoked / accepted / declined / unknown."""
    now = now or utcnow()
    invitation = db.session.execute(
        select(Invitation)
        .options(joinedload(Invitation.invited_by))
        .where(Invitation.token_hash == token_hash(token or ""))
    ).scalar_one_or_none()
    if invitation is None:
        return Link(LinkState.UNKNOWN)
    state = {
        InvitationStatus.PENDING: LinkState.OK,
        InvitationStatus.EXPIRED: LinkState.EXPIRED,
        InvitationStatus.REVOKED: LinkState.REVOKED,
        InvitationStatus.ACCEPTED: LinkState.ACCEPTED,
        InvitationStatus.DECLINED: LinkState.DECLINED,
    }[invitation.effective_status(now)]
    return Link(state, invitation, db.session.get(Account, invitation.account_id))


def is_invitee(user: User, invitation: Invitation) -> bool:
    """The invited address, compared case-insensitively (Bob@Example.com is bob@example.com)."""
    return normalise_email(user.email) == normalise_email(invitation.email)


def blockers_for(
    user: User, invitation: Invitation, subscription: Subscription | None
) -> tuple[Blocker, ...]:
    """What stops this person joining this business today (pure: reads only what it is given)."""
    found: list[Blocker] = []
    if user.account_id == invitation.account_id:
        found.append(Blocker.ALREADY_MEMBER)
    elif user.account.is_business:
        found.append(Blocker.OTHER_BUSINESS)
    if subscription is not None:
        if subscription.outstanding_balance > 0:
            found.append(Blocker.OUTSTANDING_BALANCE)
        if subscription.other_users > 0:
            found.append(Blocker.OTHER_USERS)
        if subscription.add_ons > 0:
            found.append(Blocker.ADD_ONS)
    return tuple(found)


def refund_quote(subscription: Subscription | None, now: datetime) -> RefundQuote | None:
    """The prorated refund for an active paid plan; None for free Basic (nothing to refund)."""
    if subscription is None or not subscription.is_active or subscription.price <= 0:
        return None
    return RefundQuote(
        amount=prorated_refund(
            subscription.price,
            subscription.period_start,
            subscription.period_end,
            now,
            subscription.currency,
        ),
        currency=subscription.currency,
        remaining_days=remaining_days(subscription.period_start, subscription.period_end, now),
        period_end=subscription.period_end,
        payment_method_label=subscription.payment_method_label,
    )


def _has_account(email: str) -> bool:
    wanted = normalise_email(email)
    return bool(db.session.scalar(select(exists().where(func.lower(User.email) == wanted))))


def _individual_subscription(user: User, *, lock: bool = False) -> Subscription | None:
    if user.account.is_business:
        return None
    query = select(Subscription).where(Subscription.account_id == user.account_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one_or_none()


def _owner_of(account_id: int) -> User | None:
    return db.session.execute(
        select(User)
        .where(User.account_id == account_id, User.role == Role.OWNER)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def invitation_page(
    token: str, viewer_id: int | None, now: datetime | None = None
) -> InvitationPage:
    """The link's state and, for the signed-in viewer, blockers and refund estimate."""
    now = now or utcnow()
    link = look_up(token, now)
    if link.invitation is None:
        return InvitationPage(link)
    invitation = link.invitation
    viewer = db.session.get(User, viewer_id) if viewer_id is not None else None
    if link.state == LinkState.ACCEPTED:
        refund = None
        if viewer is not None and viewer.id == invitation.accepted_user_id:
            refund = db.session.execute(
                select(RefundRecord).where(RefundRecord.invitation_id == invitation.id)
            ).scalar_one_or_none()
        return InvitationPage(link, viewer=viewer, refund=refund)
    if viewer is None or link.state != LinkState.OK:
        return InvitationPage(link, viewer=viewer, has_account=_has_account(invitation.email))
    if not is_invitee(viewer, invitation):
        return InvitationPage(link, viewer=viewer, has_account=True)
    subscription = _individual_subscription(viewer)
    found = blockers_for(viewer, invitation, subscription)
    return InvitationPage(
        link,
        viewer=viewer,
        is_invitee=True,
        has_account=True,
        subscription=subscription,
        quote=refund_quote(subscription, now),
        blockers=found,
        other_business_owner=(
            _owner_of(viewer.account_id) if Blocker.OTHER_BUSINESS in found else None
        ),
    )


def person_locale(user: User) -> str:
    """The language a person reads their mail in."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (user.locale, user.account.default_locale):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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

    # The invitation's row first, then the person's: one order, so no deadlocks.
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
    subscription = _individual_subscription(user, lock=True)
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
    user.user_type = UserType(invitation.user_type)
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
            "user_type": str(invitation.user_type),
            "refund_method": refund.method if refund else None,
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
    try:
        db.session.commit()
    except IntegrityError:  # the unique refund per invitation: someone else won
        return _gone(token, now, user_id)
    return Result(Outcome.DONE, look_up(token, now), user_id=user_id, refund=refund)


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
        "user_type": str(link.invitation.user_type),
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
    if _has_account(email):
        return Result(Outcome.HAS_ACCOUNT, link)
    password_hash = hash_password(password)  # slow on purpose: before any row is locked
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        account_id=invitation.account_id,
        role=Role.MEMBER,
        user_type=UserType(invitation.user_type),
        locale=locale,
    )
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
        details={"user_type": str(invitation.user_type), "new_account": True},
    )
    user_id = user.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return Result(Outcome.HAS_ACCOUNT, look_up(token, now))
    return Result(Outcome.DONE, look_up(token, now), user_id=user_id, user=user)


def decline_invitation(
    token: str, user_id: int | None, *, message: str = "", now: datetime | None = None
) -> Result:
    """Say no: the invitation is declined once, and the person who invited is told."""
    now = now or utcnow()
    link = look_up(token, now)
    if link.state != LinkState.OK:
        return Result(Outcome.NOT_PENDING, link, user_id=user_id)
    invitation = link.invitation
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or not is_invitee(user, invitation):
            return Result(Outcome.WRONG_ACCOUNT, link, user_id=user_id)
    if not _claim(invitation, now, status=InvitationStatus.DECLINED):
        return _gone(token, now, user_id)
    inviter = invitation.invited_by
    audit.record(
        "declined",
        account_id=invitation.account_id,
        actor_id=user_id,
        subject_email=invitation.email,
        invitation_id=invitation.id,
        details={"message": message} if message else {},
    )
    queue_email(
        "invitation_declined",
        inviter.email,
        account_id=invitation.account_id,
        locale=person_locale(inviter),
        invitation_id=invitation.id,
        context={
            "inviter_name": inviter.display_name,
            "invitee_email": invitation.email,
            "invitee_name": invitation.name,
            "business": link.business.name,
            "message": message,
        },
    )
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
