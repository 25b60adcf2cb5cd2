"""The wizard's server-side draft: the steps, what each has saved, and which comes next.

Steps are declared once, in order. Each step saves only validated answers under its name in
`WizardDraft.data`; a step is complete when its answers still hold for the steps before it
(adding people after the heads-up went out makes the heads-up step incomplete again). A step
further on than the first incomplete one cannot be opened.

`data` holds:
  people_input  {"text", "default_type", "csv", "problems", "entries"}: what was typed and
                uploaded, with the problems found among how many entries (kept even with
                problems; unchecked, without the last two, when another field was refused)
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
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import WizardDraft
from ..models.types import utcnow
from .addresses import BASIC, LICENSED


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


def drafts_of_others(account_id: int, user_id: int) -> list[WizardDraft]:
    """Lists other people of the account are filling in and have not sent: theirs to finish
    (shown so nobody is surprised by them), most recently changed first."""
    return list(
        db.session.scalars(
            select(WizardDraft)
            .options(joinedload(WizardDraft.created_by))
            .where(
                WizardDraft.account_id == account_id,
                WizardDraft.created_by_id != user_id,
                WizardDraft.sent_batch_id.is_(None),
            )
            .order_by(WizardDraft.updated_at.desc(), WizardDraft.id.desc())
            .limit(20)
        )
    )


def is_author(draft: WizardDraft, user_id: int) -> bool:
    """A draft belongs to whoever started it: only they change it, send from it or send it."""
    return draft.created_by_id == user_id


class NotYourDraft(Exception):
    """Someone else's draft: nothing was changed or sent."""


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


# --- small helpers the steps share ---------------------------------------------------------


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
