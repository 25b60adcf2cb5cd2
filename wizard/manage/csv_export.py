"""CSV files that are safe to open in a spreadsheet, streamed row by row.

A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel, LibreOffice
and Google Sheets; an address like "=HYPERLINK(...)@evil.example" typed into the wizard must
come out as text. Such cells get a leading apostrophe, which spreadsheets hide.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens UTF-8 correctly only with the byte-order mark.
BOM = "\ufeff"


def neutralise(value: Any) -> str:
    """One cell as text a spreadsheet will not run: formulas get a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM, the header and each row, neutralised, as CSV text chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise(h) for h in header])
    yield BOM + flush()
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if number % 500 == 0:
            yield flush()
    yield flush()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A streamed download: the rows are read from the database as the file goes out."""
    response = Response(
        stream_with_context(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
