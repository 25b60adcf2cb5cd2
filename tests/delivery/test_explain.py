"""Why an email was not delivered, in the reader's language: the worker's own words are
translated on display; what the mail server said stays as it said it."""

import smtplib
from datetime import timedelta

import pytest
from flask_babel import force_locale

from tests.helpers import submit, text_of
from tests.manage.factories import make_email, make_invitation
from wizard.delivery.claims import _not_linkable
from wizard.delivery.explain import explain
from wizard.delivery.rules import classify_failure
from wizard.extensions import db
from wizard.models import Invitation
from wizard.models.types import utcnow


@pytest.fixture
def german(app):
    with app.test_request_context(), force_locale("de"):
        yield


def test_the_workers_own_words_are_translated_and_the_servers_are_kept(app, german):
    lost = classify_failure(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    assert explain(lost.error) == (
        "Verbindung zum Mailserver verloren: Connection unexpectedly closed"
    )
    busy = classify_failure(smtplib.SMTPResponseException(451, b"4.3.0 Mailbox busy"))
    # The worker's words when it stops retrying (wizard/delivery/worker.py).
    assert explain(f"Gave up after 3 attempts: {busy.error}") == (
        "Nach 3 Versuchen aufgegeben: 451 4.3.0 Mailbox busy"
    )
    assert explain(f"Gave up after 1 attempt: {busy.error}") == (
        "Nach 1 Versuch aufgegeben: 451 4.3.0 Mailbox busy"
    )
    refused = classify_failure(smtplib.SMTPRecipientsRefused({"x@y": (550, b"5.1.1 No user")}))
    assert explain(refused.error) == "550 5.1.1 No user"
    assert explain(None) == "" and explain("") == ""


def test_one_attempt_is_one_attempt_in_english_too(app):
    with app.test_request_context(), force_locale("en"):
        assert explain("Gave up after 1 attempt: 550 5.1.1 No user") == (
            "Gave up after 1 attempt: 550 5.1.1 No user"
        )
        assert explain("Gave up after 2 attempts: 550 5.1.1 No user") == (
            "Gave up after 2 attempts: 550 5.1.1 No user"
        )


def test_an_invitation_closed_before_its_email_went_says_so_in_german(app, german):
    invitation_id = make_invitation(app, "late@acme.example", status="revoked")
    invitation = db.session.get(Invitation, invitation_id)
    assert explain(_not_linkable(invitation, utcnow())) == (
        "Nicht gesendet: Die Einladung ist zurückgezogen"
    )
    assert explain(_not_linkable(None, utcnow())) == (
        "Nicht gesendet: Die Einladung gibt es nicht mehr"
    )


def test_the_pending_tab_and_history_show_the_reason_in_the_owners_language(app, auth, client):
    invitation_id = make_invitation(app, "gone@acme.example", expires_in=timedelta(days=20))
    make_email(app, invitation_id, status="failed", attempts=8,
               error="Gave up after 8 attempts: Lost the mail server: timed out")
    auth.sign_in()
    submit(client, "/language", {"lang": "de", "next": "/users/pending/"}, page="/account/")
    listing = text_of(client.get("/users/pending/"))
    assert "Nach 8 Versuchen aufgegeben: Verbindung zum Mailserver verloren" in listing
    history = text_of(client.get(f"/users/pending/{invitation_id}"))
    assert "Nach 8 Versuchen aufgegeben: Verbindung zum Mailserver verloren: timed out" in history
    assert "Gave up" not in history
