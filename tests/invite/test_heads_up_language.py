"""Every heads-up is in its reader's language: the pre-filled message goes to each person in
their language and names the invitation's subject as they will see it; a message the owner
changed goes as written."""

import html
import re

from tests.helpers import submit, text_of
from tests.invite.flow import add_people, heads_up, start, textarea
from tests.invite.test_heads_up import outbox
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import OutboxEmail

PEOPLE = "Ana Pro <ana.pro@acme.example>\nBen Pro <ben.pro@acme.example>"


def send_prefilled(client, base):
    """Send the message as it was pre-filled, the way the page's form posts it."""
    page = client.get(f"{base}/heads-up")
    subject = re.search(r'<input[^>]*id="subject"[^>]*value="([^"]*)"', page.get_data(as_text=True))
    return heads_up(
        client, base, "send", subject=html.unescape(subject.group(1)), body=textarea(page, "body")
    )


def invitation_subject(app, locale, inviter="Olivia Owner"):
    """The invitation's subject line as a reader of `locale` sees it."""
    context = {"business_name": "Acme Corp", "inviter_name": inviter,
               "inviter_email": "owner@acme.example", "user_type": "basic", "invitee_name": "",
               "expires_at": "2027-01-01T00:00:00+00:00"}
    with app.app_context():
        return render_email("invitation", locale=locale, context=context, preview=True).subject


def rendered(app, mail: OutboxEmail):
    with app.app_context():
        return render_email(mail.kind, locale=mail.locale, context=mail.context)


def test_ben_gets_the_prefilled_heads_up_in_german_naming_the_german_subject(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    assert "each person gets it in their own language" in text_of(client.get(f"{base}/heads-up"))
    assert send_prefilled(client, base).location.endswith("/licenses")
    ana, ben = outbox(app)
    assert (ana.locale, ben.locale) == ("en", "de")
    german = rendered(app, ben)
    assert german.subject == "Bevor Sie eine Einladung von Acme Corp erhalten"
    assert german.text.startswith("Guten Tag Ben Pro,")
    assert f"„{invitation_subject(app, 'de')}“" in german.text
    assert "invited you" not in german.text
    english = rendered(app, ana)
    assert english.text.startswith("Hello Ana Pro,")
    assert f"“{invitation_subject(app, 'en')}”" in english.text


def test_a_german_admin_names_the_subject_in_german_on_the_page(app, auth, client):
    auth.sign_in("admin@acme.example")
    submit(client, "/language", {"lang": "de"}, page="/users/")
    base = start(client)
    add_people(client, base, "ben.pro@acme.example")
    body = textarea(client.get(f"{base}/heads-up"), "body")
    assert f"„{invitation_subject(app, 'de', 'Adam Admin')}“" in body
    assert "invited you to join" not in body


def test_a_message_the_owner_changed_goes_to_everyone_as_written(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    heads_up(client, base, "send", subject="News from {business}", body="Hi {name}, see you.")
    with app.app_context():
        db.session.expire_all()
    ana, ben = outbox(app)
    assert ben.context["subject"] == "News from Acme Corp"
    assert ben.context["body"] == "Hi Ben Pro, see you."
