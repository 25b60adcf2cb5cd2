"""Pages of a long list: two statements per page (a count and the page), whatever the size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    per_page: int
    total: int
    # Keyset paging (the Pending tab): the query arguments of the Previous and Next links, in
    # place of page numbers; None where there is no such page.
    previous_args: dict[str, Any] | None = None
    next_args: dict[str, Any] | None = None
    keyset: bool = False

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown ("Showing 51 to 100 of 312")."""
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.total)

    @property
    def has_previous(self) -> bool:
        return self.previous_args is not None if self.keyset else self.number > 1

    @property
    def has_next(self) -> bool:
        return self.next_args is not None if self.keyset else self.number < self.pages

    def previous_link(self) -> dict[str, Any]:
        return (self.previous_args or {}) if self.keyset else {"page": self.number - 1}

    def next_link(self) -> dict[str, Any]:
        return (self.next_args or {}) if self.keyset else {"page": self.number + 1}


def clamp_page(number: int | None, total: int, per_page: int) -> int:
    """A page number that exists: below 1 is 1, past the end is the last page."""
    last = max((total + per_page - 1) // per_page, 1)
    return min(max(number or 1, 1), last)


def paginate(
    query: Select,
    number: int | None,
    per_page: int = PER_PAGE,
    *,
    count: Select | None = None,
    scalars: bool = False,
    total: int | None = None,
    count_in_page: bool = False,
) -> Page:
    """Run `query` for one page; it must be ordered deterministically.

    `count`, when given, is a cheaper query with the same rows (without joins that only add
    columns); `total`, when the caller knows it already, saves the count; `count_in_page`
    counts with COUNT(*) OVER () in the page's own statement when `total` is not given, so a
    filter that reads every row (a search) reads them once instead of twice. `scalars` gives
    the first column of each row instead of the row.
    """
    counted = (count if count is not None else query).order_by(None).subquery()

    def count_all() -> int:
        return db.session.scalar(select(func.count()).select_from(counted)) or 0

    def fetch(page: int, counting: bool = False) -> list:
        statement = query.limit(per_page).offset((page - 1) * per_page)
        if counting:
            # COUNT(*) OVER () reads every matching row before LIMIT can stop early: only
            # worth it when the total is not known yet.
            statement = statement.add_columns(func.count().over())
        return db.session.execute(statement).all()

    if count_in_page and total is None:
        number = max(number or 1, 1)
        rows = fetch(number, counting=True)
        if rows:
            total = rows[0][-1]
        else:  # nothing matches, or a page past the end (an old link): count, then go there
            total = count_all() if number > 1 else 0
            if total:
                number = clamp_page(number, total, per_page)
                rows = fetch(number, counting=True)
        rows = [row[:-1] for row in rows]
    else:
        if total is None:
            total = count_all()
        number = clamp_page(number, total, per_page)
        rows = fetch(number)
    items = [row[0] for row in rows] if scalars else [tuple(row) for row in rows]
    return Page(items=items, number=number, per_page=per_page, total=total)
