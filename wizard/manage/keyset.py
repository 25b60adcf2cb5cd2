"""Keyset paging for the Pending tab: `after=<id>` (the last row shown) and `before=<id>` (the
first row shown) instead of OFFSET, so page 2,000 reads 50 index entries, not 100,000.

The cursor is an invitation id; the sort key of that invitation is read in the same
statement (a scalar subquery scoped to the account), so a link stays short and a cursor from
another business matches nothing. The page number travels along (`page=`) only to say where
the reader is ("Showing 101 to 150 of 312"); the rows come from the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, tuple_

from ..models import Invitation

# Each sort: its columns, whether it runs descending, and whether its first column can be
# NULL (placed last, as the list shows not-yet-sent invitations after the sent ones).
SORT_KEYS = {
    "newest": ((Invitation.id,), True, False),
    "oldest": ((Invitation.id,), False, False),
    "email": ((Invitation.email, Invitation.id), False, False),
    "expires": ((Invitation.expires_at, Invitation.id), False, False),
    "sent": ((Invitation.sent_at, Invitation.id), True, True),
}


@dataclass(frozen=True)
class Cursor:
    invitation_id: int
    forward: bool  # True: the rows after it (Next); False: the rows before it (Previous)


def order_by(sort: str, forward: bool = True) -> tuple:
    """ORDER BY of a sort, reversed when reading backwards from a `before=` cursor."""
    columns, descending, nullable = SORT_KEYS.get(sort, SORT_KEYS["newest"])
    down = descending == forward
    terms = []
    for i, column in enumerate(columns):
        term = column.desc() if down else column.asc()
        if nullable and i == 0:
            term = term.nulls_last() if forward else term.nulls_first()
        terms.append(term)
    return tuple(terms)


def _key_of(column, account_id: int, invitation_id: int):
    return (
        select(column)
        .where(Invitation.id == invitation_id, Invitation.account_id == account_id)
        .scalar_subquery()
    )


def condition(sort: str, account_id: int, cursor: Cursor) -> ColumnElement[bool]:
    """WHERE clause: the rows that come after (or before) the cursor's row in this sort, as a
    row-value comparison both databases answer from an index in the sort's order."""
    columns, descending, nullable = SORT_KEYS.get(sort, SORT_KEYS["newest"])
    down = descending == cursor.forward
    keys = [_key_of(c, account_id, cursor.invitation_id) for c in columns]
    if not nullable:
        if len(columns) == 1:
            return columns[0] < keys[0] if down else columns[0] > keys[0]
        left, right = tuple_(*columns), tuple_(*keys)
        return left < right if down else left > right
    # "sent": newest sent first, never-sent last (by id, descending).
    sent, ident = columns
    sent_key, id_key = keys
    if cursor.forward:
        return or_(
            and_(
                sent_key.is_not(None),
                or_(
                    sent.is_(None),
                    sent < sent_key,
                    and_(sent == sent_key, ident < id_key),
                ),
            ),
            and_(sent_key.is_(None), sent.is_(None), ident < id_key),
        )
    return or_(
        and_(sent_key.is_(None), or_(sent.is_not(None), ident > id_key)),
        and_(
            sent_key.is_not(None),
            or_(sent > sent_key, and_(sent == sent_key, ident > id_key)),
        ),
    )
