"""Heads-up messages as a spam channel: few to addresses outside the verified domains
(HEADS_UP_OUTSIDE_DOMAINS_PER_DAY), a footer that says who sent it and where to report
abuse, and heads-up messages that no invitation followed counted for the operator."""

from sqlalchemy import func, select

from tests.helpers import submit, text_of
from tests.invite.flow import add_people, heads_up, start, textarea
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import AuditEvent, OutboxEmail

OUTSIDE = "chen.pro@partner.example\nzoe@elsewhere.example\nmax@elsewhere.example"
INSIDE = "ana.pro@acme.example\ngus@acme.example"
MESSAGE = {"subject": "Hi from {business}", "body": "Hello {name}, my own words to you."}


def queued(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(OutboxEmail.id)).where(OutboxEmail.kind == "heads_up")
        )


def test_over_the_cap_the_page_says_so_before_sending_and_keeps_the_message(app, auth, client):
    app.config["HEADS_UP_OUTSIDE_DOMAINS_PER_DAY"] = 2
    auth.sign_in()
    base = start(client)
    add_people(client, base, f"{OUTSIDE}\n{INSIDE}")
    saved = submit(client, f"{base}/heads-up", {"save": "1", **MESSAGE})
    assert saved.status_code == 302
    page = client.get(f"{base}/heads-up")
    text = text_of(page)
    assert "More heads-up messages to other domains than this account can send today" in text
    assert "at most 2 of them in 24 hours" in text
    assert "This message would go to 3 people outside your verified domains." in text
    assert 'id="send"' not in page.get_data(as_text=True)
    assert textarea(page, "body") == MESSAGE["body"]

    refused = submit(client, f"{base}/heads-up/check", {}, page=f"{base}/heads-up/check")
    assert refused.status_code == 429
    assert "Your message is kept." in text_of(refused)
    assert queued(app) == 0
    assert textarea(client.get(f"{base}/heads-up"), "body") == MESSAGE["body"]


def test_addresses_on_verified_domains_do_not_count_and_outside_ones_are_marked(
    app, auth, client
):
    app.config["HEADS_UP_OUTSIDE_DOMAINS_PER_DAY"] = 1
    auth.sign_in()
    base = start(client)
    add_people(client, base, f"{INSIDE}\nchen.pro@partner.example")
    assert heads_up(client, base, "send", **MESSAGE).location == f"{base}/licenses"
    assert queued(app) == 3
    with app.app_context():
        marked = db.session.scalars(
            select(AuditEvent.subject_email).where(
                AuditEvent.action == "contacted", AuditEvent.details["outside"].as_boolean()
            )
        ).all()
    assert marked == ["chen.pro@partner.example"]
    # The one outside used the day's cap: the next list outside waits, inside still goes.
    other = start(client)
    add_people(client, other, "zoe@elsewhere.example")
    assert heads_up(client, other, "send", **MESSAGE).status_code == 429
    assert queued(app) == 3


def test_a_heads_up_no_invitation_followed_still_counts_and_is_reported(app, auth, client):
    app.config["HEADS_UP_OUTSIDE_DOMAINS_PER_DAY"] = 3
    auth.sign_in()
    base = start(client)
    add_people(client, base, OUTSIDE)
    heads_up(client, base, "send", **MESSAGE)
    start(client, start_over=True)  # the list is abandoned: no invitation will follow
    again = start(client)
    add_people(client, again, "someone@elsewhere.example")
    assert "0 more can go out now" in text_of(client.get(f"{again}/heads-up"))

    report = app.test_cli_runner().invoke(args=["heads-up-report", "--days", "1"])
    assert report.exit_code == 0, report.output
    assert (
        "Acme Corp (account 1): 3 of 3 unanswered, 3 of them outside its verified domains"
        in report.output
    )


def test_an_invitation_after_the_heads_up_answers_it_in_the_report(app, auth, client):
    from tests.invite.flow import confirm_licenses, send

    auth.sign_in()
    base = start(client)
    add_people(client, base, "chen.pro@partner.example\nzoe@elsewhere.example")
    heads_up(client, base, "send", **MESSAGE)
    confirm_licenses(client, base)
    send(client, base)
    report = app.test_cli_runner().invoke(args=["heads-up-report"])
    assert "Acme Corp (account 1): 0 of 2 unanswered" in report.output


def test_every_heads_up_says_who_sent_it_from_which_business_and_where_to_report_abuse(app):
    app.config["ABUSE_CONTACT"] = "abuse@invite-wizard.example"
    context = {
        "subject": "Hi",
        "body": "Hello, my own words.",
        "business_name": "Acme Corp",
        "sender_name": "Olivia Owner",
        "sender_email": "owner@acme.example",
    }
    with app.test_request_context():
        english = render_email("heads_up", locale="en", context=context)
        german = render_email("heads_up", locale="de", context=context)
    footer = (
        "Olivia Owner (owner@acme.example) of Acme Corp wrote this message and sent it through "
        "Business Invite Wizard. If you did not expect it or think it is spam, report it to "
        "abuse@invite-wizard.example."
    )
    assert footer in " ".join(english.text.split())
    assert "mailto:abuse@invite-wizard.example" in english.html
    assert "abuse@invite-wizard.example" in german.text and "Spam" in german.text


def test_without_an_abuse_contact_the_footer_names_the_senders_address(app):
    with app.test_request_context():
        email = render_email(
            "heads_up",
            locale="en",
            context={
                "subject": "Hi",
                "body": "Hello.",
                "business_name": "Acme Corp",
                "sender_name": "Olivia Owner",
                "sender_email": "owner@acme.example",
            },
        )
    assert "report it to no-reply@invite-wizard.example." in " ".join(email.text.split())
