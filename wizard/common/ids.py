"""The one converter for object ids in URLs (`<id:name>`), and the one reader for numbers in
query strings and forms (`request.args.get(name, type=as_number)`, `id_or_none`).

Werkzeug's `int` converter, and `type=int`, accept any size, and a number past what the
database's integer columns hold makes the driver raise instead of finding nothing: a 500 for
something anyone can type into the address bar. The ids and counts here are INTEGER columns,
32-bit on PostgreSQL (SQLite's are 64-bit), so ids are 1 .. 2**31 - 1; anything else matches
no route, which is the same 404 as an id that was never used, or is read as no number at all.
"""

from collections.abc import Callable

from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1  # PostgreSQL's INTEGER
# Stands in for the id while Flask builds a row link once: no path here has a number before its id.
_STAND_IN = 7_305_419_268_114_273


class IdConverter(IntegerConverter):
    """A positive integer that fits the database's ids (no sign, no leading zeros)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's name for it
        super().__init__(map, *args, min=1, max=LARGEST_ID, **kwargs)


def as_number(value: str) -> int:
    """A whole number that the database's INTEGER columns can hold; ValueError for anything
    else, so that `request.args.get(name, type=as_number)` gives its default, as for "abc"."""
    number = int(value)
    if not -LARGEST_ID - 1 <= number <= LARGEST_ID:
        raise ValueError(f"{value!r} is out of range")
    return number


def id_or_none(value: str | None) -> int | None:
    """An id from a form field or the query string, or None for anything that cannot be one."""
    try:
        number = as_number(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def url_with_id(endpoint: str, name: str, **values) -> Callable[[int], str]:
    """`url_for(endpoint, name=id, **values)` for every row of a table, built once.

    Flask's routing builds the link with a stand-in id, and each row's id takes its place: a
    page of fifty members made 130 `url_for` calls, about a tenth of its time. The path comes before
    the query string, so the first stand-in is the id, whatever `values` hold."""
    head, _stand_in, tail = url_for(endpoint, **{name: _STAND_IN}, **values).partition(
        str(_STAND_IN)
    )
    return lambda id_: f"{head}{int(id_)}{tail}"


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.jinja_env.globals["url_with_id"] = url_with_id
