"""What an invitation link says: its state, what blocks joining, the refund quote, and the
invitation page for one viewer.

Every function takes `now` so tests can fix the clock. Nothing here changes anything: looking
at an invitation (as a mail scanner does) records nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from ..common.forms import normalise_email
from ..extensions import db
from ..models import (
    Account,
    AccountKind,
    AuditEvent,
    Invitation,
    InvitationStatus,
    RefundRecord,
    Role,
    Subscription,
    User,
)
from ..models.types import utcnow
from .proration import prorated_refund, remaining_days
from .tokens import token_hash


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
    new_account: bool = False  # after acceptance: their account was made as they accepted
    no_free_license: bool = False  # after acceptance: offered a license, but none was free

    @property
    def is_paid(self) -> bool:
        return self.quote is not None

    @property
    def has_pro(self) -> bool | None:
        """Whether the reader has Pro today: known for the signed-in invitee and for an
        address with no account (False); None when nobody has signed in to say."""
        if self.is_invitee:
            return self.subscription is not None and self.subscription.is_active
        if self.viewer is None and not self.has_account:
            return False
        return None


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


def has_account(email: str) -> bool:
    """Whether anybody has an account at this address (compared case-insensitively)."""
    wanted = normalise_email(email)
    return bool(db.session.scalar(select(exists().where(func.lower(User.email) == wanted))))


def reader_plan(email: str) -> str:
    """What the person at this address has today, for words that depend on it: "pro" (an
    active paid plan), "free" (an individual account without one), "other_business" (a member
    of a business account, who has to leave it before joining) or "none" (no account yet).

    A business account here is another one: the wizard never invites its own members."""
    user = db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        return "none"
    if user.account.is_business:
        return "other_business"
    subscription = individual_subscription(user)
    return "pro" if subscription is not None and subscription.is_active else "free"


def reader_plans(emails, session=None) -> dict[str, str]:
    """`reader_plan()` of many addresses in one query (the delivery worker asks for a claimed
    block at once, not one query per message): {normalised address: plan}."""
    plans = dict.fromkeys({normalise_email(e) for e in emails}, "none")
    if not plans:
        return plans
    address = func.lower(User.email)
    rows = (session or db.session).execute(
        select(address, Account.kind, Subscription.id, Subscription.cancelled_at)
        .join(Account, Account.id == User.account_id)
        .outerjoin(Subscription, Subscription.account_id == User.account_id)
        .where(address.in_(list(plans)))
    )
    for email, kind, subscription_id, cancelled_at in rows:
        if kind == AccountKind.BUSINESS:
            plans[email] = "other_business"
        else:
            paid = subscription_id is not None and cancelled_at is None
            plans[email] = "pro" if paid else "free"
    return plans


def individual_subscription(user: User, *, lock: bool = False) -> Subscription | None:
    """The person's own subscription, if their account is an individual one; `lock` for update."""
    if user.account.is_business:
        return None
    query = select(Subscription).where(Subscription.account_id == user.account_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one_or_none()


def _acceptance_details(invitation: Invitation) -> dict:
    """What acceptance recorded at that moment (its "accepted" audit event): `new_account`,
    `no_free_license`. Today's rows cannot say it: a license may be given or taken back since."""
    details = db.session.scalar(
        select(AuditEvent.details)
        .where(AuditEvent.invitation_id == invitation.id, AuditEvent.action == "accepted")
        .limit(1)
    )
    return details or {}


def owner_of(account_id: int) -> User | None:
    """The business's owner (the one to ask, and who is told): the first, should there be two."""
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
        recorded = _acceptance_details(invitation)
        return InvitationPage(
            link,
            viewer=viewer,
            refund=refund,
            new_account=bool(recorded.get("new_account")),
            no_free_license=bool(recorded.get("no_free_license")),
        )
    if viewer is None or link.state != LinkState.OK:
        return InvitationPage(link, viewer=viewer, has_account=has_account(invitation.email))
    if not is_invitee(viewer, invitation):
        return InvitationPage(link, viewer=viewer, has_account=True)
    subscription = individual_subscription(viewer)
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
            owner_of(viewer.account_id) if Blocker.OTHER_BUSINESS in found else None
        ),
    )


def person_locale(user: User) -> str:
    """The language a person reads their mail in."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (user.locale, user.account.default_locale):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]
