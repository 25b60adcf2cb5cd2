"""Revoking pending invitations: the link dies at once and the held seat is freed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from ..common import audit
from ..extensions import db
from ..models import Invitation, InvitationStatus
from ..models.types import utcnow
from .actions import PENDING, ActionOutcome, ActionPlan, Refusal, load_invitations


def plan_revoke(account_id: int, ids: list[int], now: datetime | None = None) -> ActionPlan:
    """Which invitations can be revoked: only those still pending (and not yet expired)."""
    now = now or utcnow()
    allowed, refused = [], []
    for inv in load_invitations(account_id, ids):
        status = inv.effective_status(now)
        if status == PENDING:
            allowed.append(inv)
        else:
            refused.append(Refusal(inv, "status", status))
    return ActionPlan("revoke", allowed, refused)


def revoke_invitations(
    account_id: int, actor_id: int, ids: list[int], now: datetime | None = None
) -> ActionOutcome:
    """Revoke the chosen pending invitations: their links stop working for good."""
    now = now or utcnow()
    plan = plan_revoke(account_id, ids, now)
    done, refused = [], list(plan.refused)
    for inv in plan.allowed:
        changed = db.session.execute(
            update(Invitation)
            .where(
                Invitation.id == inv.id,
                Invitation.account_id == account_id,
                Invitation.status == PENDING,
                Invitation.expires_at > now,
            )
            .values(status=InvitationStatus.REVOKED, revoked_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            refused.append(Refusal(inv, "changed"))
            continue
        audit.record(
            "revoked",
            account_id=account_id,
            actor_id=actor_id,
            subject_email=inv.email,
            invitation_id=inv.id,
        )
        done.append(inv.email)
    db.session.commit()
    return ActionOutcome(done, refused)
