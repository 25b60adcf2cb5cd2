"""Accounts (business or individual), the people in them, subscriptions and domains."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, func, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from .types import Email, Money, Timestamp, UTCDateTime, enum_column, utcnow


class AccountKind(enum.StrEnum):
    BUSINESS = "business"
    INDIVIDUAL = "individual"


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class UserType(enum.StrEnum):
    BASIC = "basic"
    LICENSED = "licensed"


class ResponseNotices(enum.StrEnum):
    """How an owner or admin hears that someone accepted or declined their invitation."""

    EACH = "each"  # an email for each answer
    DAILY = "daily"  # one summary a day
    NONE = "none"


class BillingPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


class Account(db.Model):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AccountKind] = enum_column(AccountKind)
    name: Mapped[str] = mapped_column(String(200))
    # Licenses purchased (business accounts only); Licensed users each take one.
    license_seats: Mapped[int] = mapped_column(Integer, default=0)
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    reminders_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="account", lazy="raise")
    subscription: Mapped[Subscription | None] = relationship(
        back_populates="account", uselist=False, lazy="raise"
    )
    domains: Mapped[list[VerifiedDomain]] = relationship(back_populates="account", lazy="raise")

    __table_args__ = (CheckConstraint("license_seats >= 0", name="license_seats_not_negative"),)

    @property
    def is_business(self) -> bool:
        return self.kind == AccountKind.BUSINESS


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    # Stored normalised (trimmed, lower-case); unique across the platform.
    email: Mapped[Email] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, default=Role.MEMBER)
    user_type: Mapped[UserType] = enum_column(UserType, default=UserType.BASIC)
    locale: Mapped[str | None] = mapped_column(String(10))
    # Bumped at sign-out and password change, so an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Set when the business turns a member off (by its identity provider, later by SCIM):
    # single sign-on refuses them and creates nothing.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_notices: Mapped[ResponseNotices] = enum_column(
        ResponseNotices, default=ResponseNotices.EACH, server_default=ResponseNotices.EACH.value
    )
    # The UTC day of the last daily summary queued for this person (once a day, one worker).
    response_summary_on: Mapped[date | None]
    # Set on the admin the owner offered the business to, until they accept or refuse it.
    ownership_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="users", lazy="joined")

    # The Users page's order, kept by database triggers (models/member_order.py) whenever the
    # role, name or email changes: owner 0, admin 1, member 2; the name in lower case, or the
    # email when there is no name. Never written by the app.
    member_rank: Mapped[int] = mapped_column(default=2, server_default=text("2"))
    sort_name: Mapped[str] = mapped_column(String(254), default="", server_default=text("''"))

    # From the index alone: the seats in use (the account's Licensed members). The Users page
    # walks ix_user_account_sorted in order and stops after its 50.
    __table_args__ = (
        Index("ix_user_account_members", "account_id", "user_type", "role", "name", "email"),
        Index("ix_user_account_sorted", "account_id", "member_rank", "sort_name", "id"),
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def can_manage_users(self) -> bool:
        return self.account.is_business and self.role in (Role.OWNER, Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class OtherUser(db.Model):
    """Someone else on an individual account (a family member, a colleague): they must be
    removed before the account's holder can join a business."""

    __tablename__ = "other_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    email: Mapped[Email]
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Subscription(db.Model):
    """An individual account's paid plan (Pro), with what blocks joining a business."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)
    plan: Mapped[str] = mapped_column(String(20), default="pro")
    billing_period: Mapped[BillingPeriod] = enum_column(BillingPeriod)
    price: Mapped[Money]
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date]
    period_end: Mapped[date]
    payment_method_label: Mapped[str] = mapped_column(String(60))
    outstanding_balance: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    # Counted from the rows, so removing the last one clears the blocker.
    other_users: Mapped[int] = column_property(
        select(func.count(OtherUser.id))
        .where(OtherUser.account_id == account_id)
        .correlate_except(OtherUser)
        .scalar_subquery()
    )
    add_ons: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship(back_populates="subscription", lazy="raise")

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("period_end > period_start", name="period_not_empty"),
    )

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class VerifiedDomain(db.Model):
    __tablename__ = "verified_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    domain: Mapped[str] = mapped_column(String(253))
    # The value of the DNS TXT record that proves ownership.
    verification_code: Mapped[str] = mapped_column(String(100))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="domains", lazy="raise")

    __table_args__ = (
        db.UniqueConstraint("account_id", "domain", name="uq_domain_per_account"),
        # One verifier per domain: whoever verifies second is refused by the database itself,
        # however close together the two checks run.
        Index(
            "uq_verified_domain_one_verifier",
            "domain",
            unique=True,
            sqlite_where=text("verified_at IS NOT NULL"),
            postgresql_where=text("verified_at IS NOT NULL"),
        ),
    )


class PersonalLink(db.Model):
    """A single-use, expiring link emailed to one person: a password reset, or the
    confirmation of a new address. Made like invitation links: only the hash of the token is
    stored, the token being an HMAC of the nonce with the app's secret key."""

    __tablename__ = "personal_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # "password_reset" or "address_change"
    purpose: Mapped[str] = mapped_column(String(20))
    # For an address change: the new address, and the invitation declined when it is confirmed.
    new_email: Mapped[Email | None]
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    token_nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    expires_at: Mapped[Timestamp]
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
