"""Discovery: the people on the account's verified domains who have their own accounts, and
handing the chosen ones over to the wizard as a new draft.

Discovery only ever looks at the account's own verified domains (the Privacy rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..invite import drafts
from ..invite.addresses import parse_text
from ..invite.people import people_input, save_people
from ..models import (
    Account,
    AccountKind,
    BillingPeriod,
    Invitation,
    InvitationStatus,
    Subscription,
    User,
    UserType,
)
from ..models.types import utcnow
from .verification import display_domain, verified_domain_names


@dataclass(frozen=True)
class DiscoveredPerson:
    email: str
    name: str
    domain: str  # IDNA form
    # None: free Basic. Otherwise the active Pro subscription's billing period.
    billing_period: BillingPeriod | None
    invited_at: datetime | None  # of a pending, unexpired invitation from this business

    @property
    def is_pro(self) -> bool:
        return self.billing_period is not None

    @property
    def already_invited(self) -> bool:
        return self.invited_at is not None


@dataclass(frozen=True)
class Discovery:
    domains: tuple[str, ...]  # the verified domains looked at (IDNA)
    people: tuple[DiscoveredPerson, ...]

    @property
    def invitable(self) -> tuple[DiscoveredPerson, ...]:
        return tuple(p for p in self.people if not p.already_invited)

    @property
    def pro_count(self) -> int:
        return sum(1 for p in self.people if p.is_pro)


def _address_conditions(column, domains: Sequence[str]):
    """Addresses on any of the domains, stored as punycode or (older rows) in unicode."""
    suffixes = {f"@{d}" for d in domains} | {f"@{display_domain(d)}" for d in domains}
    return or_(*(column.endswith(s, autoescape=True) for s in sorted(suffixes)))


def _domain_by_host(domains: Sequence[str]) -> dict[str, str]:
    """Host part of an address (punycode or unicode) → the verified domain's IDNA form."""
    return {d: d for d in domains} | {display_domain(d): d for d in domains}


def discover_people(account_id: int) -> Discovery:
    """Individual accounts with addresses on the account's verified domains (three queries)."""
    domains = verified_domain_names(account_id)
    if not domains:
        return Discovery(domains=(), people=())
    rows = db.session.execute(
        select(User.email, User.name, Subscription.billing_period)
        .join(Account, Account.id == User.account_id)
        .outerjoin(
            Subscription,
            and_(Subscription.account_id == Account.id, Subscription.cancelled_at.is_(None)),
        )
        .where(Account.kind == AccountKind.INDIVIDUAL, _address_conditions(User.email, domains))
        .order_by(User.email)
    ).all()
    invited = dict(
        db.session.execute(
            select(Invitation.email, func.min(Invitation.created_at))
            .where(
                Invitation.account_id == account_id,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at > utcnow(),
                _address_conditions(Invitation.email, domains),
            )
            .group_by(Invitation.email)
        ).all()
    )
    by_host = _domain_by_host(domains)
    people = tuple(
        DiscoveredPerson(
            email=email,
            name=name or "",
            domain=by_host.get(email.rpartition("@")[2], email.rpartition("@")[2]),
            billing_period=period,
            invited_at=invited.get(email),
        )
        for email, name, period in rows
    )
    return Discovery(domains=tuple(domains), people=people)


def chosen_people(account_id: int, emails: Iterable[str], everyone: bool) -> list[DiscoveredPerson]:
    """The discovered, not-yet-invited people among `emails` (or all of them): the page's
    list is never trusted, discovery runs again."""
    wanted = {e.strip().lower() for e in emails}
    return [p for p in discover_people(account_id).invitable if everyone or p.email in wanted]


@dataclass(frozen=True)
class HandOver:
    """What happened when discovered people were put into the owner's wizard draft."""

    draft_id: int | None
    added: int  # people new to the draft
    already_there: int  # chosen people the draft had already
    # The wizard step to open: the first that needs an answer ("people" when something
    # typed earlier has a problem). "" when nobody was left to invite.
    next_step: str = ""
    error: str | None = None  # "too_many": the draft would exceed the batch limit
    count: int = 0  # people in the draft's input when `error` is set


_PLAIN_NAME = re.compile(r"^[\w .'-]+$")


def mailbox_line(person: DiscoveredPerson, user_type: str | None = None) -> str:
    """One line of the wizard's "who" box, as the owner would type it.

    With `user_type`, the spreadsheet form (address, name, type separated by tabs) that the
    who step reads per person, so earlier people keep the type chosen for them.
    """
    name = " ".join(person.name.split())
    if user_type is not None:
        return "\t".join((person.email, name, user_type))
    if not name:
        return person.email
    if not _PLAIN_NAME.match(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{person.email}>"


def hand_over_to_wizard(
    account_id: int,
    user_id: int,
    *,
    own_email: str,
    emails: Iterable[str],
    everyone: bool,
    user_type: UserType,
    max_people: int,
) -> HandOver:
    """Add the chosen people to the owner's open wizard draft (or a new one) as if typed into
    its "who" step, and say which step comes next."""
    people = chosen_people(account_id, emails, everyone)
    if not people:
        return HandOver(draft_id=None, added=0, already_there=0)
    draft = drafts.start_draft(account_id, user_id)
    stored = people_input(draft.data)
    text = stored.get("text", "") or ""
    csv_entries = (stored.get("csv") or {}).get("entries", [])
    earlier = {e.email for e in parse_text(text)} | {e.get("email") for e in csv_entries}
    earlier.discard("")
    new = [p for p in people if p.email not in earlier]
    if not new:
        return HandOver(draft.id, 0, len(people), drafts.first_incomplete_step(draft.data))
    earlier_type = stored.get("default_type") or user_type.value
    if earlier and earlier_type != user_type.value:
        lines = [mailbox_line(p, user_type.value) for p in new]
        default_type = earlier_type
    else:
        lines = [mailbox_line(p) for p in new]
        default_type = user_type.value
    outcome = save_people(
        draft,
        text="\n".join(([text.rstrip("\n")] if text.strip() else []) + lines),
        default_type=default_type,
        csv_upload=None,
        remove_file=False,
        leave_out_problems=False,
        own_email=own_email,
        max_people=max_people,
    )
    if outcome.error:
        return HandOver(draft.id, 0, 0, error=outcome.error, count=outcome.count)
    next_step = drafts.first_incomplete_step(draft.data) if outcome.saved else "people"
    return HandOver(draft.id, len(new), len(people) - len(new), next_step)
