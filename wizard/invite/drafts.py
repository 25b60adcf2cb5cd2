"""The wizard's server-side draft: the steps, what each has saved, and which comes next.

Steps are declared once, in order. Each step saves only validated answers under its name in
`WizardDraft.data`; a step is complete when its answers still hold for the steps before it
(adding people after the heads-up went out makes the heads-up step incomplete again). A step
further on than the first incomplete one cannot be opened.

`data` holds:
  people_input  what was typed and uploaded, with the problems found (kept even with problems)
  people        {"default_type", "people": [{"email", "name", "type", "source", "line"}],
                 "left_out"}: the validated list
  heads_up      {"subject", "body", "contacted": {email: iso time}, "how": {email: "app"|"own"},
                 "skipped_at"}
  licenses      {"overrides": {email: type}, "confirmed": digest of the types confirmed}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..common.bulk import among
from ..extensions import db
from ..manage.seats import seat_count
from ..models import (
    Account,
    AccountKind,
    Invitation,
    InvitationStatus,
    Subscription,
    User,
    VerifiedDomain,
    WizardDraft,
)
from ..models.types import utcnow
from .addresses import (
    BASIC,
    LICENSED,
    CheckedBatch,
    Entry,
    Problem,
    check_batch,
    domain_of,
    parse_text,
)
from .impact import (
    CurrentPlan,
    ImpactSummary,
    PersonImpact,
    SeatOutlook,
    licensed_to_make_basic,
    person_impact,
    summarise,
)


@dataclass(frozen=True)
class Step:
    name: str
    endpoint: str
    title: Any  # a lazy string


STEPS: tuple[Step, ...] = (
    Step("people", "wizard.people", _l("Who to invite")),
    Step("heads_up", "wizard.heads_up", _l("Tell them first")),
    Step("licenses", "wizard.licenses", _l("Licenses")),
    Step("check", "wizard.check", _l("Check and send")),
)
STEP_NAMES = tuple(step.name for step in STEPS)


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str
    user_type: str
    source: str
    line: int
    contacted_at: str | None = None
    contacted_how: str | None = None  # "app": the heads-up went from here; "own": by the owner

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


# --- reading a draft (pure) --------------------------------------------------------------


def answers(data: dict[str, Any] | None, step: str) -> dict[str, Any]:
    return (data or {}).get(step) or {}


def people_of(data: dict[str, Any] | None) -> list[Person]:
    """The validated people with the user type each will get and when they were contacted."""
    people = answers(data, "people")
    default = people.get("default_type", BASIC)
    overrides = answers(data, "licenses").get("overrides", {})
    heads_up = answers(data, "heads_up")
    contacted, how = heads_up.get("contacted", {}), heads_up.get("how", {})
    return [
        Person(
            email=p["email"],
            name=p.get("name", ""),
            user_type=overrides.get(p["email"]) or p.get("type") or default,
            source=p.get("source", "text"),
            line=p.get("line", 0),
            contacted_at=contacted.get(p["email"]),
            contacted_how=how.get(p["email"]),
        )
        for p in people.get("people", [])
    ]


def user_types(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(email, user type) of everyone, cheaply: the step checks run on every page."""
    people = answers(data, "people")
    default = people.get("default_type", BASIC)
    overrides = answers(data, "licenses").get("overrides", {})
    return [
        (p["email"], overrides.get(p["email"]) or p.get("type") or default)
        for p in people.get("people", [])
    ]


def types_digest(types: list[tuple[str, str]]) -> str:
    """A fingerprint of who gets which type: a confirmed license step holds only for it."""
    text = "\n".join(f"{email}:{user_type}" for email, user_type in types)
    return hashlib.sha256(text.encode()).hexdigest()


def completed_steps(data: dict[str, Any] | None) -> dict[str, bool]:
    """Which steps hold, given everything before them."""
    types = user_types(data)
    heads_up = answers(data, "heads_up")
    contacted = heads_up.get("contacted", {})
    return {
        "people": bool(types),
        "heads_up": bool(types)
        and (bool(heads_up.get("skipped_at")) or all(e in contacted for e, _t in types)),
        "licenses": bool(types)
        and answers(data, "licenses").get("confirmed") == types_digest(types),
        "check": False,  # done only by sending
    }


def first_incomplete_step(data: dict[str, Any] | None) -> str:
    """Where the owner has to go next."""
    done = completed_steps(data)
    return next(name for name in STEP_NAMES if not done[name])


def can_open(data: dict[str, Any] | None, step: str) -> bool:
    """Steps up to the first incomplete one can be opened; later ones cannot be skipped to."""
    return STEP_NAMES.index(step) <= STEP_NAMES.index(first_incomplete_step(data))


def previous_step(step: str) -> Step | None:
    index = STEP_NAMES.index(step)
    return STEPS[index - 1] if index else None


def store(draft: WizardDraft, **parts: Any) -> None:
    # A new dict, so SQLAlchemy sees the JSON change.
    data = dict(draft.data or {})
    for key, value in parts.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    draft.data = data


# --- starting ------------------------------------------------------------------------------


def open_draft(account_id: int, user_id: int) -> WizardDraft | None:
    """The person's latest draft that was not sent, if any."""
    return db.session.execute(
        select(WizardDraft)
        .where(
            WizardDraft.account_id == account_id,
            WizardDraft.created_by_id == user_id,
            WizardDraft.sent_batch_id.is_(None),
        )
        .order_by(WizardDraft.updated_at.desc(), WizardDraft.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def start_draft(account_id: int, user_id: int, *, start_over: bool = False) -> WizardDraft:
    """Continue the open draft, or (start over) empty it and begin again."""
    draft = open_draft(account_id, user_id)
    if draft is None:
        draft = WizardDraft(account_id=account_id, created_by_id=user_id, data={})
        db.session.add(draft)
    elif start_over:
        draft.data = {}
        draft.created_at = utcnow()
    db.session.commit()
    return draft


# --- step 1: who ---------------------------------------------------------------------------


def conflicts(account_id: int, emails: set[str]) -> tuple[set[str], set[str]]:
    """Of these addresses: the account's members, and those with a pending invitation.

    Two statements whatever the number of addresses (one IN list each; a batch is at most
    MAX_BATCH_SIZE, well below the bind-parameter limits of SQLite and PostgreSQL).
    """
    members = db.session.scalars(
        select(User.email).where(User.account_id == account_id, among(User.email, emails))
    )
    pending = db.session.scalars(
        select(Invitation.email).where(
            Invitation.account_id == account_id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > utcnow(),
            among(Invitation.email, emails),
        )
    )
    return set(members), set(pending)


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    return {
        "source": entry.source,
        "line": entry.line,
        "raw": entry.raw,
        "email": entry.email,
        "name": entry.name,
        "type": entry.user_type,
        "problem": {"code": entry.problem.code, "params": entry.problem.params}
        if entry.problem
        else None,
    }


def entry_from_dict(d: dict[str, Any]) -> Entry:
    problem = d.get("problem")
    return Entry(
        d["source"],
        d["line"],
        d.get("raw", ""),
        d.get("email", ""),
        d.get("name", ""),
        d.get("type"),
        Problem(problem["code"], problem.get("params", {})) if problem else None,
    )


@dataclass(frozen=True)
class PeopleOutcome:
    saved: bool  # the step is complete: on to the next
    error: str | None = None  # "empty" or "too_many": nothing could be checked
    field: str = "addresses"
    count: int = 0  # how many people were given


def people_input(data: dict[str, Any] | None) -> dict[str, Any]:
    return answers(data, "people_input")


def save_people(
    draft: WizardDraft,
    *,
    text: str,
    default_type: str,
    csv_upload: tuple[str, list[Entry]] | None,
    remove_file: bool,
    leave_out_problems: bool,
    own_email: str,
    max_people: int,
) -> PeopleOutcome:
    """Read and check the people; keep everything given, and complete the step when nothing
    is wrong (or the owner chose to leave the lines with problems out)."""
    stored = people_input(draft.data).get("csv")
    if csv_upload is not None:
        csv_part = {"filename": csv_upload[0], "entries": [entry_to_dict(e) for e in csv_upload[1]]}
    else:
        csv_part = None if remove_file else stored
    entries = parse_text(text)
    if csv_part:
        entries += [entry_from_dict(d) for d in csv_part["entries"]]
    # Nothing to check, or too much: nothing is saved, and the page shows what was typed.
    if not entries:
        return PeopleOutcome(False, "empty")
    if len(entries) > max_people:
        return PeopleOutcome(
            False, "too_many", "csv_file" if csv_upload else "addresses", count=len(entries)
        )
    members, pending = conflicts(draft.account_id, {e.email for e in entries if e.email})
    checked: CheckedBatch = check_batch(
        entries, own_email=own_email, members=members, pending=pending
    )
    given = {
        "text": text,
        "default_type": default_type,
        "csv": csv_part,
        "problems": [entry_to_dict(e) for e in checked.problems],
        "ready": len(checked.people),
    }
    done = bool(checked.people) and (not checked.problems or leave_out_problems)
    people_part = (
        {
            "default_type": default_type,
            "people": [
                {
                    "email": e.email,
                    "name": e.name,
                    "type": e.user_type,
                    "source": e.source,
                    "line": e.line,
                }
                for e in checked.people
            ],
            "left_out": len(checked.problems),
        }
        if done
        else None
    )
    store(draft, people_input=given, people=people_part)
    db.session.commit()
    return PeopleOutcome(done, count=len(entries))


# --- step 3: licenses ----------------------------------------------------------------------


def _ascii_domain(domain: str) -> str:
    try:
        return domain.strip().lower().encode("idna").decode("ascii")
    except UnicodeError:
        return domain.strip().lower()


def current_plans(account_id: int, emails: list[str]) -> dict[str, CurrentPlan]:
    """Each address's plan today, shown only on the account's verified domains (Privacy):
    elsewhere NOT_SHOWN, whatever we know, so the page cannot be used to probe addresses."""
    verified = {
        _ascii_domain(d)
        for d in db.session.scalars(
            select(VerifiedDomain.domain).where(
                VerifiedDomain.account_id == account_id, VerifiedDomain.verified_at.is_not(None)
            )
        )
    }
    visible = [e for e in emails if domain_of(e) in verified]
    rows = db.session.execute(
        select(User.email, Account.kind, Subscription.plan, Subscription.cancelled_at)
        .join(Account, User.account_id == Account.id)
        .outerjoin(Subscription, Subscription.account_id == Account.id)
        .where(among(User.email, visible))
    ).all()
    known = {}
    for email, kind, plan, cancelled_at in rows:
        if kind == AccountKind.BUSINESS:
            known[email] = CurrentPlan.OTHER_BUSINESS
        elif plan == "pro" and cancelled_at is None:
            known[email] = CurrentPlan.PRO
        else:
            known[email] = CurrentPlan.FREE
    plans = dict.fromkeys(emails, CurrentPlan.NOT_SHOWN)
    plans.update({e: known.get(e, CurrentPlan.NO_ACCOUNT) for e in visible})
    return plans


@dataclass(frozen=True)
class LicenseReview:
    """Everything the license and check pages show about the batch."""

    people: list[Person]
    impacts: list[PersonImpact]
    summary: ImpactSummary
    seats: SeatOutlook
    to_make_basic: list[str]  # the Licensed people beyond the free seats


def license_review(draft: WizardDraft, account: Account) -> LicenseReview:
    """Each person's plan today, what changes for them, and the seats after the batch."""
    people = people_of(draft.data)
    plans = current_plans(account.id, [p.email for p in people])
    impacts = [person_impact(plans[p.email], p.user_type) for p in people]
    count = seat_count(account)
    seats = SeatOutlook(count.purchased, count.in_use, count.pending, licensed_count(people))
    extra = licensed_to_make_basic(
        [(p.email, p.user_type, plans[p.email]) for p in people], seats.free_now
    )
    return LicenseReview(people, impacts, summarise(impacts), seats, extra)


def set_user_type(draft: WizardDraft, email: str, user_type: str) -> bool:
    """Give one person of the batch another user type."""
    if user_type not in (BASIC, LICENSED) or email not in dict(user_types(draft.data)):
        return False
    licenses = dict(answers(draft.data, "licenses"))
    licenses["overrides"] = {**licenses.get("overrides", {}), email: user_type}
    store(draft, licenses=licenses)
    db.session.commit()
    return True


def make_extra_people_basic(draft: WizardDraft, account: Account) -> int:
    """Make Basic the Licensed people beyond the free seats (those who lose least); how many."""
    extra = license_review(draft, account).to_make_basic
    if extra:
        licenses = dict(answers(draft.data, "licenses"))
        licenses["overrides"] = {**licenses.get("overrides", {}), **dict.fromkeys(extra, BASIC)}
        store(draft, licenses=licenses)
        db.session.commit()
    return len(extra)


def confirm_licenses(draft: WizardDraft, outlook: SeatOutlook) -> bool:
    """Complete the license step if the Licensed people fit in the free seats."""
    if not outlook.fits:
        return False
    licenses = dict(answers(draft.data, "licenses"))
    licenses["confirmed"] = types_digest(user_types(draft.data))
    store(draft, licenses=licenses)
    db.session.commit()
    return True


def licensed_count(people: list[Person]) -> int:
    return sum(p.user_type == LICENSED for p in people)


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def now_iso() -> str:
    return utcnow().isoformat()


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    per_page: int
    total: int

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def end(self) -> int:
        return min(self.start + self.per_page, self.total)


def paginate(total: int, page: int | None, per_page: int = 50) -> Pagination:
    """Which slice of a long list to show; out-of-range pages show the nearest one."""
    pages = max((total + per_page - 1) // per_page, 1)
    return Pagination(min(max(page or 1, 1), pages), pages, per_page, total)
