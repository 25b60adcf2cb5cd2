"""The Pending tab's list: filters, counts per status, each invitation's latest email, and
the same rows for the CSV export (the progress of batches still going out is in sending.py).

A page costs the same handful of statements whether the account has ten invitations or a
hundred thousand: counts in one statement, the page in one query (plus its count), the latest
email of the rows shown in one more, and the sending progress in at most three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..common.paging import PER_PAGE, Page, paginate
from ..extensions import db
from ..models import DeliveryStatus, Invitation, InvitationStatus, OutboxEmail, User
from ..models.types import utcnow
from . import keyset
from .counts import invitation_counts
from .keyset import Cursor
from .sending import EMAIL_KINDS, Sending, sending_progress

STATUSES = tuple(s.value for s in InvitationStatus)
# The Pending tab's default: who has not accepted yet (pending, and expired ones that can be
# resent); "all" shows every invitation.
NOT_ACCEPTED, EVERY_STATUS = "not_accepted", "all"
# "none": no invitation email at all (for example, imported before the outbox existed).
DELIVERIES = (*(s.value for s in DeliveryStatus), "none")
# Ids grow with creation, so "newest" walks the primary key instead of sorting every row.
SORTS = {
    "newest": (Invitation.id.desc(),),
    "oldest": (Invitation.id.asc(),),
    "email": (Invitation.email.asc(), Invitation.id.asc()),
    "expires": (Invitation.expires_at.asc(), Invitation.id.asc()),
    "sent": (Invitation.sent_at.desc().nulls_last(), Invitation.id.desc()),
}


@dataclass(frozen=True)
class PendingFilter:
    search: str = ""
    status: str = ""
    delivery: str = ""
    sort: str = "newest"
    page: int = 1
    # Keyset paging (keyset.py): the invitation the page starts after, or ends before.
    cursor: Cursor | None = None


@dataclass(frozen=True)
class Delivery:
    kind: str
    status: str
    attempts: int
    error: str
    sent_at: datetime | None


@dataclass(frozen=True)
class PendingRow:
    invitation: Invitation
    status: InvitationStatus
    inviter: str
    delivery: Delivery | None


@dataclass(frozen=True)
class PendingList:
    page: Page
    counts: dict[str, int]
    sending: Sending


def effective_status(status: InvitationStatus, expires_at: datetime, now: datetime):
    """The status a person sees: pending past its expiry date reads as expired."""
    if status == InvitationStatus.PENDING and now >= expires_at:
        return InvitationStatus.EXPIRED
    return status


def status_condition(status: str, now: datetime) -> ColumnElement[bool]:
    """WHERE clause for an effective status, in a form the (account, status) index can use."""
    pending = Invitation.status == InvitationStatus.PENDING
    if status == InvitationStatus.PENDING:
        return and_(pending, Invitation.expires_at > now)
    if status == InvitationStatus.EXPIRED:
        return or_(
            Invitation.status == InvitationStatus.EXPIRED,
            and_(pending, Invitation.expires_at <= now),
        )
    return Invitation.status == InvitationStatus(status)


def latest_email(column) -> ColumnElement:
    """`column` of the invitation's newest invitation or reminder email (correlated)."""
    return (
        select(column)
        .where(OutboxEmail.invitation_id == Invitation.id, OutboxEmail.kind.in_(EMAIL_KINDS))
        .order_by(OutboxEmail.id.desc())
        .limit(1)
        .correlate(Invitation)
        .scalar_subquery()
    )


def delivery_condition(delivery: str) -> ColumnElement[bool]:
    """WHERE clause: the invitation's newest invitation or reminder email has this status.

    Starts from the emails in that status (the outbox's status index finds the few failed or
    queued ones among 100,000 at once) and keeps those no newer email has replaced.
    """
    email, newer = aliased(OutboxEmail), aliased(OutboxEmail)
    if delivery == "none":
        return ~exists().where(email.invitation_id == Invitation.id, email.kind.in_(EMAIL_KINDS))
    latest_in_status = select(email.invitation_id).where(
        email.status == DeliveryStatus(delivery),
        email.kind.in_(EMAIL_KINDS),
        email.invitation_id.is_not(None),
        ~exists().where(
            newer.invitation_id == email.invitation_id,
            newer.kind.in_(EMAIL_KINDS),
            newer.id > email.id,
        ),
    )
    return Invitation.id.in_(latest_in_status)


def _conditions(account_id: int, f: PendingFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Invitation.account_id == account_id]
    if f.search:
        needle = f.search.strip().lower()
        conditions.append(
            or_(
                Invitation.email.contains(needle, autoescape=True),
                func.lower(Invitation.name).contains(needle, autoescape=True),
            )
        )
    if f.status == NOT_ACCEPTED:
        # Pending, or past its date (which reads as expired), or stored as expired.
        conditions.append(
            Invitation.status.in_((InvitationStatus.PENDING, InvitationStatus.EXPIRED))
        )
    elif f.status in STATUSES:
        conditions.append(status_condition(f.status, now))
    if f.delivery in DELIVERIES:
        conditions.append(delivery_condition(f.delivery))
    return conditions


def _ordered(query: Select, f: PendingFilter) -> Select:
    return query.order_by(*SORTS.get(f.sort, SORTS["newest"]))


def status_counts(account_id: int, now: datetime) -> dict[str, int]:
    """How many invitations the account has in each effective status, "all" and
    "not_accepted": read from the kept tally (counts.py), not counted row by row."""
    return invitation_counts(account_id, now)


def latest_deliveries(invitation_ids: list[int]) -> dict[int, Delivery]:
    """The newest invitation or reminder email of each invitation, in one statement."""
    if not invitation_ids:
        return {}
    rows = db.session.execute(
        select(
            OutboxEmail.invitation_id,
            OutboxEmail.kind,
            OutboxEmail.status,
            OutboxEmail.attempts,
            OutboxEmail.last_error,
            OutboxEmail.sent_at,
        )
        .where(OutboxEmail.invitation_id.in_(invitation_ids), OutboxEmail.kind.in_(EMAIL_KINDS))
        .order_by(OutboxEmail.invitation_id, OutboxEmail.id.desc())
    ).all()
    latest: dict[int, Delivery] = {}
    for invitation_id, kind, status, attempts, error, sent_at in rows:
        if invitation_id not in latest:
            latest[invitation_id] = Delivery(kind, status.value, attempts, error or "", sent_at)
    return latest


def _links(page: Page, first: bool, last: bool) -> Page:
    """The page with its Previous and Next links as cursors (page 2's Previous is page 1)."""
    previous = None
    if not page.items:  # nothing matches
        return dataclasses.replace(page, keyset=True)
    if not first:
        previous = {"before": page.items[0], "page": page.number - 1} if page.number > 2 else {}
    following = None if last else {"after": page.items[-1], "page": page.number + 1}
    return Page(page.items, page.number, page.per_page, page.total, previous, following, True)


def _page_by_number(f: PendingFilter, conditions: list, known: int | None) -> Page:
    """The first page, or a page by its number (a link from before keyset paging): OFFSET."""
    page = paginate(
        _ordered(select(Invitation.id).where(*conditions), f),
        f.page,
        count=select(Invitation.id).where(*conditions),
        scalars=True,
        total=known,
        count_in_page=True,
    )
    return _links(page, page.number == 1, page.number >= page.pages)


def _page_at_cursor(
    account_id: int, f: PendingFilter, conditions: list, known: int | None
) -> Page | None:
    """The 50 rows after (or before) the cursor, read from the sort's index in one statement
    (one more row says whether there is a page beyond). None when the cursor's row is gone or
    nothing lies beyond it: the caller shows the page by its number instead."""
    if f.cursor is None:
        return None
    forward = f.cursor.forward
    statement = (
        select(Invitation.id)
        .where(*conditions, keyset.condition(f.sort, account_id, f.cursor))
        .order_by(*keyset.order_by(f.sort, forward))
        .limit(PER_PAGE + 1)
    )
    counting = known is None and forward
    if counting:  # the rows from here on, which with the pages before make the total
        statement = statement.add_columns(func.count().over())
    rows = db.session.execute(statement).all()
    if not rows:
        return None
    ids = [row[0] for row in rows[:PER_PAGE]]
    beyond = len(rows) > PER_PAGE
    if forward:
        number = max(f.page, 2)
        total = known if known is not None else (number - 1) * PER_PAGE + rows[0][-1]
        return _links(Page(ids, number, PER_PAGE, total), False, not beyond)
    ids.reverse()
    number = max(f.page, 2) if beyond else 1
    if known is None:
        known = db.session.scalar(
            select(func.count()).select_from(select(Invitation.id).where(*conditions).subquery())
        )
    return _links(Page(ids, number, PER_PAGE, known or 0), not beyond, False)


def pending_list(account_id: int, f: PendingFilter, now: datetime | None = None) -> PendingList:
    """One page of the account's invitations as filtered, with counts and sending progress."""
    now = now or utcnow()
    conditions = _conditions(account_id, f, now)
    # Sort and skip over narrow rows (ids only), then load the page's 50 in full: a deep page
    # of a long list costs a sort of ids, not of whole invitations.
    counts = status_counts(account_id, now)
    # Filtered by status alone, the counts on top already hold the total; a search or a
    # delivery filter counts along with the page, in the same statement.
    known = None if f.search or f.delivery else counts.get(f.status, counts["all"])
    page = (f.cursor and _page_at_cursor(account_id, f, conditions, known)) or _page_by_number(
        f, conditions, known
    )
    loaded = (
        {
            inv.id: (inv, name, email)
            for inv, name, email in db.session.execute(
                select(Invitation, User.name, User.email)
                .join(User, User.id == Invitation.invited_by_id)
                .where(Invitation.id.in_(page.items))
            )
        }
        if page.items
        else {}
    )
    deliveries = latest_deliveries(list(page.items))
    rows = []
    for invitation_id in page.items:
        inv, name, email = loaded[invitation_id]
        rows.append(
            PendingRow(
                invitation=inv,
                status=inv.effective_status(now),
                inviter=name or email,
                delivery=deliveries.get(inv.id),
            )
        )
    return PendingList(
        page=dataclasses.replace(page, items=rows),
        counts=counts,
        sending=sending_progress(account_id, now),
    )


@dataclass(frozen=True)
class ExportRow:
    email: str
    name: str
    status: InvitationStatus
    delivery: str
    delivery_error: str
    contacted_at: datetime | None
    user_type: str
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime
    responded_at: datetime | None
    inviter_name: str
    inviter_email: str


def export_rows(
    account_id: int, f: PendingFilter, now: datetime | None = None
) -> Iterator[ExportRow]:
    """Every invitation matching the filter (all pages), streamed from one statement."""
    now = now or utcnow()
    query = _ordered(
        select(
            Invitation.email,
            Invitation.name,
            Invitation.status,
            Invitation.expires_at,
            Invitation.user_type,
            Invitation.created_at,
            # When its newest email was delivered, as the page shows it ("Sent Dec 5").
            latest_email(OutboxEmail.sent_at),
            Invitation.contacted_at,
            Invitation.responded_at,
            User.name,
            User.email,
            latest_email(OutboxEmail.status),
            latest_email(OutboxEmail.last_error),
        )
        .join(User, User.id == Invitation.invited_by_id)
        .where(*_conditions(account_id, f, now)),
        f,
    ).execution_options(yield_per=1000)
    for row in db.session.execute(query):
        (
            email,
            name,
            status,
            expires_at,
            user_type,
            created_at,
            sent_at,
            contacted_at,
            responded_at,
            inviter_name,
            inviter_email,
            delivery,
            error,
        ) = row
        yield ExportRow(
            email=email,
            name=name,
            status=effective_status(status, expires_at, now),
            delivery=delivery or "",
            delivery_error=error or "",
            contacted_at=contacted_at,
            user_type=user_type.value,
            created_at=created_at,
            sent_at=sent_at,
            expires_at=expires_at,
            responded_at=responded_at,
            inviter_name=inviter_name,
            inviter_email=inviter_email,
        )
