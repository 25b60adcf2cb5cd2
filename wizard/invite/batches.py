"""Sending: the heads-up of step 2, and the batch of invitations at the end of the wizard.

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

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..accept import tokens
from ..common.bulk import among, insert_rows
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
from .addresses import Entry, check_batch
from .drafts import (
    Pagination,
    Person,
    answers,
    completed_steps,
    conflicts,
    entry_to_dict,
    licensed_count,
    paginate,
    parse_time,
    people_input,
    people_of,
    store,
)
from .impact import SeatOutlook
from .quota import QuotaExceeded, invitation_quota, lock_account


def _lock(draft_id: int, account_id: int) -> WizardDraft:
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
    """Each address's language: their own if they have an account, else the business's."""
    known = db.session.execute(
        select(User.email, User.locale).where(among(User.email, emails))
    ).all()
    chosen = {email: locale for email, locale in known if locale}
    return {email: chosen.get(email, default) for email in emails}


def _audit_rows(action: str, account_id: int, actor_id: int, now, people, details, ids=None):
    return [
        {
            "account_id": account_id,
            "actor_id": actor_id,
            "action": action,
            "subject_email": person.email,
            "invitation_id": ids[i] if ids else None,
            "details": details(person),
            "created_at": now,
        }
        for i, person in enumerate(people)
    ]


# --- step 2: the heads-up ------------------------------------------------------------------


def default_heads_up(
    business_name: str,
    sender_name: str,
    valid_days: int,
    invitation_subject: str,
    guide_url: str = "",
) -> dict[str, str]:
    """The pre-filled message; {name} and {business} are filled in for each person."""
    return {
        "subject": _("Before you get an invitation from {business}"),
        "body": _(
            "Hello {name},\n\n"
            "In the next few days I will invite you to join the {business} business account. "
            "The invitation comes by email from Business Invite Wizard, so please look out "
            "for it (and check your spam folder if it does not arrive).\n\n"
            "Why: in the business account, {business} pays for your license, and your "
            "meetings, recordings and contacts are in one place with the rest of the team.\n\n"
            "Your subscription: if you pay for your own Pro plan today, it ends when you "
            "accept, and you choose what happens to the unused part: a refund to your "
            "payment method, or a credit to {business}. The invitation page shows the amount "
            "before you confirm anything.\n\n"
            "What moves with you: your profile, scheduled meetings, cloud recordings, chat "
            "history, contacts and settings. Reports do not move, so download any you want "
            "to keep first.\n\n"
        )
        + (
            _("How joining works, step by step: %(url)s", url=guide_url) + "\n\n"
            if guide_url
            else ""
        )
        + _("Look out for an email with the subject “%(subject)s”.", subject=invitation_subject)
        + " "
        + ngettext(
            "The link in the invitation works for %(num)d day. If you have questions, "
            "reply to this message.",
            "The link in the invitation works for %(num)d days. If you have questions, "
            "reply to this message.",
            valid_days,
        )
        + "\n\n"
        + _("Thank you,\n%(sender)s", sender=sender_name),
    }


def heads_up_message(data: dict[str, Any] | None, default: dict[str, str]) -> dict[str, str]:
    """The message as the owner last saved it, or the pre-filled one."""
    saved = answers(data, "heads_up")
    return {
        "subject": saved.get("subject") or default["subject"],
        "body": saved.get("body") or default["body"],
    }


def personalise(template: str, *, name: str, email: str, business: str) -> str:
    """Fill in {name} (the address when no name is known) and {business}; nothing else."""
    return template.replace("{name}", name or email).replace("{business}", business)


def save_heads_up_message(draft: WizardDraft, subject: str, body: str) -> None:
    """Keep the edited message without contacting anyone yet."""
    heads_up = dict(answers(draft.data, "heads_up"))
    heads_up.update(subject=subject, body=body)
    store(draft, heads_up=heads_up)
    db.session.commit()


def contact_people(
    draft_id: int,
    *,
    account: Account,
    sender: User,
    how: str,
    subject: str,
    body: str,
) -> int:
    """Mark everyone not yet contacted as contacted now; with how="app", queue each of them
    the personalised heads-up email. Returns how many people that was."""
    draft = _lock(draft_id, account.id)
    waiting = [p for p in people_of(draft.data) if not p.contacted_at]
    if how == "app" and waiting:
        lock_account(account.id)  # after the draft's lock, as at Send
        quota = invitation_quota(account.id, utcnow())
        if not quota.allows(len(waiting)):
            db.session.rollback()
            raise QuotaExceeded(quota)
    now = utcnow()
    # Read once, not per person: these are the same in every message.
    account_id, business = account.id, account.name
    sender_fields = {
        "business_name": business,
        "sender_name": sender.name,
        "sender_email": sender.email,
    }
    if how == "app" and waiting:
        locales = locales_of([p.email for p in waiting], account.default_locale)
        insert_rows(
            OutboxEmail.__table__,
            [
                {
                    "kind": "heads_up",
                    "to_address": p.email,
                    "account_id": account_id,
                    "locale": locales[p.email],
                    "context": {
                        "subject": personalise(
                            subject, name=p.name, email=p.email, business=business
                        ),
                        "body": personalise(body, name=p.name, email=p.email, business=business),
                        **sender_fields,
                    },
                    "status": DeliveryStatus.QUEUED,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for p in waiting
            ],
        )
    if waiting:
        insert_rows(
            AuditEvent.__table__,
            _audit_rows(
                "contacted",
                account_id,
                sender.id,
                now,
                waiting,
                lambda _p: {"how": how, "draft_id": draft_id},
            ),
        )
    heads_up = dict(answers(draft.data, "heads_up"))
    contacted = dict(heads_up.get("contacted", {}))
    contacted.update(dict.fromkeys((p.email for p in waiting), now.isoformat()))
    told = dict(heads_up.get("how", {}))
    told.update(dict.fromkeys((p.email for p in waiting), how))
    heads_up.update(subject=subject, body=body, contacted=contacted, how=told, skipped_at=None)
    store(draft, heads_up=heads_up)
    db.session.commit()
    return len(waiting)


def skip_heads_up(draft: WizardDraft, subject: str, body: str) -> None:
    """The owner confirmed they will not tell people first."""
    heads_up = dict(answers(draft.data, "heads_up"))
    heads_up.update(subject=subject, body=body, skipped_at=utcnow().isoformat())
    store(draft, heads_up=heads_up)
    db.session.commit()


def answer_heads_up(
    draft: WizardDraft, *, action: str, account: Account, sender: User, subject: str, body: str
) -> int:
    """Step 2's answer: "save" the message, "skip" the step, or contact everyone not yet
    contacted, from here ("send") or by the owner ("mark"). Returns how many were contacted."""
    if action == "save":
        save_heads_up_message(draft, subject, body)
        return 0
    if action == "skip":
        skip_heads_up(draft, subject, body)
        return 0
    how = "app" if action == "send" else "own"
    return contact_people(
        draft.id, account=account, sender=sender, how=how, subject=subject, body=body
    )


# --- the end: Send ------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    """What Send did: the batch (new or the one sent before), or the step to go back to."""

    batch_id: int | None = None
    already_sent: bool = False
    step: str | None = None
    reason: str | None = None  # "incomplete", "too_many", "people_changed", "seats", "quota"


def _reopen_people(draft: WizardDraft, people: list[Person], own_email: str) -> None:
    """Someone was invited or joined since step 1: show step 1 again with the problems."""
    entries = [Entry(p.source, p.line, p.label, p.email, p.name, p.user_type) for p in people]
    members, pending = conflicts(draft.account_id, {p.email for p in people})
    checked = check_batch(entries, own_email=own_email, members=members, pending=pending)
    stored = dict(people_input(draft.data))
    stored["problems"] = [entry_to_dict(e) for e in checked.problems]
    store(draft, people=None, people_input=stored)


def send_batch(
    draft_id: int, *, account: Account, inviter: User, valid_days: int, max_people: int
) -> SendOutcome:
    """Check every step again against the database as it is now, then create the invitations,
    their emails and audit events in one transaction. Sending a draft twice sends it once."""
    draft = _lock(draft_id, account.id)
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
        _reopen_people(draft, people, inviter.email)
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
        draft = _lock(draft_id, account.id)
        _reopen_people(draft, people, inviter.email)
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
    insert_rows(
        OutboxEmail.__table__,
        [
            {
                "kind": "invitation",
                "to_address": person.email,
                "account_id": account_id,
                "invitation_id": invitation_id,
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
        _audit_rows(
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
