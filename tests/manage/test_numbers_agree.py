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
