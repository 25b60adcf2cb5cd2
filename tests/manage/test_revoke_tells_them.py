"""Revoking can tell the person: off unless ticked, then an email in their language that
says what withdrawing means for them, with the owner's note."""

import re

from sqlalchemy import select

from tests.helpers import submit, text_of
from tests.manage.factories import invitation, make_invitation, outbox_rows
from wizard.delivery.mailer import render_email
from wizard.delivery.smtp import build_message
from wizard.extensions import db
from wizard.models import AuditEvent, Invitation, OutboxEmail


def revoke(client, inv, **fields):
    return submit(
        client,
        "/users/pending/revoke",
        {"ids": str(inv), "back": "/users/pending/", **fields},
        page=f"/users/pending/revoke?ids={inv}",
    )


def delivered(app, inv):
    """The withdrawal email of an invitation, rendered as the delivery worker renders it."""
    with app.app_context():
        row = db.session.scalars(
            select(OutboxEmail).where(
                OutboxEmail.invitation_id == inv, OutboxEmail.kind == "invitation_withdrawn"
            )
        ).one()
        mail = render_email(row.kind, locale=row.locale, context=row.context,
                            invitation=db.session.get(Invitation, row.invitation_id))
        message = build_message(row, mail)
        assert message.recipients[0][1] == row.to_address
        return message.reply_to, row.locale, mail


def test_the_choice_to_tell_them_is_offered_and_not_ticked(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    html = client.get(f"/users/pending/revoke?ids={inv}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="tell"[^>]*>', html).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert "Tell them by email that the invitation was withdrawn" in html
    assert "Nobody is told, unless you choose below to tell them by email." in html


def test_without_the_box_ticked_nobody_gets_an_email(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    revoke(client, inv)
    assert invitation(app, inv).status == "revoked"
    assert outbox_rows(app, inv) == []


def test_ticked_the_person_gets_an_email_in_their_language_with_the_note(app, auth, client):
    inv = make_invitation(app, "ben.pro@acme.example", name="Ben Pro")  # ben reads German
    auth.sign_in()
    response = revoke(client, inv, tell="y", note="Wir haben uns vertan.\nEntschuldigung!")
    assert response.status_code == 302
    assert invitation(app, inv).status == "revoked"
    reply_to, locale, mail = delivered(app, inv)
    assert (reply_to, locale) == (("Olivia Owner", "owner@acme.example"), "de")
    assert mail.subject == "Acme Corp hat Ihre Einladung zurückgezogen"
    assert "Guten Tag Ben Pro," in mail.text
    assert "Der Link in der Einladungs-E-Mail funktioniert nicht mehr." in mail.text
    # ben pays for Pro today: his subscription goes on
    assert "Ihr Pro-Abonnement läuft weiter wie bisher" in mail.text
    assert "Wir haben uns vertan." in mail.text and "Wir haben uns vertan." in mail.html
    assert "owner@acme.example" in mail.text
    assert "An email telling them that the invitation was withdrawn is on its way." in text_of(
        client.get("/users/pending/")
    )
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.invitation_id == inv)).one()
        assert (event.action, event.details) == ("revoked", {"told": True})
    history = text_of(client.get(f"/users/pending/{inv}"))
    assert "They were told by email." in history
    assert "Email saying the invitation was withdrawn to ben.pro@acme.example" in history


def test_the_email_says_what_withdrawing_means_for_what_each_reader_has(app, auth, client):
    readers = {
        "ana.pro@acme.example": "your Pro subscription goes on as before",
        "dora@acme.example": "your own account stays exactly as it is",
        "gus@acme.example": "no account was created for you",
    }
    ids = {email: make_invitation(app, email) for email in readers}
    auth.sign_in()
    for email, words in readers.items():
        revoke(client, ids[email], tell="y")
        _, locale, mail = delivered(app, ids[email])
        assert locale == "en"
        assert words in mail.text and words in mail.html, email
        others = [w for e, w in readers.items() if e != email]
        assert not any(w in mail.text for w in others), email
        assert "A note from" not in mail.text


def test_a_note_without_the_box_ticked_is_kept_and_explained_and_nothing_is_done(
    app, auth, client
):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    response = revoke(client, inv, note="Sorry, wrong person")
    assert response.status_code == 200
    page = text_of(response)
    assert "Tick “Tell them by email” to send your note, or clear the note" in page
    assert "Sorry, wrong person" in response.get_data(as_text=True)
    assert invitation(app, inv).status == "pending"
    assert outbox_rows(app, inv) == []


def test_a_note_that_is_too_long_is_kept_and_explained(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    response = revoke(client, inv, tell="y", note="x" * 1001)
    assert "Keep the note to 1,000 characters or fewer" in text_of(response)
    assert "x" * 1001 in response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="tell"[^>]*>', html).group(0)
    assert invitation(app, inv).status == "pending"
