"""Step 1, who: the people typed, pasted or uploaded, checked against the account (members,
pending invitations, the owner's own address) and saved in the draft, problems and all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..common.bulk import among
from ..extensions import db
from ..models import Invitation, InvitationStatus, User, WizardDraft
from ..models.types import utcnow
from .addresses import CheckedBatch, Entry, Problem, check_batch, parse_text
from .drafts import answers, store


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


def ready_count(stored: dict[str, Any]) -> int:
    """How many of the entries checked last are fine: derived from the same check as the
    problems, so the two numbers on the page always agree."""
    if "entries" not in stored:  # a draft saved before "entries" was kept
        return stored.get("ready") or 0
    return stored["entries"] - len(stored.get("problems", []))


def _entries(text: str, csv_part: dict[str, Any] | None) -> list[Entry]:
    entries = parse_text(text)
    if csv_part:
        entries += [entry_from_dict(d) for d in csv_part["entries"]]
    return entries


def _check(
    draft: WizardDraft,
    entries: list[Entry],
    *,
    text: str,
    default_type: str | None,
    csv_part: dict[str, Any] | None,
    own_email: str,
) -> tuple[dict[str, Any], CheckedBatch]:
    """Check the entries against the account as it is now: the input to keep, with the
    problems found, and the split into people and problems."""
    members, pending = conflicts(draft.account_id, {e.email for e in entries if e.email})
    checked = check_batch(entries, own_email=own_email, members=members, pending=pending)
    given = {
        "text": text,
        "default_type": default_type,
        "csv": csv_part,
        "problems": [entry_to_dict(e) for e in checked.problems],
        "entries": len(entries),
    }
    return given, checked


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
    csv_part = _csv_part(draft, csv_upload, remove_file)
    entries = _entries(text, csv_part)
    # Nothing to check: nothing is saved (the list kept is the one before).
    if not entries:
        return PeopleOutcome(False, "empty")
    # Too many to check: kept unchecked, so an uploaded file need not be chosen again.
    if len(entries) > max_people:
        _keep_unchecked(draft, text=text, default_type=default_type, csv_part=csv_part)
        return PeopleOutcome(
            False, "too_many", "csv_file" if csv_upload else "addresses", count=len(entries)
        )
    given, checked = _check(
        draft,
        entries,
        text=text,
        default_type=default_type,
        csv_part=csv_part,
        own_email=own_email,
    )
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


def reopen_people(draft: WizardDraft, *, own_email: str) -> None:
    """Someone on the list was invited or joined since step 1: check what was given again,
    as Continue would, and open step 1 with the problems (the caller commits)."""
    stored = people_input(draft.data)
    text, csv_part = stored.get("text", ""), stored.get("csv")
    given, _checked = _check(
        draft,
        _entries(text, csv_part),
        text=text,
        default_type=stored.get("default_type"),
        csv_part=csv_part,
        own_email=own_email,
    )
    store(draft, people_input=given, people=None)


def keep_people_input(
    draft: WizardDraft,
    *,
    text: str | None,
    default_type: str | None,
    csv_upload: tuple[str, list[Entry]] | None,
    remove_file: bool,
) -> None:
    """Keep what was typed and uploaded although the form was refused (no user type chosen,
    say), without checking it: the file need not be chosen again. `text` None keeps the text
    saved before (the box's own error refused it)."""
    if text is None:
        text = people_input(draft.data).get("text", "")
    _keep_unchecked(
        draft,
        text=text,
        default_type=default_type,
        csv_part=_csv_part(draft, csv_upload, remove_file),
    )


def _csv_part(
    draft: WizardDraft, csv_upload: tuple[str, list[Entry]] | None, remove_file: bool
) -> dict[str, Any] | None:
    """The file to use: the one just uploaded, else the one kept before (unless removed)."""
    if csv_upload is not None:
        return {"filename": csv_upload[0], "entries": [entry_to_dict(e) for e in csv_upload[1]]}
    return None if remove_file else people_input(draft.data).get("csv")


def _keep_unchecked(
    draft: WizardDraft, *, text: str, default_type: str | None, csv_part: dict[str, Any] | None
) -> None:
    """Save the input with no problems found yet. A list that changed is not checked, so the
    step is open again (its answers wait under "people_input" until Continue checks them)."""
    given = {"text": text, "default_type": default_type, "csv": csv_part}
    stored = people_input(draft.data)
    if all(stored.get(key) == value for key, value in given.items()):
        return  # nothing new: the list checked before still holds
    store(draft, people_input=given, people=None)
    db.session.commit()
