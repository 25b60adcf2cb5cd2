"""After sending: resend and revoke invitations, licenses for members, reminders, history.

Every function takes the account id explicitly and answers NotFound for anything that is not
that account's, so the views can answer 404 without saying whether it exists elsewhere.
State changes are conditional UPDATEs (`... WHERE status = 'pending'`): an action that races
an acceptance changes nothing rather than overwriting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..accept import tokens
from ..common import audit
from ..common.paging import Page, paginate
from ..delivery.outbox import queue_email
from ..extensions import db
from ..invite.quota import QuotaExceeded, invitation_quota, lock_account
from ..models import (
    Account,
    AuditEvent,
    DeliveryStatus,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Role,
    User,
    UserType,
)
from ..models.types import utcnow
from .seats import SeatCount, seat_count

PENDING = InvitationStatus.PENDING
# Resend brings back pending and expired invitations; revoked, accepted and declined stay.
RESENDABLE = (InvitationStatus.PENDING, InvitationStatus.EXPIRED)
# More than a page of the Pending tab, fewer than would make one slow request.
MAX_SELECTION = 500


class NotFound(LookupError):
    """Not one of the account's objects: the view answers 404, as for one that never was."""


class ConcurrentChange(RuntimeError):
    """Someone else changed the same invitations at the same moment; nothing was saved."""


@dataclass(frozen=True)
class Refusal:
    invitation: Invitation
    # "status": its (effective) status forbids it; "member": already in the account;
    # "on_its_way": an invitation email to them is still queued or being retried;
    # "another_pending": a newer invitation to the address is pending; "changed": it changed
    # between the confirmation page and now.
    reason: str
    status: InvitationStatus | None = None


@dataclass(frozen=True)
class ActionPlan:
    """What an action would do to the chosen invitations, shown before it is confirmed."""

    action: str
    allowed: list[Invitation]
    refused: list[Refusal]
    new_expiry: datetime | None = None


@dataclass(frozen=True)
class ActionOutcome:
    done: list[str]
    refused: list[Refusal]


def refusal_message(refusal: Refusal) -> str:
    """Why an invitation cannot be resent or revoked, in words for the owner."""
    email = refusal.invitation.email
    if refusal.reason == "member":
        return _("%(email)s is already a member of this account.", email=email)
    if refusal.reason == "another_pending":
        return _("%(email)s already has a newer invitation that is pending.", email=email)
    if refusal.reason == "on_its_way":
        return _(
            "%(email)s: an invitation email is still on its way, with the newest link.",
            email=email,
        )
    if refusal.reason == "changed":
        return _(
            "%(email)s: the invitation changed in the meantime. Nothing was done.", email=email
        )
    return {
        InvitationStatus.PENDING: _("%(email)s: the invitation is still pending.", email=email),
        InvitationStatus.ACCEPTED: _("%(email)s has already accepted.", email=email),
        InvitationStatus.DECLINED: _("%(email)s has declined the invitation.", email=email),
        InvitationStatus.EXPIRED: _("%(email)s: the invitation has already expired.", email=email),
        InvitationStatus.REVOKED: _("%(email)s: the invitation was revoked.", email=email),
    }.get(refusal.status, _("%(email)s cannot be changed.", email=email))


def parse_ids(values: list[str] | str | None) -> list[int]:
    """Invitation ids from checkboxes or a hidden "1,2,3" field; anything else is ignored."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and 0 < len(part) < 19 and int(part) not in ids:
                ids.append(int(part))
    return ids[:MAX_SELECTION]


def load_invitations(account_id: int, ids: list[int]) -> list[Invitation]:
    """The account's invitations with these ids, by address; NotFound if any is not its."""
    found = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.account_id == account_id, Invitation.id.in_(ids))
            .order_by(Invitation.email, Invitation.id)
        )
    )
    if len(found) != len(set(ids)):
        raise NotFound
    return found


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
    return ActionPlan(
        "resend",
        _by_email(allowed),
        sorted(refused, key=lambda r: (r.invitation.email, r.invitation.id)),
        new_expiry=now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )


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


def _by_email(invitations: list[Invitation]) -> list[Invitation]:
    return sorted(invitations, key=lambda i: (i.email, i.id))


def resend_invitations(
    account_id: int, actor_id: int, ids: list[int], now: datetime | None = None
) -> ActionOutcome:
    """Send the chosen invitations again: a new link (the old one dies), valid in full again."""
    now = now or utcnow()
    plan = plan_resend(account_id, ids, now)
    lock_account(account_id)
    quota = invitation_quota(account_id, now)
    if not quota.allows(len(plan.allowed)):
        db.session.rollback()
        raise QuotaExceeded(quota)
    account = db.session.get(Account, account_id)
    inviters = _users_by_id({inv.invited_by_id for inv in plan.allowed})
    locales = dict(
        db.session.execute(
            select(User.email, User.locale).where(
                User.email.in_({inv.email for inv in plan.allowed})
            )
        ).all()
    )
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
                locale=locales.get(inv.email) or account.default_locale,
                invitation_id=inv.id,
                context={
                    "business_name": account.name,
                    "inviter_name": inviter.display_name,
                    "inviter_email": inviter.email,
                    "invitee_name": inv.name,
                    "user_type": inv.user_type.value,
                    "expires_at": plan.new_expiry.isoformat(),
                },
            )
            audit.record(
                "resent",
                account_id=account_id,
                actor_id=actor_id,
                subject_email=inv.email,
                invitation_id=inv.id,
                details={"expires_at": plan.new_expiry.isoformat()},
            )
            done.append(inv.email)
        db.session.commit()
    except IntegrityError as exc:
        # Another admin re-pended the same address in the same instant: the unique index
        # refused; nothing of this request is kept.
        db.session.rollback()
        raise ConcurrentChange from exc
    return ActionOutcome(done, refused)


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


def _users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --- History -------------------------------------------------------------------------------


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


# --- Members and licenses ------------------------------------------------------------------


@dataclass(frozen=True)
class MembersPage:
    page: Page
    seats: SeatCount


ROLE_ORDER = case((User.role == Role.OWNER, 0), (User.role == Role.ADMIN, 1), else_=2)


def members_page(account: Account, search: str = "", number: int = 1) -> MembersPage:
    """The account's members, owners first, then admins, then members, each by name.

    The sort (and a search) reads only the (account, user type, role, name, email) index,
    never the wide rows of 10,000 people; the 50 shown are loaded afterwards by id.
    """
    query = select(User.id).where(User.account_id == account.id)
    if search:
        needle = search.strip().lower()
        query = query.where(
            or_(
                User.email.contains(needle, autoescape=True),
                func.lower(User.name).contains(needle, autoescape=True),
            )
        )
    by_name = case((User.name == "", User.email), else_=func.lower(User.name))
    page = paginate(
        query.order_by(ROLE_ORDER, by_name, User.id),
        number,
        scalars=True,
        count_in_page=bool(search),
    )
    members = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(page.items)))}
        if page.items
        else {}
    )
    shown = [members[user_id] for user_id in page.items]
    return MembersPage(
        page=Page(shown, page.number, page.per_page, page.total), seats=seat_count(account)
    )


@dataclass(frozen=True)
class LicenseChange:
    member: User
    changed: bool
    # "already_licensed", "already_basic", "no_free_seats" when nothing changed
    reason: str = ""


def find_member(account_id: int, user_id: int) -> User:
    """A member of the account, or NotFound."""
    member = db.session.execute(
        select(User).where(User.id == user_id, User.account_id == account_id)
    ).scalar_one_or_none()
    if member is None:
        raise NotFound
    return member


def _locked_account(account_id: int) -> Account:
    # Serialises license changes per account on PostgreSQL, so two admins cannot both take
    # the last free seat. (SQLite has one writer at a time anyway.)
    return db.session.execute(
        select(Account).where(Account.id == account_id).with_for_update()
    ).scalar_one()


def assign_license(account_id: int, actor_id: int, user_id: int) -> LicenseChange:
    """Give a Basic member a license, if a seat is free."""
    account = _locked_account(account_id)
    member = find_member(account_id, user_id)
    if member.user_type == UserType.LICENSED:
        db.session.rollback()
        return LicenseChange(member, False, "already_licensed")
    if seat_count(account).free < 1:
        db.session.rollback()
        return LicenseChange(member, False, "no_free_seats")
    return _set_user_type(account_id, actor_id, member, UserType.LICENSED, "license_assigned")


def remove_license(account_id: int, actor_id: int, user_id: int) -> LicenseChange:
    """Take a member's license back: they become Basic and the seat is free again."""
    _locked_account(account_id)
    member = find_member(account_id, user_id)
    if member.user_type == UserType.BASIC:
        db.session.rollback()
        return LicenseChange(member, False, "already_basic")
    return _set_user_type(account_id, actor_id, member, UserType.BASIC, "license_removed")


def _set_user_type(
    account_id: int, actor_id: int, member: User, user_type: UserType, action: str
) -> LicenseChange:
    previous = UserType.BASIC if user_type == UserType.LICENSED else UserType.LICENSED
    changed = db.session.execute(
        update(User)
        .where(User.id == member.id, User.account_id == account_id, User.user_type == previous)
        .values(user_type=user_type)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        audit.record(
            action,
            account_id=account_id,
            actor_id=actor_id,
            subject_email=member.email,
            details={"name": member.name},
        )
    db.session.commit()
    return LicenseChange(member, bool(changed), "" if changed else "changed")


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
