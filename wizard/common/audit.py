"""Writing the audit trail."""

from typing import Any

from ..extensions import db
from ..models import AuditEvent


def record(
    action: str,
    *,
    account_id: int,
    actor_id: int | None,
    subject_email: str | None = None,
    invitation_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (no commit)."""
    event = AuditEvent(
        action=action,
        account_id=account_id,
        actor_id=actor_id,
        subject_email=subject_email,
        invitation_id=invitation_id,
        details=details or {},
    )
    db.session.add(event)
    return event
