"""Numbers and dates that appear twice agree: the Pending CSV's "Sent" and the page's, and the
batch banner's count after a resend (invitations, not emails)."""

import csv
import io
import re

from flask_babel import format_date
from sqlalchemy import select

from tests.helpers import text_of
from tests.manage.factories import make_batch, make_email, make_invitation
from wizard.extensions import db
from wizard.models import OutboxEmail


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_sent_column_is_the_date_the_page_shows_and_the_outbox_holds(app, auth, client):
    batch = make_batch(app, 1)
    inv = make_invitation(app, "ana.pro@acme.example", batch_id=batch)
    make_email(app, inv, status="sent")
    with app.app_context():
        delivered = db.session.scalar(
            select(OutboxEmail.sent_at).where(OutboxEmail.invitation_id == inv)
        )
    auth.sign_in()
    page = text_of(client.get("/users/pending/?status=all"))
    with app.test_request_context():
        shown = format_date(delivered, "medium")
    assert f"Sent {shown}" in page
    (row,) = csv_rows(client.get("/users/pending/export.csv?status=all"))
    assert row["Sent"], "the CSV left Sent empty"
    assert row["Sent"].startswith(delivered.strftime("%Y-%m-%d"))


def test_after_a_resend_the_banner_counts_invitations_not_emails(app, auth, client):
    batch = make_batch(app, 8)
    ids = [make_invitation(app, f"p{n}@example.com", batch_id=batch) for n in range(8)]
    for n, inv in enumerate(ids):
        make_email(app, inv, status="sent" if n < 6 else "queued", attempts=int(n < 6))
    make_email(app, ids[0], status="queued", attempts=0)  # a resend of a delivered invitation
    auth.sign_in()
    page = client.get("/users/pending/")
    html = page.get_data(as_text=True)
    # 6 of the 8 invitations were delivered; the resend is not a 9th, nor an undelivered one.
    assert "6 of 8 sent" in text_of(page)
    assert re.search(r'<progress[^>]*max="8" value="6"', html)


def test_a_resend_after_everything_was_delivered_brings_no_batch_banner_back(app, auth, client):
    batch = make_batch(app, 8)
    ids = [make_invitation(app, f"p{n}@example.com", batch_id=batch) for n in range(8)]
    for inv in ids:
        make_email(app, inv, status="sent")
    make_email(app, ids[0], status="queued", attempts=0)
    auth.sign_in()
    text = text_of(client.get("/users/pending/"))
    assert "7 of 8 sent" not in text
    assert "of 8 sent" not in text


# --- The Pending tab's counts, its rows and its CSV; the licenses page and the Users page ---

TILE = re.compile(
    r'status-counts__number">([\d,]+)</span>\s*<span class="status-counts__label">([^<]+)<'
)


def acme_invitations_by_status(app) -> dict[str, int]:
    """What the database holds for Acme, as the tab's tiles name it."""
    from wizard.models import Account, Invitation
    from wizard.models.types import utcnow

    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        rows = db.session.execute(
            select(Invitation.status, Invitation.expires_at).where(Invitation.account_id == acme)
        ).all()
        now = utcnow()
    counts = dict.fromkeys(("pending", "expired", "accepted", "declined", "revoked"), 0)
    for status, expires_at in rows:
        status = str(getattr(status, "value", status))
        if status == "pending" and expires_at.replace(tzinfo=now.tzinfo) <= now:
            status = "expired"
        counts[status] += 1
    counts["not_accepted"] = counts["pending"] + counts["expired"]
    counts["all"] = len(rows)
    return counts


def test_the_pending_tabs_counts_are_its_rows_its_csv_and_the_database(app, auth, client):
    from tests.manage.factories import hold_seats_every_way

    hold_seats_every_way(app)
    make_invitation(app, "two@acme.example")
    held = acme_invitations_by_status(app)
    auth.sign_in()
    html = client.get("/users/pending/").get_data(as_text=True)
    tiles = {label.strip(): int(n.replace(",", "")) for n, label in TILE.findall(html)}
    labels = {
        "not_accepted": "Not accepted yet", "pending": "Pending", "expired": "Expired",
        "accepted": "Accepted", "declined": "Declined", "revoked": "Revoked", "all": "All",
    }
    for key, label in labels.items():
        assert tiles[label] == held[key], f"{label!r} tile: {tiles[label]}, database: {held[key]}"
        query = "" if key == "not_accepted" else f"?status={key}"
        listing = client.get(f"/users/pending/{query}").get_data(as_text=True)
        rows = listing.count('class="pending-table__email"')
        assert rows == held[key], f"{label}: {rows} rows, the database holds {held[key]}"
        exported = csv_rows(client.get(f"/users/pending/export.csv{query}"))
        assert len(exported) == held[key], f"{label}: the CSV has {len(exported)} rows"


def test_the_licenses_page_and_the_users_page_tell_the_databases_numbers(app, auth, client):
    from tests.manage.factories import hold_seats_every_way
    from wizard.models import Account, Invitation, User, UserType
    from wizard.models.types import utcnow

    hold_seats_every_way(app)
    with app.app_context():
        acme = db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()
        purchased = acme.license_seats
        in_use = len(db.session.scalars(select(User.id).where(
            User.account_id == acme.id, User.user_type == UserType.LICENSED)).all())
        pending = len(db.session.scalars(select(Invitation.id).where(
            Invitation.account_id == acme.id, Invitation.status == "pending",
            Invitation.user_type == "licensed", Invitation.expires_at > utcnow())).all())
    free = purchased - in_use - pending
    assert pending == 1  # only one of hold_seats_every_way's invitations holds a license
    auth.sign_in()
    licenses = text_of(client.get("/users/licenses/"))
    for label, value in (("Purchased", purchased), ("In use by Licensed members", in_use),
                         ("Held by pending Licensed invitations", pending), ("Free", free)):
        assert f"{label} {value}" in licenses, f"the licenses page: {label} is not {value}"
    users = text_of(client.get("/users/"))
    assert (
        f"{purchased} licenses purchased: {in_use} in use, {pending} held by a pending "
        f"invitation, and {free} free." in users
    )
