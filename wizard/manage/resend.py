"""Resending invitations from the Pending tab: a new link and 30 more days, within the
seats and the daily quota; and the account's setting for automatic reminders.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accept import tokens
from ..common import audit
from ..delivery.outbox import queue_email
from ..extensions import db
from ..invite.batches import locales_of
from ..invite.quota import QuotaExceeded, invitation_quota
from ..models import (
    Account,
    DeliveryStatus,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    User,
    UserType,
)
from ..models.types import utcnow
from .actions import (
    PENDING,
    ActionOutcome,
    ActionPlan,
    ConcurrentChange,
    Refusal,
    load_invitations,
    users_by_id,
)
from .seats import locked_account, seat_count

# Resend brings back pending and expired invitations; revoked, accepted and declined stay.
RESENDABLE = (InvitationStatus.PENDING, InvitationStatus.EXPIRED)


class SeatsExceeded(Exception):
    """Resending these would hold more licenses than are free; nothing was done."""


def returning_licensed(invitations: list[Invitation], now: datetime) -> list[Invitation]:
    """The Licensed invitations that expired, so hold no license now, and would hold one
    again once resent (a pending one keeps the license it holds)."""
    return [
        inv
        for inv in invitations
        if inv.user_type == UserType.LICENSED
        and inv.effective_status(now) == InvitationStatus.EXPIRED
    ]


def plan_resend(account_id: int, ids: list[int], now: datetime | None = None) -> ActionPlan:
    """Which invitations can be resent (pending or expired, and nobody else pending)."""
    now = now or utcnow()
    invitations = load_invitations(account_id, ids)
    emails = {inv.email for inv in invitations}
    members = set(
        db.session.scalars(
            select(User.email).where(User.account_id == account_id, User.email.in_(emails))
        )
    )
    # The one-pending-per-address slot: whoever holds it now, or the newest chosen one.
    holders: dict[str, int] = dict(
        db.session.execute(
            select(Invitation.email, Invitation.id).where(
                Invitation.account_id == account_id,
                Invitation.status == PENDING,
                Invitation.email.in_(emails),
            )
        ).all()
    )
    # An invitation email not yet sent goes out with the newest link anyway (links are made
    # at delivery): a second one, from a double click or impatience, would only be noise.
    on_its_way = set(
        db.session.scalars(
            select(OutboxEmail.invitation_id).where(
                OutboxEmail.invitation_id.in_([inv.id for inv in invitations]),
                OutboxEmail.kind == "invitation",
                OutboxEmail.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)),
            )
        )
    )
    allowed, refused = [], []
    for inv in sorted(invitations, key=lambda i: -i.id):
        status = inv.effective_status(now)
        if status not in RESENDABLE:
            refused.append(Refusal(inv, "status", status))
        elif inv.id in on_its_way:
            refused.append(Refusal(inv, "on_its_way", status))
        elif inv.email in members:
            refused.append(Refusal(inv, "member", status))
        elif holders.setdefault(inv.email, inv.id) != inv.id:
            refused.append(Refusal(inv, "another_pending", status))
        else:
            allowed.append(inv)
    allowed = _by_email(allowed)
    return ActionPlan(
        "resend",
        allowed,
        sorted(refused, key=lambda r: (r.invitation.email, r.invitation.id)),
        new_expiry=now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
        returning_licensed=returning_licensed(allowed, now),
        free_seats=seat_count(db.session.get(Account, account_id)).free,
    )


def delivered_invitations(account_id: int, ids: list[int]) -> set[int]:
    """Which of these invitations of the account had an invitation email delivered."""
    return set(
        db.session.scalars(
            select(OutboxEmail.invitation_id).where(
                OutboxEmail.account_id == account_id,
                OutboxEmail.invitation_id.in_(ids),
                OutboxEmail.kind == "invitation",
                OutboxEmail.status == DeliveryStatus.SENT,
            )
        )
    )


def _by_email(invitations: list[Invitation]) -> list[Invitation]:
    return sorted(invitations, key=lambda i: (i.email, i.id))


def resend_invitations(
    account_id: int,
    actor_id: int,
    ids: list[int],
    now: datetime | None = None,
    *,
    as_basic: bool = False,
) -> ActionOutcome:
    """Send the chosen invitations again: a new link (the old one dies), valid in full again.

    Expired Licensed invitations hold no license, so they come back only if enough are free
    (counted under the account's lock, as Send does), or as Basic when `as_basic`."""
    now = now or utcnow()
    # The lock first, then the plan: two resends of one invitation at the same moment (two
    # tabs, a double click) see each other's email on its way, and only one goes out.
    account = locked_account(account_id)
    plan = plan_resend(account_id, ids, now)
    quota = invitation_quota(account_id, now)
    if not quota.allows(len(plan.allowed)):
        db.session.rollback()
        raise QuotaExceeded(quota)
    to_basic = {inv.id for inv in plan.returning_licensed} if as_basic else set()
    if not as_basic and len(plan.returning_licensed) > seat_count(account).free:
        db.session.rollback()
        raise SeatsExceeded
    inviters = users_by_id({inv.invited_by_id for inv in plan.allowed})
    locales = locales_of([inv.email for inv in plan.allowed], account.default_locale)
    delivered = delivered_invitations(account_id, [inv.id for inv in plan.allowed])
    done, refused = [], list(plan.refused)
    try:
        for inv in plan.allowed:
            link = SimpleNamespace()
            tokens.issue(link)
            changed = db.session.execute(
                update(Invitation)
                .where(
                    Invitation.id == inv.id,
                    Invitation.account_id == account_id,
                    Invitation.status.in_(RESENDABLE),
                )
                .values(
                    status=PENDING,
                    token_nonce=link.token_nonce,
                    token_hash=link.token_hash,
                    expires_at=plan.new_expiry,
                    sent_at=now,
                    user_type=UserType.BASIC if inv.id in to_basic else inv.user_type,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if not changed:
                refused.append(Refusal(inv, "changed"))
                continue
            inviter = inviters[inv.invited_by_id]
            queue_email(
                "invitation",
                inv.email,
                account_id=account_id,
                locale=locales[inv.email],
                invitation_id=inv.id,
                # A batch still going out counts a resend of one that never arrived; one
                # delivered before is done for the batch ("8 of 8 sent", not "7 of 8").
                batch_id=None if inv.id in delivered else inv.batch_id,
                context={
                    "business_name": account.name,
                    "inviter_name": inviter.display_name,
                    "inviter_email": inviter.email,
                    "invitee_name": inv.name,
                    "user_type": (UserType.BASIC if inv.id in to_basic else inv.user_type).value,
                    "expires_at": plan.new_expiry.isoformat(),
                },
            )
            audit.record(
                "resent",
                account_id=account_id,
                actor_id=actor_id,
                subject_email=inv.email,
                invitation_id=inv.id,
                details={
                    "expires_at": plan.new_expiry.isoformat(),
                    **({"user_type": "basic"} if inv.id in to_basic else {}),
                },
            )
            done.append(inv.email)
        db.session.commit()
    except IntegrityError as exc:
        # Another admin re-pended the same address in the same instant: the unique index
        # refused; nothing of this request is kept.
        db.session.rollback()
        raise ConcurrentChange from exc
    made_basic = [inv.email for inv in plan.returning_licensed if inv.id in to_basic]
    return ActionOutcome(done, refused, [email for email in made_basic if email in done])


# --- Reminders -----------------------------------------------------------------------------


def set_reminders(account_id: int, actor_id: int, enabled: bool) -> bool:
    """Turn the account's automatic reminder emails on or off; True if that changed anything."""
    account = db.session.get(Account, account_id)
    if account.reminders_enabled == enabled:
        return False
    account.reminders_enabled = enabled
    audit.record(
        "reminders_turned_on" if enabled else "reminders_turned_off",
        account_id=account_id,
        actor_id=actor_id,
    )
    db.session.commit()
    return True
