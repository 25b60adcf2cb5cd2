"""Queueing email: every message is an outbox row, written in the caller's transaction.

Nothing sends mail from a view. The delivery worker (wizard/delivery/worker.py) renders and sends
queued rows; a rolled-back transaction leaves no row, so it sends nothing.
"""

from typing import Any

from ..extensions import db
from ..models import OutboxEmail
from .wakeup import wake_after_commit

__all__ = ["queue_email", "wake_after_commit"]


def queue_email(
    kind: str,
    to_address: str,
    *,
    account_id: int | None,
    locale: str = "en",
    invitation_id: int | None = None,
    batch_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> OutboxEmail:
    """Add one email to the outbox (no commit: it goes with the caller's transaction).

    `kind` names the templates `templates/email/<kind>.txt`, `.html` and `_subject.txt`.
    `context` must be JSON-serialisable and must not contain secrets such as link tokens:
    an invitation's link is derived at delivery time from `invitation_id`. `batch_id`: the
    batch whose sending this email is part of (the Pending tab shows its progress).
    """
    email = OutboxEmail(
        kind=kind,
        to_address=to_address,
        account_id=account_id,
        invitation_id=invitation_id,
        batch_id=batch_id,
        locale=locale,
        context=context or {},
    )
    db.session.add(email)
    wake_after_commit()
    return email
