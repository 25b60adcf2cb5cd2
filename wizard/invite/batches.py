"""Sending: the batch of invitations at the end of the wizard, and what the heads-up of
step 2 (contact.py) shares with it: the draft's row lock and the audit rows.

Both write a row or three per person, so both use bulk inserts in one transaction: a
9,999-person batch is a handful of statements, not tens of thousands. The inserts go to the
tables (Core), not through the ORM's bulk path, which costs several times more per row and
gives nothing back here: nothing needs the rows as objects afterwards. Both take the draft's
row lock first (an UPDATE, which locks on SQLite and PostgreSQL alike) and then re-read the
draft, so a double click waits for the first click and then finds its work done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..accept import tokens
from ..common.audit import check_action
from ..common.bulk import among, insert_rows
from ..delivery.outbox import wake_after_commit
from ..extensions import db
from ..manage.seats import seat_count
from ..models import (
    Account,
    AuditEvent,
    DeliveryStatus,
    Invitation,
    InvitationBatch,
    InvitationStatus,
    OutboxEmail,
    User,
    UserType,
    WizardDraft,
)
from ..models.types import utcnow
from .drafts import (
    Pagination,
    Person,
    answers,
    completed_steps,
    is_author,
    licensed_count,
    paginate,
    parse_time,
    people_of,
    store,
)
from .impact import SeatOutlook
from .people import conflicts, reopen_people
from .quota import invitation_quota, lock_account


def lock_draft(draft_id: int, account_id: int) -> WizardDraft:
    """Take the draft's row lock, then read it as it is now (after any other click)."""
    db.session.execute(
        update(WizardDraft)
        .where(WizardDraft.id == draft_id, WizardDraft.account_id == account_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(
        select(WizardDraft)
        .where(WizardDraft.id == draft_id, WizardDraft.account_id == account_id)
        .execution_options(populate_existing=True)
    ).scalar_one()


def locales_of(emails: list[str], default: str) -> dict[str, str]:
    """Each address's language: the one their account keeps (the person's own choice, else
    their account's), else `default` (the business's)."""
    known = db.session.execute(
        select(User.email, User.locale, Account.default_locale)
        .join(Account, Account.id == User.account_id)
        .where(among(User.email, emails))
    ).all()
    chosen = {email: own or account for email, own, account in known if own or account}
    return {email: chosen.get(email, default) for email in emails}


def audit_rows(action: str, account_id: int, actor_id: int, now, people, details, ids=None):
    """One audit row per person, for a bulk insert."""
    return [
        {
            "account_id": account_id,
            "actor_id": actor_id,
            "action": check_action(action),
            "subject_email": person.email,
            "invitation_id": ids[i] if ids else None,
            "details": details(person),
            "created_at": now,
        }
        for i, person in enumerate(people)
    ]


# --- the end: Send ------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    """What Send did: the batch (new or the one sent before), or the step to go back to."""

    batch_id: int | None = None
    already_sent: bool = False
    step: str | None = None
    # "not_author", "incomplete", "too_many", "people_changed", "seats", "quota"
    reason: str | None = None


def send_batch(
    draft_id: int, *, account: Account, inviter: User, valid_days: int, max_people: int
) -> SendOutcome:
    """Check every step again against the database as it is now, then create the invitations,
    their emails and audit events in one transaction. Sending a draft twice sends it once.
    Only the draft's author sends it, so the inviter is always whoever wrote the list."""
    draft = lock_draft(draft_id, account.id)
    if not is_author(draft, inviter.id):
        db.session.rollback()
        return SendOutcome(reason="not_author")
    if draft.sent_batch_id is not None:
        db.session.rollback()
        return SendOutcome(draft.sent_batch_id, already_sent=True)
    done = completed_steps(draft.data)
    for step in ("people", "heads_up", "licenses"):
        if not done[step]:
            db.session.rollback()
            return SendOutcome(step=step, reason="incomplete")
    people = people_of(draft.data)
    if len(people) > max_people:
        db.session.rollback()
        return SendOutcome(step="people", reason="too_many")
    emails = [p.email for p in people]
    members, pending = conflicts(account.id, set(emails))
    if members & set(emails) or pending & set(emails) or inviter.email in emails:
        reopen_people(draft, own_email=inviter.email)
        db.session.commit()
        return SendOutcome(step="people", reason="people_changed")
    lock_account(account.id)  # after the draft's lock, always in this order
    if not invitation_quota(account.id, utcnow()).allows(len(people)):
        db.session.rollback()
        return SendOutcome(step="check", reason="quota")
    seats = seat_count(account)
    outlook = SeatOutlook(seats.purchased, seats.in_use, seats.pending, licensed_count(people))
    if not outlook.fits:
        licenses = dict(answers(draft.data, "licenses"))
        licenses.pop("confirmed", None)
        store(draft, licenses=licenses)
        db.session.commit()
        return SendOutcome(step="licenses", reason="seats")

    now = utcnow()
    batch = InvitationBatch(
        account_id=account.id,
        created_by_id=inviter.id,
        draft_id=draft.id,
        size=len(people),
        created_at=now,
    )
    db.session.add(batch)
    try:
        db.session.flush()
    except IntegrityError:  # another Send of this draft won the race: it is sent
        db.session.rollback()
        batch_id = db.session.scalar(
            select(InvitationBatch.id).where(InvitationBatch.draft_id == draft_id)
        )
        return SendOutcome(batch_id, already_sent=True)
    try:
        _create_invitations(
            batch,
            people,
            account=account,
            inviter=inviter,
            now=now,
            expires_at=now + timedelta(days=valid_days),
        )
    except IntegrityError:  # invited by someone else a moment ago (one pending per address)
        db.session.rollback()
        draft = lock_draft(draft_id, account.id)
        reopen_people(draft, own_email=inviter.email)
        db.session.commit()
        return SendOutcome(step="people", reason="people_changed")
    draft.sent_batch_id = batch.id
    db.session.commit()
    return SendOutcome(batch.id)


def _create_invitations(batch, people: list[Person], *, account, inviter, now, expires_at):
    emails = [p.email for p in people]
    batch_id, account_id, inviter_id = batch.id, account.id, inviter.id  # read once, not per row
    # A pending invitation past its date reads as expired; make it so, so the new one can be
    # the address's one pending invitation.
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.account_id == account_id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at <= now,
            among(Invitation.email, emails),
        )
        .values(status=InvitationStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    rows = []
    for person in people:
        token_holder = SimpleNamespace()
        tokens.issue(token_holder)
        rows.append(
            {
                "account_id": account_id,
                "batch_id": batch_id,
                "email": person.email,
                "name": person.name,
                "user_type": UserType(person.user_type),
                "status": InvitationStatus.PENDING,
                "invited_by_id": inviter_id,
                "token_nonce": token_holder.token_nonce,
                "token_hash": token_holder.token_hash,
                "created_at": now,
                "sent_at": now,  # queued now; as a resend records it
                "expires_at": expires_at,
                "contacted_at": parse_time(person.contacted_at),
            }
        )
    # Bulk rows, no RETURNING (in parameter order it makes SQLite insert one row per
    # statement): the addresses of a batch are unique, so one SELECT maps them to their ids.
    insert_rows(Invitation.__table__, rows)
    id_of = dict(
        db.session.execute(
            select(Invitation.email, Invitation.id).where(Invitation.batch_id == batch_id)
        ).all()
    )
    ids = [id_of[person.email] for person in people]
    locales = locales_of(emails, account.default_locale)
    from_whom = _from_whom(account, inviter, expires_at)  # the same for everyone: once
    wake_after_commit()  # the worker sends them the moment this commits
    insert_rows(
        OutboxEmail.__table__,
        [
            {
                "kind": "invitation",
                "to_address": person.email,
                "account_id": account_id,
                "invitation_id": invitation_id,
                "batch_id": batch_id,
                "locale": locales[person.email],
                "context": {
                    **from_whom,
                    "invitee_name": person.name,
                    "user_type": person.user_type,
                },
                "status": DeliveryStatus.QUEUED,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for person, invitation_id in zip(people, ids, strict=True)
        ],
    )
    insert_rows(
        AuditEvent.__table__,
        audit_rows(
            "invited",
            account_id,
            inviter_id,
            now,
            people,
            lambda p: {"batch_id": batch_id, "user_type": p.user_type},
            ids,
        ),
    )


def _from_whom(account: Account, inviter: User, expires_at) -> dict:
    return {
        "business_name": account.name,
        "inviter_name": inviter.name,
        "inviter_email": inviter.email,
        "expires_at": expires_at.isoformat(),
    }


def invitation_context(account: Account, inviter: User, person: Person, expires_at) -> dict:
    """What the invitation email's templates get (no secrets: the link is made at delivery)."""
    return {
        **_from_whom(account, inviter, expires_at),
        "invitee_name": person.name,
        "user_type": person.user_type,
    }


# --- after Send ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSummary:
    batch: InvitationBatch
    licensed: int
    basic: int
    contacted: int
    expires_at: Any
    invitations: list[Invitation]  # the page of the list being shown
    pagination: Pagination


def batch_summary(batch_id: int, account_id: int, page: int | None) -> BatchSummary:
    """A sent batch: counts, and one page of its invitations."""
    batch = db.session.execute(
        select(InvitationBatch).where(
            InvitationBatch.id == batch_id, InvitationBatch.account_id == account_id
        )
    ).scalar_one()
    in_batch = (Invitation.batch_id == batch.id, Invitation.account_id == account_id)
    counts = db.session.execute(
        select(
            func.count().filter(Invitation.user_type == UserType.LICENSED),
            func.count().filter(Invitation.user_type == UserType.BASIC),
            func.count(Invitation.contacted_at),
            func.max(Invitation.expires_at),
        ).where(*in_batch)
    ).one()
    pagination = paginate(batch.size, page)
    invitations = db.session.scalars(
        select(Invitation)
        .where(*in_batch)
        .order_by(Invitation.id)
        .limit(pagination.per_page)
        .offset(pagination.start)
    ).all()
    return BatchSummary(
        batch, counts[0], counts[1], counts[2], _aware(counts[3]), list(invitations), pagination
    )


def _aware(value):
    # func.max() bypasses the column type, so SQLite hands back text or a naive datetime.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
