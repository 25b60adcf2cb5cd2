"""Queued email reaches a real SMTP server: once, with the right content, whatever goes wrong."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from wizard.accept import tokens
from wizard.delivery import deliver_due
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import DeliveryStatus, InvitationStatus, UserType
from wizard.models.types import utcnow

from .factories import invite, invite_many, outbox

LINK = re.compile(r"http://invite\.test/invitation/[A-Za-z0-9_-]+")


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_an_invitation_arrives_with_text_and_html_and_a_link_to_its_invitation(app, ctx, smtp):
    invitation, token = invite("ana.pro@acme.example", name="Ana Pro")

    report = deliver_due()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [envelope] = smtp.inbox.envelopes
    assert envelope.mail_from == "no-reply@invite-wizard.example"
    assert envelope.rcpt_tos == ["ana.pro@acme.example"]
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Olivia Owner invited you to join Acme Corp"
    assert message["From"].addresses[0].addr_spec == "no-reply@invite-wizard.example"
    assert message["Reply-To"].addresses[0].addr_spec == "owner@acme.example"
    assert message["To"].addresses[0].display_name == "Ana Pro"
    text, html = parts(message)
    for body in (text.replace("\r\n", "\n"), html):
        assert "Acme Corp" in body
        assert "Licensed user" in body
        assert "cloud recordings" in body  # what moves with them
        assert "reports" in body  # what does not
        assert "refund to your original payment method" in body
        assert "credit to Acme Corp" in body
        assert invitation.expires_at.strftime("%B") in body  # the expiry date, spelled out
        assert "owner@acme.example" in body  # who to ask
    assert LINK.findall(text) == [f"http://invite.test/invitation/{token}"]
    assert f'href="http://invite.test/invitation/{token}"' in html  # the button
    assert html.count(f"http://invite.test/invitation/{token}") >= 2  # and the plain link


def test_the_link_in_the_email_opens_the_invitation_it_was_sent_for(app, ctx, smtp):
    invitation, _token = invite("ben.pro@acme.example")
    invite("chen.pro@partner.example")

    deliver_due()

    message = next(m for m in smtp.inbox.messages if "ben.pro" in m["To"])
    link = LINK.search(parts(message)[0]).group(0)
    path = urlsplit(link).path
    endpoint, args = app.url_map.bind("invite.test").match(path)
    assert endpoint == "invite.show"
    assert tokens.token_hash(args["token"]) == invitation.token_hash


def test_a_basic_invitation_says_what_the_person_loses(app, ctx, smtp):
    invite("dora@acme.example", user_type=UserType.BASIC)

    deliver_due()

    text, html = parts(smtp.inbox.messages[0])
    for body in (text, html):
        # dora has free Basic today: what Basic means, not what she would "lose"
        assert "what basic means" in body.lower()
        assert "end after 40 minutes" in body
        assert "No cloud recording" in body
        assert "alternative host" in body


def test_delivery_records_sent_status_attempts_and_subject(app, ctx, smtp):
    invite("ana.pro@acme.example")

    deliver_due()

    [email] = outbox()
    assert email.status == DeliveryStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.subject == "Olivia Owner invited you to join Acme Corp"
    assert email.last_error is None


def test_many_emails_go_out_over_one_connection(app, ctx, smtp):
    invite_many(20)
    sessions = set()
    original = smtp.inbox.handle_DATA

    async def remember_session(server, session, envelope):
        sessions.add(id(session))
        return await original(server, session, envelope)

    smtp.inbox.handle_DATA = remember_session

    assert deliver_due().sent == 20
    assert len(sessions) == 1
    assert len(set(smtp.inbox.message_ids())) == 20


def test_a_pass_with_a_limit_sends_exactly_that_many_and_the_next_pass_the_rest(app, ctx, smtp):
    invite_many(200)

    first = deliver_due(limit=100)
    assert (first.sent, first.stopped) == (100, None)
    assert len(smtp.inbox.envelopes) == 100
    second = deliver_due(limit=100)
    assert (second.sent, second.stopped) == (100, None)

    ids = smtp.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 200
    assert {(e.status, e.attempts) for e in outbox()} == {(DeliveryStatus.SENT, 1)}


def test_lines_that_start_with_a_dot_arrive_as_written(app, ctx, smtp):
    # SMTP ends a message with a line holding one dot: the sender doubles a leading dot.
    invite("ana.pro@acme.example", name="Ana", business_name=".dotted\n.Business")
    invite("ben.pro@acme.example", name=".Ben")

    assert deliver_due().sent == 2

    texts = [parts(message)[0] for message in smtp.inbox.messages]
    assert any(line.startswith(".Business") for text in texts for line in text.splitlines())
    assert any("Hello .Ben," in text for text in texts)
    assert all(".." not in text for text in texts)


def test_a_rolled_back_transaction_sends_nothing(app, ctx, smtp):
    invite("ana.pro@acme.example", commit=False)
    db.session.rollback()

    report = deliver_due()

    assert report.attempted == 0
    assert smtp.inbox.envelopes == []
    assert outbox() == []


def test_451_is_retried_later_with_backoff_then_delivered_once(app, ctx, smtp):
    invite("ana.pro@acme.example")
    smtp.inbox.replies.append("451 4.7.1 Greylisted, please try again later")
    now = utcnow()

    first = deliver_due(now=now)

    [email] = outbox()
    assert (first.retrying, email.status, email.attempts) == (1, DeliveryStatus.RETRYING, 1)
    assert email.last_error == "451 4.7.1 Greylisted, please try again later"
    # Backoff: the first retry waits 30 to 60 seconds (base 60 s, with jitter).
    assert now + timedelta(seconds=29) <= email.next_attempt_at <= now + timedelta(seconds=61)
    assert deliver_due(now=now + timedelta(seconds=10)).attempted == 0  # not due yet

    second = deliver_due(now=now + timedelta(minutes=2))

    [email] = outbox()
    assert (second.sent, email.status, email.attempts) == (1, DeliveryStatus.SENT, 2)
    assert len(smtp.inbox.envelopes) == 1


def test_550_marks_the_email_failed_with_the_servers_reason_and_never_retries(app, ctx, smtp):
    invite("nobody@acme.example")
    smtp.inbox.rcpt_replies.append("550 5.1.1 <nobody@acme.example>: Recipient unknown")

    report = deliver_due()
    deliver_due(now=utcnow() + timedelta(days=2))

    [email] = outbox()
    assert report.failed == 1
    assert email.status == DeliveryStatus.FAILED
    assert email.last_error == "550 5.1.1 <nobody@acme.example>: Recipient unknown"
    assert email.attempts == 1
    assert smtp.inbox.envelopes == []


def test_a_5xx_reply_to_the_message_itself_also_fails_it(app, ctx, smtp):
    invite("ana.pro@acme.example")
    invite("ben.pro@acme.example")
    smtp.inbox.replies.append("554 5.7.1 Message rejected as spam")

    report = deliver_due()

    first, second = outbox()
    assert (report.failed, report.sent) == (1, 1)
    assert first.last_error == "554 5.7.1 Message rejected as spam"
    assert second.status == DeliveryStatus.SENT  # the connection went on working


def test_an_email_that_keeps_failing_is_given_up_after_the_configured_attempts(app, ctx, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    invite("ana.pro@acme.example")
    smtp.inbox.replies.extend(["451 4.3.0 Mailbox busy"] * 5)
    now = utcnow()

    for hour in range(4):
        deliver_due(now=now + timedelta(hours=hour))

    [email] = outbox()
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == 3
    assert email.last_error == "Gave up after 3 attempts: 451 4.3.0 Mailbox busy"


def test_smtp_down_then_back_loses_nothing_and_sends_nothing_twice(app, ctx, smtp):
    invite_many(5)
    smtp.stop()

    down = deliver_due()

    assert down.attempted == 0
    assert down.stopped.startswith("could not connect to the mail server")
    assert {e.status for e in outbox()} == {DeliveryStatus.QUEUED}
    assert {e.attempts for e in outbox()} == {0}

    smtp.start()
    back = deliver_due()

    assert back.sent == 5
    assert {e.status for e in outbox()} == {DeliveryStatus.SENT}
    ids = smtp.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 5


def test_a_connection_lost_in_the_middle_of_a_run_retries_that_email_alone(app, ctx, smtp):
    invite_many(6)
    smtp.inbox.replies.extend([None, None, "drop"])  # the third message loses the server

    first = deliver_due()

    assert (first.sent, first.retrying) == (5, 1)
    lost = [e for e in outbox() if e.status == DeliveryStatus.RETRYING]
    assert lost[0].last_error.startswith("Lost the mail server")

    deliver_due(now=utcnow() + timedelta(hours=1))

    assert {e.status for e in outbox()} == {DeliveryStatus.SENT}
    ids = smtp.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 6


def test_a_revoked_invitation_is_not_emailed(app, ctx, smtp):
    invitation, _token = invite("ana.pro@acme.example")
    invitation.status = InvitationStatus.REVOKED
    db.session.commit()

    deliver_due()

    [email] = outbox()
    assert email.status == DeliveryStatus.FAILED
    assert email.last_error == "Not sent: the invitation is revoked"
    assert smtp.inbox.envelopes == []


def test_a_resent_invitation_mails_its_new_link_and_date(app, ctx, smtp):
    invitation, old_token = invite("ana.pro@acme.example")
    new_token = tokens.issue(invitation)  # what Resend does before the email goes out
    invitation.expires_at = invitation.expires_at + timedelta(days=3)
    db.session.commit()

    deliver_due()

    text = parts(smtp.inbox.messages[0])[0]
    assert new_token in text
    assert old_token not in text


def test_links_use_the_configured_base_url_even_for_a_request_from_evil_example(app, smtp):
    with app.test_request_context("/users/", headers={"Host": "evil.example"}):
        invitation, token = invite("ana.pro@acme.example")
        preview = render_email(
            "invitation",
            locale="en",
            context=outbox()[0].context,
            invitation=invitation,
        )
        deliver_due()
        db.session.remove()

    assert "evil.example" not in preview.text + preview.html
    text, html = parts(smtp.inbox.messages[0])
    assert "evil.example" not in text + html
    assert LINK.findall(text) == [f"http://invite.test/invitation/{token}"]


def test_the_link_token_is_in_no_log_and_no_database_column(app, ctx, smtp, caplog, capfd):
    caplog.set_level("DEBUG")
    _invitation, token = invite("ana.pro@acme.example")
    invite("gone@acme.example")
    smtp.inbox.rcpt_replies.extend([None, "550 5.1.1 No such user"])

    deliver_due()

    assert token in parts(smtp.inbox.messages[0])[0]  # it did go out
    out, err = capfd.readouterr()
    # Everything the app logged (the test's own SMTP server, "mail.log", is not the app).
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert any("550 5.1.1 No such user" in line for line in logged)
    assert token not in "\n".join(logged) + out + err
    for email in outbox():
        stored = f"{email.context} {email.subject} {email.last_error}"
        assert token not in stored
    rows = db.session.execute(db.text("SELECT * FROM invitation")).all()
    assert token not in repr(rows)


def test_the_invitation_subject_and_sender_can_be_configured(app, ctx, smtp):
    app.config["MAIL_INVITATION_SUBJECT"] = "Welcome to %(business_name)s, from %(inviter_name)s"
    app.config["MAIL_INVITATION_SENDER"] = "Acme People Team <people@acme.example>"
    invite("ana.pro@acme.example")

    deliver_due()

    [envelope] = smtp.inbox.envelopes
    [message] = smtp.inbox.messages
    assert message["Subject"].startswith("Welcome to Acme Corp, from ")
    assert message["From"].addresses[0].display_name == "Acme People Team"
    assert message["From"].addresses[0].addr_spec == "people@acme.example"
    assert envelope.mail_from == "no-reply@invite-wizard.example"  # bounces still come to us
    assert outbox()[0].subject.startswith("Welcome to Acme Corp")


def test_the_same_message_id_is_used_on_every_attempt(app, ctx, smtp):
    invite("ana.pro@acme.example")
    smtp.inbox.replies.append("451 4.3.0 Try later")
    seen = []
    original = smtp.inbox.handle_DATA

    async def remember(server, session, envelope):
        seen.append(envelope.original_content.split(b"Message-ID: ")[1].split(b"\r\n")[0])
        return await original(server, session, envelope)

    smtp.inbox.handle_DATA = remember

    deliver_due()
    deliver_due(now=utcnow() + timedelta(hours=1))

    assert len(seen) == 2 and seen[0] == seen[1]
