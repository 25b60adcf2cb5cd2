"""Invitations, the wizard's drafts and batches, and the money record of an acceptance."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .account import User, UserType
from .types import Email, Money, Timestamp, UTCDateTime, enum_column, utcnow


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


class WizardDraft(db.Model):
    """The owner's answers so far; the wizard's state lives here, never in the cookie."""

    __tablename__ = "wizard_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The author: only they change or send it (others see whose it is).
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    # Validated answers per step, keyed by step name.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set once, when Send commits the batch; a second Send finds it and does nothing.
    sent_batch_id: Mapped[int | None] = mapped_column(ForeignKey("invitation_batch.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow, onupdate=utcnow)


class InvitationBatch(db.Model):
    __tablename__ = "invitation_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # One batch per draft, enforced by the database: Send is idempotent.
    draft_id: Mapped[int] = mapped_column(unique=True)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("invitation_batch.id"), index=True)
    # Normalised: trimmed and lower-case.
    email: Mapped[Email]
    name: Mapped[str] = mapped_column(String(200), default="")
    user_type: Mapped[UserType] = enum_column(UserType)
    status: Mapped[InvitationStatus] = enum_column(
        InvitationStatus, default=InvitationStatus.PENDING
    )
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The link's token is derived from this nonce with the app's secret key; only a hash of
    # the token is stored, so the database alone cannot produce a working link.
    token_nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[Timestamp]
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Made by single sign-on for someone with an account of their own, who signed in through
    # the business's provider and is choosing refund details (no email is sent for it).
    via_sso: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # What stopped the invitee the last time they looked (a link.Blocker value), and when.
    blocked_by: Mapped[str | None] = mapped_column(String(30))
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it was declined, where the app knows ("changed_address").
    decline_reason: Mapped[str | None] = mapped_column(String(30))

    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id], lazy="raise")

    __table_args__ = (
        # One pending invitation per business and address, enforced by the database.
        Index(
            "uq_one_pending_invitation",
            "account_id",
            "email",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_invitation_account_status", "account_id", "status", "created_at"),
        # The Pending tab's keyset pages (manage/keyset.py) by address and by expiry date.
        Index("ix_invitation_account_email", "account_id", "email", "id"),
        Index("ix_invitation_account_expires", "account_id", "expires_at", "id"),
        # Counts from the index alone: the Pending tab's pending ones still within their date
        # (expired = pending - these), and the seats pending Licensed invitations hold.
        Index("ix_invitation_account_status_expiry", "account_id", "status", "expires_at"),
        Index("ix_invitation_seats", "account_id", "status", "user_type", "expires_at"),
    )

    def effective_status(self, now: datetime) -> InvitationStatus:
        """Expiry happens by time: a pending invitation past its date reads as expired."""
        if self.status == InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status


class RefundRecord(db.Model):
    """What happens to the unused part of a subscription: one per accepted invitation."""

    __tablename__ = "refund_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: an invitation is accepted, and paid out, exactly once.
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"))
    amount: Mapped[Money]
    currency: Mapped[str] = mapped_column(String(3))
    # "refund" to the original payment method, or "credit" to the business account.
    method: Mapped[str] = mapped_column(String(10))
    payment_method_label: Mapped[str] = mapped_column(String(60), default="")
    receipt_email: Mapped[Email]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    __table_args__ = (
        db.CheckConstraint("amount >= 0", name="refund_not_negative"),
        db.CheckConstraint("method in ('refund', 'credit')", name="refund_method_known"),
    )

    @property
    def is_zero(self) -> bool:
        return self.amount == Decimal("0")
