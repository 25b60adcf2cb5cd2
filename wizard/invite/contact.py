"""Step 2, contacting people first: the owner's heads-up message before the invitation, sent
through the app (bulk inserts in one transaction under the draft's row lock, as for Send),
marked as sent personally, or skipped with a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ..common.bulk import insert_rows
from ..delivery.outbox import wake_after_commit
from ..extensions import db
from ..models import Account, AuditEvent, DeliveryStatus, OutboxEmail, User, WizardDraft
from ..models.types import utcnow
from .addresses import BASIC, LICENSED
from .batches import audit_rows, locales_of, lock_draft
from .drafts import NotYourDraft, Person, answers, is_author, people_of, store
from .licenses import outside_verified_domains
from .quota import (
    HeadsUpCap,
    HeadsUpCapExceeded,
    QuotaExceeded,
    heads_up_outside_quota,
    invitation_quota,
    lock_account,
)


def default_heads_up(
    business_name: str,
    sender_name: str,
    valid_days: int,
    invitation_subject: str,
    guide_url: str = "",
    sso_url: str = "",
    user_type: str | None = None,
) -> dict[str, str]:
    """The pre-filled message; {name} and {business} are filled in for each person. It says
    why to join in the words for the reader's `user_type`; None gives the words true for
    both (the message in the box, which goes to everyone once the owner changes it)."""
    return {
        "subject": _("Before you get an invitation from {business}"),
        "body": _(
            "Hello {name},\n\n"
            "In the next few days I will invite you to join the {business} business account. "
            "The invitation comes by email from Business Invite Wizard, so please look out "
            "for it (and check your spam folder if it does not arrive).\n\n"
        )
        + _why_join(user_type)
        + "\n\n"
        + _(
            "Your subscription: if you pay for your own Pro plan today, it ends when you "
            "accept, and you choose what happens to the unused part: a refund to your "
            "payment method, or a credit to {business}. The invitation page shows the amount "
            "before you confirm anything.\n\n"
            "What moves with you: your profile, scheduled meetings, cloud recordings, chat "
            "history, contacts and settings. Reports do not move, so download any you want "
            "to keep first.\n\n"
        )
        + (
            _("What joining means for you, in a short guide: %(url)s", url=guide_url) + "\n\n"
            if guide_url
            else ""
        )
        + (
            _(
                "You can also join without waiting for the email: sign in with your work "
                "address through our company sign-in (single sign-on) at %(url)s. You still "
                "see the refund amount and choose before anything changes.",
                url=sso_url,
            )
            + "\n\n"
            if sso_url
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


def _why_join(user_type: str | None) -> str:
    """Why join, true for the reader: only a Licensed person has a license paid for them; a
    Basic one is told what they lose, and that a license can come later."""
    if user_type == LICENSED:
        return _(
            "Why: in the business account, {business} pays for your license, and your "
            "meetings, recordings and contacts are in one place with the rest of the team."
        )
    why = _(
        "Why: in the business account, your meetings, recordings and contacts are in one "
        "place with the rest of the team."
    )
    if user_type == BASIC:
        why += " " + _(
            "You join as a Basic user: meetings with 3 or more people end after 40 minutes, "
            "and there is no cloud recording (your cloud recordings still move with you). "
            "{business} can give you a license later."
        )
    return why


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


# The pre-filled message in a given language for a given user type (a function of the
# locale and the type), for each reader while the owner has not changed it.
DefaultIn = Callable[[str, str], dict[str, str]]


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def is_unchanged(subject: str, body: str, shown_default: dict[str, str]) -> bool:
    """Whether the message is still the pre-filled one the owner was shown."""
    return _same_text(subject, shown_default["subject"]) and _same_text(
        body, shown_default["body"]
    )


def messages_for(
    people: Iterable[Person],
    *,
    subject: str,
    body: str,
    business: str,
    locales: dict[str, str],
    default_in: DefaultIn | None = None,
    shown_default: dict[str, str] | None = None,
) -> list[tuple[Person, str, str]]:
    """(person, subject, body) for each person, personalised. While the owner has not changed
    the pre-filled message, each person reads it in their own language (it names the
    invitation's subject as that person will see it) and in the words for their user type;
    words the owner wrote go as written."""
    translate = (
        default_in is not None
        and shown_default is not None
        and is_unchanged(subject, body, shown_default)
    )
    in_language: dict[tuple[str, str], dict[str, str]] = {}
    result = []
    for person in people:
        message = {"subject": subject, "body": body}
        if translate:
            key = (locales.get(person.email, ""), person.user_type)
            if key not in in_language:
                in_language[key] = default_in(*key)
            message = in_language[key]
        fill = {"name": person.name, "email": person.email, "business": business}
        result.append(
            (person, personalise(message["subject"], **fill), personalise(message["body"], **fill))
        )
    return result


def heads_up_cap(account_id: int, emails: list[str]) -> HeadsUpCap:
    """Whether a heads-up to `emails` fits the cap for addresses outside the verified domains."""
    outside = outside_verified_domains(account_id, emails)
    return HeadsUpCap(heads_up_outside_quota(account_id, utcnow()), len(outside))


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
    default_in: DefaultIn | None = None,
    shown_default: dict[str, str] | None = None,
) -> int:
    """Mark everyone not yet contacted as contacted now; with how="app", queue each of them
    the personalised heads-up email, in their language while the message is the pre-filled
    one (see messages_for). Returns how many people that was."""
    draft = lock_draft(draft_id, account.id)
    if not is_author(draft, sender.id):
        db.session.rollback()
        raise NotYourDraft
    waiting = [p for p in people_of(draft.data) if not p.contacted_at]
    if how == "app" and waiting:
        lock_account(account.id)  # after the draft's lock, as at Send
        quota = invitation_quota(account.id, utcnow())
        if not quota.allows(len(waiting)):
            db.session.rollback()
            raise QuotaExceeded(quota)
        outside = set(outside_verified_domains(account.id, [p.email for p in waiting]))
        cap = HeadsUpCap(heads_up_outside_quota(account.id, utcnow()), len(outside))
        if not cap.fits:
            db.session.rollback()
            raise HeadsUpCapExceeded(cap)
    else:
        outside = set()
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
        wake_after_commit()  # the worker sends them the moment this commits
        messages = messages_for(
            waiting,
            subject=subject,
            body=body,
            business=business,
            locales=locales,
            default_in=default_in,
            shown_default=shown_default,
        )
        insert_rows(
            OutboxEmail.__table__,
            [
                {
                    "kind": "heads_up",
                    "to_address": p.email,
                    "account_id": account_id,
                    "locale": locales[p.email],
                    "context": {"subject": p_subject, "body": p_body, **sender_fields},
                    "status": DeliveryStatus.QUEUED,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for p, p_subject, p_body in messages
            ],
        )
    if waiting:
        insert_rows(
            AuditEvent.__table__,
            audit_rows(
                "contacted",
                account_id,
                sender.id,
                now,
                waiting,
                # "outside": counted against HEADS_UP_OUTSIDE_DOMAINS_PER_DAY (quota.py).
                lambda p: {"how": how, "draft_id": draft_id}
                | ({"outside": True} if p.email in outside else {}),
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
    draft: WizardDraft,
    *,
    action: str,
    account: Account,
    sender: User,
    subject: str,
    body: str,
    default_in: DefaultIn | None = None,
    shown_default: dict[str, str] | None = None,
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
        draft.id,
        account=account,
        sender=sender,
        how=how,
        subject=subject,
        body=body,
        default_in=default_in,
        shown_default=shown_default,
    )
