"""Reading the people to invite from an uploaded CSV file: its encoding, delimiter and
columns (email, optional name, optional user type), in whatever order and language.

Pure rules: no database, no request. Each row becomes an Entry (addresses.py), with its
problem as a code with parameters.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from .addresses import (
    CSV,
    EMAIL_HEADERS,
    FIRST_NAME_HEADERS,
    HEADERS,
    LAST_NAME_HEADERS,
    NAME_HEADERS,
    TYPE_HEADERS,
    Entry,
    Problem,
    header_key,
    read_entry,
    user_type_of,
)


class CsvError(Exception):
    """The file as a whole cannot be read; `code` says why, for a message that says what to do."""

    def __init__(self, code: str, **params: str | int):
        super().__init__(code)
        self.code = code
        self.params = params


_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def decode_upload(data: bytes) -> str:
    """The file as text: UTF-8 with or without BOM, or UTF-16 with a BOM."""
    if not data.strip():
        raise CsvError("empty")
    if data.startswith(_SPREADSHEET_MAGIC):
        raise CsvError("spreadsheet")
    if data.startswith(_BINARY_MAGIC):
        raise CsvError("not_text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CsvError("not_text") from exc
    else:
        if b"\x00" in data:
            raise CsvError("not_text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CsvError("not_utf8") from exc
    if "\x00" in text:
        raise CsvError("not_text")
    if not text.strip():
        raise CsvError("empty")
    return text


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever the first line uses most outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    last_line = 0
    try:
        for row in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in row):
                rows.append((start, row))
    except csv.Error as exc:
        raise CsvError("not_csv") from exc
    return rows


@dataclass(frozen=True)
class _Columns:
    email: int
    name: int | None = None
    first: int | None = None
    last: int | None = None
    type: int | None = None


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _columns(rows: list[tuple[int, list[str]]]) -> tuple[_Columns, bool]:
    """Which column is which, and whether the first row is a header."""
    first = rows[0][1]
    # A first row without addresses is a header only if it names a column we know: a data
    # row with a mistyped address must show up as a problem, not vanish as a "header".
    has_header = not any("@" in cell for cell in first) and any(
        header_key(cell) in HEADERS for cell in first
    )
    data = rows[1:] if has_header else rows
    width = max(len(row) for _line, row in rows)

    def find(names: set[str]) -> int | None:
        if has_header:
            for index, cell in enumerate(first):
                if header_key(cell) in names:
                    return index
        return None

    email = find(EMAIL_HEADERS)
    if email is None:
        at_counts = [sum("@" in _cell(row, i) for _line, row in data) for i in range(width)]
        if not data or max(at_counts) == 0:
            raise CsvError("no_email_column")
        email = at_counts.index(max(at_counts))
    if has_header:
        return _Columns(
            email,
            find(NAME_HEADERS),
            find(FIRST_NAME_HEADERS),
            find(LAST_NAME_HEADERS),
            find(TYPE_HEADERS),
        ), True
    rest = [i for i in range(width) if i != email]
    user_type = next(
        (
            i
            for i in rest
            if any(_cell(r, i).strip() for _l, r in data)
            and all(user_type_of(_cell(r, i)) or not _cell(r, i).strip() for _l, r in data)
        ),
        None,
    )
    name = next(
        (i for i in rest if i != user_type and any(_cell(r, i).strip() for _l, r in data)), None
    )
    return _Columns(email, name=name, type=user_type), False


def parse_csv(data: bytes) -> list[Entry]:
    """People from a CSV file (email, optional name, optional user type; header optional;
    comma or semicolon). Raises CsvError when the file as a whole cannot be used."""
    text = decode_upload(data)
    rows = _rows(text, _delimiter(text))
    if not rows:
        raise CsvError("empty")
    columns, has_header = _columns(rows)
    entries = []
    for line, row in rows[1:] if has_header else rows:
        address = _cell(row, columns.email)
        name = _cell(row, columns.name)
        if not name and (columns.first is not None or columns.last is not None):
            name = f"{_cell(row, columns.first).strip()} {_cell(row, columns.last).strip()}"
        type_raw = _cell(row, columns.type)
        if not address.strip():
            entries.append(Entry(CSV, line, _delimiter_join(row), problem=Problem("no_address")))
            continue
        entries.append(
            read_entry(
                CSV, line, address, name=name, user_type=user_type_of(type_raw), type_raw=type_raw
            )
        )
    if not entries:
        raise CsvError("empty")
    return entries


def _delimiter_join(row: list[str]) -> str:
    return ", ".join(cell.strip() for cell in row if cell.strip())
