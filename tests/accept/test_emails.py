"""The invitee side's emails as they are delivered: receipt, declined, asked again."""

import pytest
from sqlalchemy import select

from tests.accept.factory import invite
from tests.helpers import submit
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import OutboxEmail

RECEIPT = {
    "name": "Ana Pro",
    "business": "Acme Corp",
    "receipt_number": "R-000007",
    "amount": "10.66",
    "currency": "USD",
    "method": "refund",
    "payment_method_label": "Visa •••• 4242",
    "remaining_days": 20,
    "user_type": "licensed",
}

# The owner may be told too: these tests are about the invitee's receipt.
receipts = select(OutboxEmail).where(OutboxEmail.kind == "receipt")


def rendered(app, kind, context, locale="en"):
    with app.app_context():
        return render_email(kind, locale=locale, context=context)


@pytest.mark.parametrize("method", ["refund", "credit"])
def test_the_receipt_states_the_amount_where_it_went_and_the_number(app, method):
    mail = rendered(app, "receipt", {**RECEIPT, "method": method})
    for part in (mail.text, mail.html):
        assert "R-000007" in part
        assert "$10.66" in part
        assert "20 unused days of your Pro plan" in part
        assert ("Visa •••• 4242" in part) == (method == "refund")
    assert mail.subject.startswith("Receipt R-000007: $10.66")
    assert "Acme Corp" in mail.subject
    assert "<script" not in mail.html and 'style="' in mail.html


def test_the_receipt_formats_money_in_the_persons_language(app):
    mail = rendered(app, "receipt", {**RECEIPT, "amount": "116.09"}, locale="de")
    assert "116,09\xa0$" in mail.text


def test_the_inviter_hears_of_a_decline_with_the_message(app):
    mail = rendered(app, "invitation_declined", {
        "inviter_name": "Olivia Owner", "invitee_email": "ana.pro@acme.example",
        "invitee_name": "", "business": "Acme Corp", "message": "Thanks <b>but</b> no",
    })
    assert mail.subject == "ana.pro@acme.example declined the invitation to Acme Corp"
    assert "Thanks <b>but</b> no" in mail.text
    assert "Thanks &lt;b&gt;but&lt;/b&gt; no" in mail.html  # never markup from the invitee
    assert "/users/pending/" in mail.html


def test_the_inviter_is_asked_for_a_new_link(app):
    mail = rendered(app, "resend_requested", {
        "inviter_name": "Olivia Owner", "invitee_email": "ana.pro@acme.example",
        "invitee_name": "Ana Pro", "business": "Acme Corp", "valid_days": 30,
    })
    assert mail.subject == "Ana Pro asks for a new invitation to Acme Corp"
    assert "choose Resend" in mail.text
    assert "another 30 days" in mail.html


def test_a_queued_receipt_renders_from_its_outbox_row(app, client, auth):
    token = invite(app, "ana.pro@acme.example")
    auth.sign_in("ana.pro@acme.example")
    submit(client, f"/invitation/{token}/refund",
           {"method": "refund", "receipt_email": "ana.pro@acme.example"})
    with app.app_context():
        row = db.session.execute(receipts).scalar_one()
        mail = render_email(row.kind, locale=row.locale, context=row.context)
        assert "$10.66" in mail.text
        assert "Ana Pro" in mail.text
