"""The transactional outbox: every email is a row, written with what caused it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Email, Timestamp, UTCDateTime, enum_column, utcnow


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


class OutboxEmail(db.Model):
    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    # The batch whose sending this email is part of: a batch's invitation emails, and a
    # resend of one that was never delivered. Kept here (not only on the invitation) so the
    # Pending tab counts a batch's progress from this table's index alone, with no join.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("invitation_batch.id"))
    # Which template renders it: "invitation", "heads_up", "receipt", "reminder", ...
    kind: Mapped[str] = mapped_column(String(30))
    to_address: Mapped[Email]
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # What the template needs. Rendered at delivery time, so secrets such as the invitation
    # link are never stored: the link is derived from the invitation when the mail goes out.
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The Pending tab's "emails waiting to go out" of one account, and its batches'
        # progress, from the index alone.
        Index(
            "ix_outbox_account_status", "account_id", "status", "kind", "batch_id", "invitation_id"
        ),
    )
