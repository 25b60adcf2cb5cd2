"""Step 2, tell them first: send the heads-up from here, send it yourself, or skip."""

import html
import re

from sqlalchemy import select

from tests.helpers import h1_of, submit, text_of, title_of
from tests.invite.flow import add_people, draft_of, heads_up, start, textarea
from tests.invite.test_people import upload
from wizard.extensions import db
from wizard.models import AuditEvent, OutboxEmail

PEOPLE = "Ana Pro <ana.pro@acme.example>\nben.pro@acme.example\ngus@acme.example"


def outbox(app, kind="heads_up"):
    with app.app_context():
        return db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)
        ).all()


def audit(app, action):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()


def test_the_message_is_prefilled_and_previewed_for_the_first_person(auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    page = client.get(f"{base}/heads-up")
    text = text_of(page)
    assert "Hello {name}," in textarea(page, "body")
    assert "What Ana Pro will read" in text
    assert "Hello Ana Pro, In the next few days I will invite you to join the Acme Corp" in text
    # It says what to look out for: the invitation's own subject line.
    assert (
        "Look out for an email with the subject “Olivia Owner invited you to join Acme Corp”."
        in text
    )
    assert "Check and send to 3 people" in text
    assert "Mark 3 people as contacted" in text


def test_the_prefilled_message_tells_only_licensed_people_that_the_business_pays(
    app, auth, client
):
    auth.sign_in()
    base = start(client)
    upload(
        client,
        base,
        b"email,name,user type\ngus@acme.example,Gus,Basic\n"
        b"ana.pro@acme.example,Ana Pro,Licensed\nben.pro@acme.example,Ben Pro,Basic\n",
    )
    page = client.get(f"{base}/heads-up")
    # The box goes to everyone once changed: nothing in it is untrue for either type.
    assert "pays for your license" not in textarea(page, "body")
    preview = text_of(page).split("What Gus will read", 1)[1].split("How do you want", 1)[0]
    assert "You join as a Basic user: meetings with 3 or more people end after 40 minutes" in (
        preview
    )
    assert "pays for your license" not in preview
    download = client.get(f"{base}/heads-up.txt").get_data(as_text=True)
    gus, ana, ben = download.split("=" * 70)[1:]
    assert "To: Gus <gus@acme.example>" in gus and "pays for your license" not in gus
    assert "Acme Corp can give you a license later." in gus
    assert "Why: in the business account, Acme Corp pays for your license" in ana
    assert "Basic" not in ana
    assert "Sie treten als Basis-Benutzer bei" in ben and "Ihre Lizenz" not in ben
    # Sent from here, each reads the same as in the download.
    subject = re.search(r'id="subject"[^>]*value="([^"]*)"', page.get_data(as_text=True))
    heads_up(
        client, base, "send", subject=html.unescape(subject.group(1)), body=textarea(page, "body")
    )
    bodies = {m.to_address: m.context["body"] for m in outbox(app)}
    assert "pays for your license" not in bodies["gus@acme.example"]
    assert "Acme Corp pays for your license" in bodies["ana.pro@acme.example"]


def test_sending_it_from_here_queues_one_personal_email_each_and_records_contact(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    response = heads_up(
        client,
        base,
        "send",
        subject="News from {business}",
        body="Hello {name}, {business} will invite you.",
    )
    assert response.location == f"{base}/licenses"
    assert "The message is on its way to 3 people." in text_of(client.get(response.location))
    mails = outbox(app)
    assert [(m.to_address, m.locale) for m in mails] == [
        ("ana.pro@acme.example", "en"),
        ("ben.pro@acme.example", "de"),
        ("gus@acme.example", "en"),
    ]
    assert mails[0].context == {
        "subject": "News from Acme Corp",
        "body": "Hello Ana Pro, Acme Corp will invite you.",
        "business_name": "Acme Corp",
        "sender_name": "Olivia Owner",
        "sender_email": "owner@acme.example",
    }
    assert mails[2].context["body"] == "Hello gus@acme.example, Acme Corp will invite you."
    contacted = draft_of(app, base).data["heads_up"]["contacted"]
    assert set(contacted) == {"ana.pro@acme.example", "ben.pro@acme.example", "gus@acme.example"}
    assert [e.subject_email for e in audit(app, "contacted")] == [m.to_address for m in mails]
    # A second click (or a refresh) sends nothing more.
    submit(
        client,
        f"{base}/heads-up",
        {"send": "1", "subject": "x", "body": "y"},
        page=f"{base}/licenses",
    )
    submit(client, f"{base}/heads-up/check", {}, page=f"{base}/licenses")
    assert len(outbox(app)) == 3
    assert "on its way" not in text_of(client.get(f"{base}/licenses"))


def test_send_first_shows_who_gets_what_and_sends_only_from_there(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    to_check = heads_up(client, base, "send", confirm=False, subject="News from {business}",
                        body="Hello {name}, {business} will invite you.")
    assert to_check.location == f"{base}/heads-up/check"
    assert outbox(app) == [] and audit(app, "contacted") == []
    page = client.get(to_check.location)
    text = text_of(page)
    assert h1_of(page) == "Check the message before it goes"
    assert title_of(page).startswith("Check the message before it goes")
    assert "The message goes to 3 people, each with their own name in it." in text
    assert "What Ana Pro will read Subject: News from Acme Corp" in text
    assert "Hello Ana Pro, Acme Corp will invite you." in text
    assert "Who gets it: 3 people" in text
    for person in ("Ana Pro <ana.pro@acme.example>", "ben.pro@acme.example", "gus@acme.example"):
        assert person in page.get_data(as_text=True).replace("&lt;", "<").replace("&gt;", ">")
    assert "Send the message to 3 people" in text
    # Change: back to the message, as it was typed.
    assert f'href="{base}/heads-up" id="change-message"' in page.get_data(as_text=True)
    assert "Hello {name}, {business} will invite you." in textarea(client.get(f"{base}/heads-up"),
                                                                   "body")
    sent = submit(client, to_check.location, {})
    assert sent.location == f"{base}/licenses"
    assert [m.to_address for m in outbox(app)] == [
        "ana.pro@acme.example", "ben.pro@acme.example", "gus@acme.example"
    ]


def test_sending_it_yourself_offers_a_download_and_marks_people_as_contacted(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    heads_up(client, base, "save", subject="Hi {name}", body="Dear {name} at {business}")
    download = client.get(f"{base}/heads-up.txt")
    assert download.mimetype == "text/plain"
    assert "attachment" in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert (
        "To: Ana Pro <ana.pro@acme.example>\nSubject: Hi Ana Pro\n\nDear Ana Pro at Acme Corp"
        in text
    )
    assert "To: gus@acme.example\nSubject: Hi gus@acme.example" in text
    page = client.get(f"{base}/heads-up")
    assert "ana.pro@acme.example" in textarea(page, "addresses-to-copy")
    response = heads_up(client, base, "mark", subject="Hi {name}", body="Dear {name}")
    assert response.location == f"{base}/licenses"
    assert outbox(app) == []
    assert len(draft_of(app, base).data["heads_up"]["contacted"]) == 3
    assert {e.details["how"] for e in audit(app, "contacted")} == {"own"}


def test_marking_people_as_contacted_needs_no_message_in_the_box(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    # The owner emailed them in their own words and cleared the box.
    response = heads_up(client, base, "mark", subject="", body="")
    assert response.location == f"{base}/licenses"
    assert "3 people are marked as contacted." in text_of(client.get(response.location))
    assert len(draft_of(app, base).data["heads_up"]["contacted"]) == 3
    assert outbox(app) == []


def test_skipping_needs_an_explicit_confirmation_and_sending_needs_a_message(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    page = heads_up(client, base, "send", subject="Only a subject", body="")
    assert "Enter the message, or skip this step" in text_of(page)
    assert 'value="Only a subject"' in page.get_data(as_text=True)
    page = heads_up(client, base, "skip", confirm_skip="")
    assert title_of(page).startswith("Error: Tell them before the invitation arrives")
    assert "Tick the box to confirm you want to skip telling people first" in text_of(page)
    assert client.get(f"{base}/licenses").location == f"{base}/heads-up"
    assert heads_up(client, base, "skip").location == f"{base}/licenses"
    assert draft_of(app, base).data["heads_up"]["skipped_at"]
    assert audit(app, "contacted") == [] and outbox(app) == []


def test_people_added_after_the_heads_up_are_the_only_ones_asked_about_again(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    heads_up(client, base, "send")
    add_people(client, base, PEOPLE + "\nHana <hana@acme.example>")
    assert client.get(f"{base}/licenses").location == f"{base}/heads-up"
    page = client.get(f"{base}/heads-up")
    assert "3 people have been contacted. 1 person has not been contacted yet" in text_of(page)
    assert "What Hana will read" in text_of(page)
    heads_up(client, base, "send")
    assert [m.to_address for m in outbox(app)][-1] == "hana@acme.example"
    assert len(outbox(app)) == 4
