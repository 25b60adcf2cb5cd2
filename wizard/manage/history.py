"""One invitation's history: what was sent, delivered, resent, revoked or accepted, and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, Invitation, InvitationStatus, OutboxEmail, RefundRecord, User
from ..models.types import utcnow
from .actions import NotFound


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    # "created", "viewed", "email", "refund", or an audit action ("resent", "accepted", ...)
    what: str
    actor: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InvitationHistory:
    invitation: Invitation
    inviter: User
    status: InvitationStatus
    latest_email: OutboxEmail | None
    entries: list[HistoryEntry]


def invitation_history(
    account_id: int, invitation_id: int, now: datetime | None = None
) -> InvitationHistory:
    """Everything that happened to one invitation, oldest first, from every record of it."""
    now = now or utcnow()
    inv = db.session.execute(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.account_id == account_id
        )
    ).scalar_one_or_none()
    if inv is None:
        raise NotFound
    inviter = db.session.get(User, inv.invited_by_id)
    events = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.account_id == account_id, AuditEvent.invitation_id == inv.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    emails = list(
        db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.invitation_id == inv.id)
            .order_by(OutboxEmail.created_at, OutboxEmail.id)
        )
    )
    refund = db.session.scalars(
        select(RefundRecord).where(RefundRecord.invitation_id == inv.id)
    ).one_or_none()

    entries = [HistoryEntry(inv.created_at, "created", inviter.display_name)]
    audited = set()
    for event, actor in events:
        if event.action == "invited":
            continue  # the same moment as "created"
        audited.add(event.action)
        entries.append(
            HistoryEntry(
                event.created_at, event.action, actor.display_name if actor else "", event.details
            )
        )
    # Records kept by other parts of the app, for moments nobody wrote an audit event for.
    if inv.contacted_at and "contacted" not in audited:
        entries.append(HistoryEntry(inv.contacted_at, "contacted"))
    if inv.last_viewed_at:
        entries.append(HistoryEntry(inv.last_viewed_at, "viewed"))
    if inv.blocked_by and inv.blocked_at:
        entries.append(HistoryEntry(inv.blocked_at, "blocked", details={"by": inv.blocked_by}))
    if inv.responded_at and inv.status.value not in audited:
        if inv.status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
            entries.append(HistoryEntry(inv.responded_at, inv.status.value))
    if inv.revoked_at and "revoked" not in audited:
        entries.append(HistoryEntry(inv.revoked_at, "revoked"))
    for email in emails:
        entries.append(
            HistoryEntry(
                email.sent_at or email.created_at,
                "email",
                details={
                    "kind": email.kind,
                    "status": email.status.value,
                    "attempts": email.attempts,
                    "error": email.last_error or "",
                    "to": email.to_address,
                },
            )
        )
    if refund is not None and not any(action.startswith("refund") for action in audited):
        # The method only: exact amounts are for the invitee's eyes.
        entries.append(
            HistoryEntry(
                refund.created_at,
                "refund",
                details={"method": refund.method, "card": refund.payment_method_label},
            )
        )
    entries.sort(key=lambda e: e.at)
    return InvitationHistory(
        invitation=inv,
        inviter=inviter,
        status=inv.effective_status(now),
        latest_email=next(
            (e for e in reversed(emails) if e.kind in ("invitation", "reminder")), None
        ),
        entries=entries,
    )
