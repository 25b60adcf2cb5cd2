"""The one converter for object ids in URLs: `<id:name>`.

Werkzeug's `int` converter accepts any size, and a number past what the database's BIGINT
(or SQLite's 64-bit integer) holds makes the driver raise instead of finding nothing. Ids
here are 1 .. 2**63 - 1; anything else matches no route, which is the same 404 as an id that
was never used.
"""

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """A positive integer that fits the database's 64-bit ids (no sign, no leading zeros)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's name for it
        super().__init__(map, *args, min=1, max=LARGEST_ID, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
