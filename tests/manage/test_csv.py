"""CSV exports: safe to open in a spreadsheet, UTF-8 with a BOM, filtered like the page."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.manage.factories import make_email, make_invitation
from wizard.manage.csv_export import csv_lines, neutralise


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("ana.pro@acme.example", "ana.pro@acme.example"),
        ("Ana = Pro", "Ana = Pro"),
        ("", ""),
        (None, ""),
        (7, "7"),
        (datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "2026-12-01 09:30 UTC"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_turned_into_text(cell, written):
    assert neutralise(cell) == written


def test_a_file_starts_with_the_bom_and_reads_back_as_written():
    text = "".join(
        csv_lines(["E-Mail", "Name"], [["a@example.com", 'Zoë, "Z"'], ["=1+1", "line\nbreak"]])
    )
    assert text.startswith("\ufeffE-Mail,Name\r\n")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["E-Mail", "Name"],
        ["a@example.com", 'Zoë, "Z"'],
        ["'=1+1", "line\nbreak"],
    ]


def read(response) -> list[dict[str, str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_pending_export_has_every_matching_invitation_with_its_delivery(app, auth, client):
    bad = make_invitation(app, "=cmd|' /C calc'!A0@evil.example", name="@Mallory")
    make_email(app, bad, status="failed", attempts=5, error="-550 rejected")
    make_invitation(app, "gus@acme.example", expires_in=timedelta(days=-1), user_type="licensed")
    make_invitation(app, "yes@example.com", status="accepted")
    auth.sign_in()
    response = client.get("/users/pending/export.csv?sort=email&status=all")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = read(response)
    assert [r["Email address"] for r in rows] == [
        "'=cmd|' /C calc'!A0@evil.example",
        "gus@acme.example",
        "yes@example.com",
    ]
    first = rows[0]
    assert first["Name"] == "'@Mallory"
    assert first["Status"] == "Pending"
    assert first["Email delivery"] == "Not delivered"
    assert first["Delivery problem"] == "'-550 rejected"
    assert first["Invited by"] == "Olivia Owner"
    assert rows[1]["Status"] == "Expired" and rows[1]["User type"] == "Licensed"
    assert rows[2]["Status"] == "Accepted"


def test_the_pending_export_follows_the_filters_of_the_page(app, auth, client):
    make_invitation(app, "a@example.com")
    make_invitation(app, "b@example.com", status="revoked")
    auth.sign_in()
    html = client.get("/users/pending/?status=revoked").get_data(as_text=True)
    assert 'href="/users/pending/export.csv?status=revoked"' in html
    rows = read(client.get("/users/pending/export.csv?status=revoked"))
    assert [r["Email address"] for r in rows] == ["b@example.com"]


def test_the_audit_export_neutralises_what_people_typed(app, auth, client):
    from tests.manage.test_audit_log import record

    record(app, "declined", actor=None, subject="x@example.com", message="=1+1")
    auth.sign_in()
    [row] = read(client.get("/users/audit-log/export.csv"))
    assert row["Who"] == "System"
    assert row["What happened"] == "Declined"
    assert row["Details"] == "Message: “=1+1”"  # starts with M: safe as it is
    assert row["About"] == "x@example.com"


def test_a_member_cannot_export_the_pending_list(app, auth, client):
    make_invitation(app, "secret@example.com")
    auth.sign_in("member@acme.example")
    response = client.get("/users/pending/export.csv")
    assert response.status_code == 403
    assert b"secret@example.com" not in response.get_data()
