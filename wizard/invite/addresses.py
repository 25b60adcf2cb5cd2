"""Reading the people to invite from pasted text (csv_files.py reads an uploaded file), and
checking the batch.

Pure rules: no database, no request. Problems are codes with parameters; the templates turn
them into sentences that say how to fix each one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import DOT_ATOM_TEXT

TEXT = "text"
CSV = "csv"

BASIC = "basic"
LICENSED = "licensed"
_TYPE_WORDS = {
    "basic": BASIC,
    "basis": BASIC,
    "licensed": LICENSED,
    "licenced": LICENSED,
    "lizenziert": LICENSED,
}

# Header cells, compared with everything but letters and digits removed ("E-mail address").
EMAIL_HEADERS = {"email", "mail", "emailaddress", "address", "emailadresse", "mailaddress"}
NAME_HEADERS = {"name", "fullname", "displayname"}
FIRST_NAME_HEADERS = {"firstname", "givenname", "vorname"}
LAST_NAME_HEADERS = {"lastname", "surname", "familyname", "nachname"}
TYPE_HEADERS = {"usertype", "type", "license", "licence", "licensetype", "benutzertyp"}
HEADERS = EMAIL_HEADERS | NAME_HEADERS | FIRST_NAME_HEADERS | LAST_NAME_HEADERS | TYPE_HEADERS

MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one entry: a code the page explains, and what it needs to say so."""

    code: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One person as written: where, what was typed, and what was read from it."""

    source: str  # TEXT or CSV
    line: int
    raw: str
    email: str = ""  # normalised; empty when the address is not usable
    name: str = ""
    user_type: str | None = None  # None: the type chosen for everyone
    problem: Problem | None = None

    def with_problem(self, code: str, **params: str | int) -> Entry:
        return Entry(
            self.source,
            self.line,
            self.raw,
            self.email,
            self.name,
            self.user_type,
            Problem(code, params),
        )


# --- addresses -----------------------------------------------------------------------------


def normalise_address(raw: str) -> tuple[str, Problem | None]:
    """The address trimmed and lower-cased (domain in its ASCII form), or why it cannot be."""
    address = raw.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:].strip()
    if not address:
        return "", Problem("incomplete", {"raw": raw})
    if any(c.isspace() for c in address):
        return "", Problem("space", {"raw": raw})
    if "@" not in address:
        return "", Problem("missing_at", {"raw": raw})
    if address.count("@") > 1:
        return "", Problem("several_at", {"raw": raw})
    local, _at, domain = address.partition("@")
    if not local or not domain:
        return "", Problem("incomplete", {"raw": raw})
    if not local.isascii():
        return "", Problem("unicode_local", {"raw": raw})
    if "." not in domain.strip("."):
        return "", Problem("no_dot", {"raw": raw})
    if len(address) > MAX_EMAIL_LENGTH:
        return "", Problem("too_long", {"raw": raw})
    if DOT_ATOM_TEXT.match(local):
        # The usual case, and email-validator's own first test of the part before the @;
        # the domain is checked once per batch, not once per person (9,999 × acme.example).
        ascii_domain = _ascii_domain(domain)
        if ascii_domain is None:
            return "", Problem("invalid", {"raw": raw})
        ascii_email = f"{local}@{ascii_domain}"
    else:
        try:
            valid = validate_email(address, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError:
            return "", Problem("invalid", {"raw": raw})
        ascii_email = valid.ascii_email
    if len(ascii_email) > MAX_EMAIL_LENGTH:
        return "", Problem("too_long", {"raw": raw})
    return ascii_email.lower(), None


@functools.lru_cache(maxsize=4096)
def _ascii_domain(domain: str) -> str | None:
    """The domain in its ASCII form, or None when it is not a usable email domain."""
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return checked.ascii_domain


def _clean_name(raw: str) -> tuple[str, Problem | None]:
    name = " ".join(_CONTROL.sub(" ", raw).split())
    if not name:
        return "", None
    if "<" in name or ">" in name:
        return name, Problem("name_markup", {"name": name})
    if raw.lstrip(" ").startswith(_FORMULA_STARTS):
        return name, Problem("name_formula", {"name": name, "char": raw.lstrip(" ")[0].strip()})
    if len(name) > MAX_NAME_LENGTH:
        return name, Problem("name_too_long", {"name": name[:40] + "…"})
    return name, None


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return name


def parse_mailbox(token: str) -> tuple[str, str]:
    """Split `Ana Pro <ana@example.com>` into (name, address); a bare address has no name."""
    token = token.strip()
    if token.endswith(">") and "<" in token:
        start = token.rfind("<")
        return _unquote(token[:start]), token[start + 1 : -1]
    return "", token


def read_entry(
    source: str,
    line: int,
    raw: str,
    name: str = "",
    user_type: str | None = None,
    type_raw: str = "",
) -> Entry:
    """One entry from an address cell (maybe with a display name), a name and a user type."""
    display_name, address = parse_mailbox(raw)
    email, problem = normalise_address(address)
    clean, name_problem = _clean_name(name or display_name)
    entry = Entry(source, line, raw.strip(), email, clean, user_type)
    if problem is not None:
        return Entry(source, line, raw.strip(), "", clean, user_type, problem)
    if name_problem is not None:
        return Entry(source, line, raw.strip(), email, clean, user_type, name_problem)
    if type_raw and user_type is None:
        return entry.with_problem("bad_type", value=type_raw.strip())
    return entry


def user_type_of(word: str) -> str | None:
    """'Licensed', 'basic', ... as a user type; None when the word is not one."""
    return _TYPE_WORDS.get(word.strip().lower())


def header_key(cell: str) -> str:
    """A header cell with everything but letters and digits removed ("E-mail" is "email")."""
    return re.sub(r"[^0-9a-z]", "", cell.lower())


# --- pasted text ---------------------------------------------------------------------------


def split_addresses(line: str) -> list[str]:
    """Split a line at commas and semicolons, except inside quotes or <angle brackets>."""
    cells, current, quoted, angled = [], [], False, False
    for char in line:
        if char == '"' and not angled:
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        elif char in ",;" and not quoted and not angled:
            cells.append("".join(current))
            current = []
            continue
        current.append(char)
    cells.append("".join(current))
    return cells


def _is_header(cells: Iterable[str]) -> bool:
    keys = [header_key(c) for c in cells if c.strip()]
    return (
        bool(keys) and all(k in HEADERS for k in keys) and any(k in EMAIL_HEADERS for k in keys)
    )


def parse_text(text: str) -> list[Entry]:
    """People from pasted text: one per line or separated by commas or semicolons; a line
    with tabs (pasted from a spreadsheet) is one person's email, name and user type."""
    entries: list[Entry] = []
    seen_content = False
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if not line.strip():
            continue
        cells = line.split("\t") if "\t" in line else split_addresses(line)
        if not seen_content and _is_header(cells):
            seen_content = True
            continue
        seen_content = True
        if "\t" in line:
            entries.extend(_spreadsheet_row(number, cells))
        else:
            entries.extend(read_entry(TEXT, number, c) for c in cells if c.strip())
    return entries


def _spreadsheet_row(number: int, cells: list[str]) -> Iterator[Entry]:
    with_at = [c for c in cells if "@" in c]
    if len(with_at) != 1:
        for cell in cells:
            for part in split_addresses(cell):
                if part.strip():
                    yield read_entry(TEXT, number, part)
        return
    others = [c for c in cells if c.strip() and c is not with_at[0]]
    types = [c for c in others if user_type_of(c)]
    names = [c for c in others if not user_type_of(c)]
    yield read_entry(
        TEXT,
        number,
        with_at[0],
        name=names[0] if names else "",
        user_type=user_type_of(types[0]) if types else None,
    )


# --- the batch as a whole -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckedBatch:
    people: list[Entry]
    problems: list[Entry]


def check_batch(
    entries: Iterable[Entry],
    *,
    own_email: str,
    members: set[str],
    pending: set[str],
) -> CheckedBatch:
    """Split entries into people to invite and problems: bad entries, duplicates (ignoring
    case), the inviter's own address, members, and addresses with a pending invitation."""
    people: list[Entry] = []
    problems: list[Entry] = []
    first_seen: dict[str, Entry] = {}
    own = own_email.strip().lower()
    for entry in entries:
        if entry.problem is not None:
            problems.append(entry)
            continue
        earlier = first_seen.get(entry.email)
        if earlier is not None:
            problems.append(
                entry.with_problem(
                    "duplicate", email=entry.email, source=earlier.source, line=earlier.line
                )
            )
            continue
        first_seen[entry.email] = entry
        if entry.email == own:
            problems.append(entry.with_problem("own_address", email=entry.email))
        elif entry.email in members:
            problems.append(entry.with_problem("member", email=entry.email))
        elif entry.email in pending:
            problems.append(entry.with_problem("pending", email=entry.email))
        else:
            people.append(entry)
    return CheckedBatch(people, problems)


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()
