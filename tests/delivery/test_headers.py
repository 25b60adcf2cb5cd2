"""Names and business names cannot add headers or recipients, whatever they contain."""

from wizard.delivery import deliver_due
from wizard.delivery.outbox import queue_email
from wizard.extensions import db

from .factories import acme, invite, outbox


def headers_of(message) -> list[str]:
    return [name.lower() for name in message.keys()]


def test_an_invitee_name_with_a_line_break_adds_no_header_and_no_recipient(app, ctx, smtp):
    invite("ana.pro@acme.example", name="Ana\r\nBcc: victim@evil.example")

    deliver_due()

    [envelope] = smtp.inbox.envelopes
    assert envelope.rcpt_tos == ["ana.pro@acme.example"]
    [message] = smtp.inbox.messages
    assert "bcc" not in headers_of(message)
    assert message["To"].addresses[0].addr_spec == "ana.pro@acme.example"
    assert message["To"].addresses[0].display_name == "Ana Bcc: victim@evil.example"


def test_a_business_name_cannot_break_the_subject_line(app, ctx, smtp):
    invite(
        "ana.pro@acme.example",
        business_name="Acme\r\nBcc: victim@evil.example\r\n\r\n<script>",
        inviter_name="Olivia\nX-Evil: 1",
    )

    deliver_due()

    [message] = smtp.inbox.messages
    assert "bcc" not in headers_of(message)
    assert "x-evil" not in headers_of(message)
    assert message["Subject"] == (
        "Olivia X-Evil: 1 invited you to join Acme Bcc: victim@evil.example <script>"
    )
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert outbox()[0].subject == message["Subject"]


def test_an_inviter_name_that_looks_like_an_address_stays_a_name(app, ctx, smtp):
    invite("ana.pro@acme.example", inviter_name="Boss <attacker@evil.example>, x")

    deliver_due()

    [message] = smtp.inbox.messages
    reply_to = message["Reply-To"].addresses
    assert len(reply_to) == 1
    assert reply_to[0].addr_spec == "owner@acme.example"
    assert reply_to[0].display_name == "Boss <attacker@evil.example>, x"


def test_a_heads_up_shows_the_owner_but_comes_from_the_configured_sender(app, ctx, smtp):
    queue_email(
        "heads_up",
        "ana.pro@acme.example",
        account_id=acme().id,
        context={
            "subject": "Joining Acme's business account",
            "body": "Hello Ana,\n\nYou will get an invitation from us soon.\n\nOlivia",
            "business_name": "Acme Corp",
            "sender_name": "Olivia Owner",
            "sender_email": "owner@acme.example",
        },
    )
    db.session.commit()

    deliver_due()

    [envelope] = smtp.inbox.envelopes
    [message] = smtp.inbox.messages
    assert envelope.mail_from == "no-reply@invite-wizard.example"
    sender = message["From"].addresses[0]
    assert sender.display_name == "Olivia Owner via Business Invite Wizard"
    assert sender.addr_spec == "no-reply@invite-wizard.example"
    assert message["Reply-To"].addresses[0].addr_spec == "owner@acme.example"
    assert message["Subject"] == "Joining Acme's business account"
    text = message.get_body(("plain",)).get_content()
    assert "You will get an invitation from us soon." in text
    html = message.get_body(("html",)).get_content()
    assert "You will get an invitation from us soon." in html


def test_a_heads_up_sender_cannot_smuggle_in_a_sender_or_a_reply_address(app, ctx, smtp):
    queue_email(
        "heads_up",
        "ana.pro@acme.example",
        account_id=acme().id,
        context={
            "subject": "Hi\r\nBcc: victim@evil.example",
            "body": "Hello",
            "business_name": "Acme",
            "sender_name": "Olivia <ceo@bank.example>\r\nBcc: victim@evil.example",
            "sender_email": "owner@acme.example\r\nBcc: victim@evil.example",
        },
    )
    db.session.commit()

    deliver_due()

    [envelope] = smtp.inbox.envelopes
    [message] = smtp.inbox.messages
    assert envelope.rcpt_tos == ["ana.pro@acme.example"]
    assert "bcc" not in headers_of(message)
    assert "reply-to" not in headers_of(message)  # not one clean address: left out
    assert message["From"].addresses[0].addr_spec == "no-reply@invite-wizard.example"
    assert message["Subject"] == "Hi Bcc: victim@evil.example"
