"""Revoking pending invitations: the link dies at once and the held seat is freed.

Nobody is told unless the person revoking asks for it: then each invitee gets an email, in
their language, saying that the invitation was withdrawn and what that means for them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from ..common import audit
from ..delivery.outbox import queue_email
from ..extensions import db
from ..invite.batches import locales_of
from ..models import Account, Invitation, InvitationStatus, User
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
    account_id: int,
    actor_id: int,
    ids: list[int],
    now: datetime | None = None,
    *,
    tell: bool = False,
    note: str = "",
) -> ActionOutcome:
    """Revoke the chosen pending invitations: their links stop working for good. With
    `tell`, each person gets an email saying so (with `note`, if any), in their language."""
    now = now or utcnow()
    plan = plan_revoke(account_id, ids, now)
    done, refused = [], list(plan.refused)
    tell_them = _withdrawal_email(account_id, actor_id, plan.allowed, note) if tell else None
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
            details={"told": True} if tell_them else None,
        )
        if tell_them:
            tell_them(inv)
        done.append(inv.email)
    db.session.commit()
    return ActionOutcome(done, refused)


def _withdrawal_email(account_id: int, actor_id: int, invitations: list[Invitation], note: str):
    """A function that queues the "invitation withdrawn" email to one revoked invitee."""
    account = db.session.get(Account, account_id)
    actor = db.session.get(User, actor_id)
    locales = locales_of([inv.email for inv in invitations], account.default_locale)

    def tell(inv: Invitation) -> None:
        queue_email(
            "invitation_withdrawn",
            inv.email,
            account_id=account_id,
            locale=locales[inv.email],
            invitation_id=inv.id,
            context={
                "business_name": account.name,
                "withdrawn_by_name": actor.display_name,
                "withdrawn_by_email": actor.email,
                "invitee_name": inv.name,
                "note": note,
            },
        )

    return tell
