"""The history of one invitation: from being created to the refund method chosen."""

import re
from datetime import timedelta

from sqlalchemy import select

from tests.helpers import h1_of, submit, text_of, title_of
from tests.manage.factories import account_id, make_email, make_invitation, make_refund, user_id
from wizard.common import audit
from wizard.extensions import db
from wizard.models import Invitation


def test_history_tells_the_story_of_an_invitation_in_order(app, auth, client):
    inv = make_invitation(
        app, "ana.pro@acme.example", name="Ana Pro", contacted=True, created_ago=timedelta(days=3)
    )
    make_email(app, inv, status="failed", attempts=4, error="451 4.7.1 Greylisted, try later")
    auth.sign_in()
    page = client.get(f"/users/pending/{inv}")
    text = text_of(page)
    assert h1_of(page) == "Invitation to ana.pro@acme.example"
    assert title_of(page).startswith("Invitation to ana.pro@acme.example")
    assert "Told in advance." in text
    assert "Invitation created by Olivia Owner." in text
    assert "could not be delivered (4 attempts)" in text
    assert "Reason: 451 4.7.1 Greylisted, try later" in text
    assert text.index("Told in advance.") < text.index("Invitation created by")
    assert text.index("Invitation created by") < text.index("could not be delivered")


def test_history_shows_resends_and_the_answer_with_the_refund_method_but_no_amount(
    app, auth, client
):
    inv = make_invitation(app, "ana.pro@acme.example", created_ago=timedelta(days=3))
    make_email(app, inv, status="sent")
    auth.sign_in()
    client.get(f"/users/pending/resend?ids={inv}")
    submit(
        client, "/users/pending/resend", {"ids": str(inv)}, page=f"/users/pending/resend?ids={inv}"
    )
    with app.app_context():  # what the acceptance code records
        invitation = db.session.get(Invitation, inv)
        invitation.status = "accepted"
        audit.record(
            "accepted",
            account_id=invitation.account_id,
            actor_id=user_id("ana.pro@acme.example"),
            subject_email=invitation.email,
            invitation_id=inv,
            details={"user_type": "basic", "refund_method": "refund"},
        )
        invitation.last_viewed_at = invitation.created_at + timedelta(days=1)
        db.session.commit()
    make_refund(app, inv, method="refund", card="Visa •••• 4242")
    text = text_of(client.get(f"/users/pending/{inv}"))
    assert "Resent by Olivia Owner with a new link. New link valid until" in text
    assert "Invitation email to ana.pro@acme.example is waiting to be sent." in text
    assert "Accepted. User type: Basic." in text
    assert "Refund to the original payment method (Visa •••• 4242)" in text
    assert "Opened the invitation page" in text
    assert "7.46" not in text  # the amount is the invitee's business
    assert "Resend invitation" not in text and "Revoke invitation" not in text


def test_a_declined_invitation_shows_the_message_and_a_credit_shows_as_credit(app, auth, client):
    declined = make_invitation(app, "dora@acme.example", status="declined")
    accepted = make_invitation(app, "ben.pro@acme.example", status="accepted")
    make_refund(app, accepted, method="credit")
    with app.app_context():
        audit.record(
            "declined",
            account_id=account_id(),
            actor_id=None,
            subject_email="dora@acme.example",
            invitation_id=declined,
            details={"message": "Not this year"},
        )
        db.session.commit()
    auth.sign_in()
    assert "Declined. Message: “Not this year”" in text_of(client.get(f"/users/pending/{declined}"))
    text = text_of(client.get(f"/users/pending/{accepted}"))
    assert "Accepted." in text  # no audit event: the invitation's own dates tell it
    assert "Credit transferred to the business account" in text


def test_history_offers_the_actions_its_status_allows(app, auth, client):
    pending = make_invitation(app, "a@example.com")
    expired = make_invitation(app, "b@example.com", expires_in=timedelta(days=-1))
    auth.sign_in()
    html = client.get(f"/users/pending/{pending}").get_data(as_text=True)
    assert f"/users/pending/resend?ids={pending}" in html
    assert f"/users/pending/revoke?ids={pending}" in html
    html = client.get(f"/users/pending/{expired}").get_data(as_text=True)
    assert f"/users/pending/resend?ids={expired}" in html
    assert "/users/pending/revoke" not in html
    assert "The link stopped working on" in text_of(client.get(f"/users/pending/{expired}"))


def test_history_of_another_accounts_invitation_or_none_is_not_found(app, auth, client):
    theirs = make_invitation(
        app, "x@example.com", account="Globex", invited_by="owner@globex.example"
    )
    auth.sign_in()
    assert client.get(f"/users/pending/{theirs}").status_code == 404
    assert client.get("/users/pending/999999").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Invitation.id).where(Invitation.id == theirs))


def test_history_has_unique_ids(app, auth, client):
    inv = make_invitation(app, "a@example.com", contacted=True)
    make_email(app, inv, status="sent")
    make_email(app, inv, kind="reminder", status="retrying", attempts=2, error="451 later")
    auth.sign_in()
    page = client.get(f"/users/pending/{inv}")
    ids = re.findall(r'\sid="([^"]+)"', page.get_data(as_text=True))
    assert len(ids) == len(set(ids))
    assert "Reminder email: Retrying" in text_of(page)


def test_every_email_kind_in_the_history_has_a_name_in_each_language(app):
    """A German owner never reads an email kind's code name ("Invitation accepted") in English."""
    from pathlib import Path

    from flask_babel import force_locale

    from wizard.manage.views.pending_labels import email_kind_label

    templates = Path(app.root_path).parent / "templates" / "email"
    kinds = sorted(
        p.stem for p in templates.glob("*.html")
        if not p.stem.startswith("_") and not p.stem.endswith("_subject")
    )
    assert "invitation" in kinds and "invitation_accepted" in kinds
    with app.test_request_context():
        for kind in kinds:
            with force_locale("en"):
                english = email_kind_label(kind)
            with force_locale("de"):
                german = email_kind_label(kind)
            assert english != kind.replace("_", " ").capitalize(), f"{kind} has no label"
            assert german != english, f"{kind}: {english!r} is not translated"
