"""Reading pasted addresses and CSV files: pure rules, tested without a database."""

import codecs
import csv
import io

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.invite.addresses import CSV, check_batch, normalise_address, parse_text
from wizard.invite.csv_files import CsvError, parse_csv


def emails_of(entries):
    return [e.email for e in entries]


def problems_of(entries):
    return [(e.line, e.problem.code) for e in entries if e.problem]


# --- pasted text ---------------------------------------------------------------------------


def test_addresses_one_per_line_or_separated_by_commas_and_semicolons_are_all_read():
    entries = parse_text(
        "ana@acme.example\nben@acme.example, chen@partner.example;dora@x.example\n"
    )
    assert emails_of(entries) == [
        "ana@acme.example",
        "ben@acme.example",
        "chen@partner.example",
        "dora@x.example",
    ]
    assert [e.line for e in entries] == [1, 2, 2, 2]
    assert problems_of(entries) == []


def test_display_names_from_an_address_book_give_the_name():
    entries = parse_text(
        'Ana Pro <ana.pro@acme.example>, "Pro, Ben" <ben.pro@acme.example>; <chen@x.example>'
    )
    assert [(e.name, e.email) for e in entries] == [
        ("Ana Pro", "ana.pro@acme.example"),
        ("Pro, Ben", "ben.pro@acme.example"),
        ("", "chen@x.example"),
    ]


def test_spaces_capitals_and_unicode_domains_are_normalised():
    entries = parse_text("   Ana.Pro@ACME.Example   \n mailto:ben@Bücher.example\n")
    assert emails_of(entries) == ["ana.pro@acme.example", "ben@xn--bcher-kva.example"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ana.pro", "missing_at"),
        ("ana pro@acme.example", "space"),
        ("ana@pro@acme.example", "several_at"),
        ("@acme.example", "incomplete"),
        ("ana@", "incomplete"),
        ("ana@acme", "no_dot"),
        ("jürgen@acme.example", "unicode_local"),
        ("ana..pro@acme.example", "invalid"),
        ("ana@acme.example.", "invalid"),
        ("a" * 250 + "@acme.example", "too_long"),
    ],
)
def test_each_bad_address_is_a_problem_that_says_what_is_wrong(typed, code):
    [entry] = parse_text(f"ok@acme.example\n{typed}")[1:]
    assert (entry.line, entry.problem.code, entry.raw) == (2, code, typed)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("<b>Ana</b> <ana@acme.example>", "name_markup"),
        ('=HYPERLINK("http://x") <ana@acme.example>', "name_formula"),
        ("+SUM(A1) <ana@acme.example>", "name_formula"),
        ("@cmd <ana@acme.example>", "name_formula"),
        ("x" * 201 + " <ana@acme.example>", "name_too_long"),
    ],
)
def test_names_with_markup_or_formulas_are_problems(typed, code):
    [entry] = parse_text(typed)
    assert entry.problem.code == code


def test_lines_pasted_from_a_spreadsheet_give_address_name_and_user_type():
    entries = parse_text("Ana Pro\tana.pro@acme.example\tLicensed\nben@acme.example\tBen\t\n")
    assert [(e.email, e.name, e.user_type) for e in entries] == [
        ("ana.pro@acme.example", "Ana Pro", "licensed"),
        ("ben@acme.example", "Ben", None),
    ]


def test_a_pasted_header_line_is_not_a_person():
    entries = parse_text("Email;Name\nana@acme.example;\n")
    assert emails_of(entries) == ["ana@acme.example"]


def test_the_batch_check_finds_duplicates_ignoring_case_own_address_members_and_pending():
    entries = parse_text(
        "ana@acme.example\nANA@Acme.example\nowner@acme.example\n"
        "member@acme.example\npending@acme.example\nnew@acme.example\nbad"
    )
    checked = check_batch(
        entries,
        own_email="Owner@acme.example",
        members={"member@acme.example", "owner@acme.example"},
        pending={"pending@acme.example"},
    )
    assert emails_of(checked.people) == ["ana@acme.example", "new@acme.example"]
    assert problems_of(checked.problems) == [
        (2, "duplicate"),
        (3, "own_address"),
        (4, "member"),
        (5, "pending"),
        (7, "missing_at"),
    ]
    assert checked.problems[0].problem.params == {
        "email": "ana@acme.example",
        "source": "text",
        "line": 1,
    }


# --- CSV files -----------------------------------------------------------------------------


def test_csv_with_bom_semicolons_header_and_user_types():
    data = "\ufeffE-mail;Name;User type\nana@acme.example;Ana Pro;Licensed\nben@acme.example;;\n"
    entries = parse_csv(data.encode())
    assert [(e.source, e.line, e.email, e.name, e.user_type) for e in entries] == [
        (CSV, 2, "ana@acme.example", "Ana Pro", "licensed"),
        (CSV, 3, "ben@acme.example", "", None),
    ]


def test_csv_without_header_finds_the_columns_by_what_is_in_them():
    entries = parse_csv(b"Ana Pro,basic,ana@acme.example\nBen,licensed,ben@acme.example\n")
    assert [(e.email, e.name, e.user_type) for e in entries] == [
        ("ana@acme.example", "Ana Pro", "basic"),
        ("ben@acme.example", "Ben", "licensed"),
    ]


def test_csv_first_and_last_name_columns_make_the_name():
    entries = parse_csv(b"First name,Last name,Email\nAna,Pro,ana@acme.example\n")
    assert entries[0].name == "Ana Pro"


def test_csv_problems_name_their_row_counting_every_line_of_the_file():
    data = (
        b'email,name,type\n"ana@acme.example","Ana\nPro",basic\n\n'
        b"bad,,\n,Nobody,\nc@x.example,,gold\n"
    )
    entries = parse_csv(data)
    assert [(e.line, e.problem.code if e.problem else None) for e in entries] == [
        (2, None),
        (5, "missing_at"),
        (6, "no_address"),
        (7, "bad_type"),
    ]
    assert entries[3].problem.params == {"value": "gold"}


def test_a_first_row_with_a_mistyped_address_is_a_problem_not_a_header():
    entries = parse_csv(b"ana.acme.example\nben@acme.example\n")
    assert [(e.line, e.problem.code if e.problem else None) for e in entries] == [
        (1, "missing_at"),
        (2, None),
    ]


def test_utf16_from_a_spreadsheet_is_read():
    data = codecs.BOM_UTF16_LE + "email\tname\njürgen@xn--bcher-kva.example\tJürgen\n".replace(
        "jürgen", "juergen"
    ).encode("utf-16-le")
    assert [(e.email, e.name) for e in parse_csv(data)] == [
        ("juergen@xn--bcher-kva.example", "Jürgen")
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n \n", "empty"),
        (b"email,name\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet"),
        (b"%PDF-1.7\n", "not_text"),
        (b"ana@acme.example\x00\x00", "not_text"),
        ("ana@acme.example,Jürgen\n".encode("latin-1"), "not_utf8"),
        (b"name,phone\nAna,123\n", "no_email_column"),
        (b'"' + b"x" * 200_000 + b"@acme.example\n", "not_csv"),
    ],
)
def test_files_that_cannot_be_used_are_refused_with_the_reason(data, code):
    with pytest.raises(CsvError) as refused:
        parse_csv(data)
    assert refused.value.code == code


# --- properties ----------------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_WORD = st.text(alphabet=_ALNUM, min_size=1, max_size=8)
_LABEL = st.builds(lambda a, b: f"{a}-{b}" if b else a, _WORD, st.one_of(st.just(""), _WORD))
_DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_LABEL, min_size=1, max_size=3),
    st.sampled_from(["example", "com", "org", "de", "io"]),
)
_LOCAL = st.builds(
    lambda a, b, c: a + (f".{b}" if b else "") + c,
    st.text(alphabet=_ALNUM + "_+", min_size=1, max_size=10),
    st.one_of(st.just(""), _WORD),
    st.sampled_from(["", "-x", "+tag"]),
)
ADDRESSES = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)
NAMES = (
    st.text(
        alphabet=st.characters(
            categories=("L", "N", "Zs"), include_characters="-.'&,;\"()", exclude_characters="\x85"
        ),
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: not s.startswith(("-", "+", "=", "@")))
)
SEPARATORS = st.sampled_from(["\n", "\r\n", ",", ", ", ";", " ; ", "\n\n"])
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _capitalise(address: str, bits: int) -> str:
    """Upper-case the letters whose bit is set: people type addresses in any case."""
    return "".join(c.upper() if bits >> (i % 60) & 1 else c for i, c in enumerate(address))


@QUICK
@given(
    people=st.lists(
        st.tuples(
            ADDRESSES,
            st.sampled_from(["", "Ana Pro", "Pro, Ben", "Zoë O'Brien"]),
            st.integers(0, 2**60),
        ),
        min_size=1,
        max_size=12,
    ),
    separators=st.lists(SEPARATORS, min_size=12, max_size=12),
)
def test_any_list_of_addresses_reads_back_in_order_on_the_right_lines(people, separators):
    text, expected, line = "", [], 1
    for (address, name, flips), separator in zip(people, separators, strict=False):
        typed = _capitalise(address, flips)
        if name:
            quoted = f'"{name}"' if "," in name else name
            typed = f"{quoted} <{typed}>"
        text += typed + separator
        expected.append((line, address, name))
        line += separator.count("\n")
    entries = parse_text(text)
    assert [(e.line, e.email, e.name) for e in entries] == expected
    assert all(e.problem is None for e in entries)


@QUICK
@given(
    address=st.one_of(
        ADDRESSES,
        st.builds(lambda a, b: a + b, ADDRESSES, st.sampled_from(["", ".", "-", "ü", "..x"])),
        st.builds(lambda a, d: f"{a}@{d}", st.text(max_size=12), _DOMAIN),
        st.builds(lambda a, d: f"{a}@{d}", _LOCAL, st.text(max_size=12)),
    )
)
def test_addresses_are_judged_exactly_as_email_validator_judges_them(address):
    # Addresses are trimmed first (DESIGN: stored trimmed): judge what is left, as the app does.
    try:
        expected = validate_email(
            address.strip(), check_deliverability=False, allow_smtputf8=False
        )
    except EmailNotValidError:
        expected = None
    email, problem = normalise_address(address)
    if expected is None or len(expected.ascii_email) > 254:
        assert problem is not None and email == ""
    else:
        assert (email, problem) == (expected.ascii_email.lower(), None)


@QUICK
@given(st.text(max_size=300))
def test_any_text_is_read_without_failing_and_every_entry_has_an_address_or_a_problem(text):
    entries = parse_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for entry in entries:
        assert 1 <= entry.line <= len(lines)
        assert entry.raw.strip() and entry.raw.strip() in lines[entry.line - 1]
        if entry.problem is None:
            assert entry.email == entry.email.lower().strip() and "@" in entry.email


@QUICK
@given(
    rows=st.lists(
        st.tuples(ADDRESSES, NAMES, st.sampled_from([None, "basic", "licensed", "Licensed"])),
        min_size=1,
        max_size=15,
    ),
    delimiter=st.sampled_from([",", ";"]),
    header=st.booleans(),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_rows_a_spreadsheet_writes_as_csv_read_back(rows, delimiter, header, bom, newline):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    if header:
        writer.writerow(["Email", "Name", "User type"])
    for address, name, user_type in rows:
        writer.writerow([address, name, user_type or ""])
    data = ("\ufeff" if bom else "") + out.getvalue()
    entries = parse_csv(data.encode())
    assert [(e.email, e.name, e.user_type) for e in entries] == [
        (address, name, user_type.lower() if user_type else None)
        for address, name, user_type in rows
    ]
    assert all(e.problem is None for e in entries)
    assert [e.line for e in entries] == [i + (2 if header else 1) for i in range(len(rows))]


@QUICK
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    try:
        entries = parse_csv(data)
    except CsvError as refused:
        assert refused.code
    else:
        assert entries and all(e.line >= 1 for e in entries)


@QUICK
@given(st.lists(st.tuples(ADDRESSES, st.integers(0, 2**60)), max_size=20))
def test_a_checked_batch_keeps_each_address_once_and_loses_no_entry(addresses):
    text = "\n".join(_capitalise(a, flips) for a, flips in addresses)
    entries = parse_text(text)
    checked = check_batch(entries, own_email="owner@acme.example", members=set(), pending=set())
    kept = emails_of(checked.people)
    assert len(kept) == len(set(kept)) == len({a for a, _f in addresses})
    assert len(checked.people) + len(checked.problems) == len(entries)
