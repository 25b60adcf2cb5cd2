"""The audit trail: who did what, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Email, Timestamp, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # "invited", "contacted", "resent", "revoked", "accepted", "declined", "license_assigned", ...
    action: Mapped[str] = mapped_column(String(40))
    subject_email: Mapped[Email | None]
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_audit_account_time", "account_id", "created_at"),)
