"""One reminder per pending invitation, a configurable number of days before it expires."""

from datetime import timedelta

from wizard.delivery import deliver_due, queue_due_reminders
from wizard.extensions import db
from wizard.models import DeliveryStatus, InvitationStatus

from .factories import acme, invite, outbox


def reminders(smtp) -> list:
    return [m for m in smtp.inbox.messages if m["Subject"].startswith("Reminder:")]


def test_one_reminder_goes_out_a_week_before_expiry_and_only_once(app, ctx, smtp):
    invitation, token = invite(
        "ana.pro@acme.example",
        name="Ana Pro",
        created_ago=timedelta(days=24),
        expires_in=timedelta(days=6),
    )

    first = deliver_due()
    for _ in range(3):
        deliver_due()

    assert first.reminders == 1
    [reminder] = reminders(smtp)
    assert reminder["To"].addresses[0].addr_spec == "ana.pro@acme.example"
    expiry = invitation.expires_at.strftime("%B")
    assert reminder["Subject"].startswith("Reminder: your invitation to join Acme Corp ends on")
    assert expiry in reminder["Subject"]
    text = reminder.get_body(("plain",)).get_content()
    assert f"http://invite.test/invitation/{token}" in text
    assert "the only reminder" in text
    db.session.refresh(invitation)
    assert invitation.reminder_sent_at is not None
    kinds = sorted((e.kind, e.status) for e in outbox())
    assert kinds == [("invitation", DeliveryStatus.SENT), ("reminder", DeliveryStatus.SENT)]


def test_no_reminder_when_the_account_turned_reminders_off(app, ctx, smtp):
    acme().reminders_enabled = False
    db.session.commit()
    invite("ana.pro@acme.example", created_ago=timedelta(days=25), expires_in=timedelta(days=5))

    deliver_due()

    assert reminders(smtp) == []


def test_no_reminder_far_from_expiry_or_once_no_longer_pending(app, ctx, smtp):
    invite("ana.pro@acme.example", expires_in=timedelta(days=10))
    revoked, _ = invite("ben.pro@acme.example", expires_in=timedelta(days=3), queue=False)
    revoked.status = InvitationStatus.REVOKED
    invite("chen.pro@partner.example", expires_in=timedelta(days=-1), queue=False)
    db.session.commit()

    report = deliver_due()

    assert report.reminders == 0
    assert reminders(smtp) == []


def test_the_reminder_window_is_configurable(app, ctx, smtp):
    invite("ana.pro@acme.example", queue=False, expires_in=timedelta(days=10))

    app.config["REMINDER_DAYS_BEFORE_EXPIRY"] = 0
    assert queue_due_reminders() == 0
    app.config["REMINDER_DAYS_BEFORE_EXPIRY"] = 12
    assert queue_due_reminders() == 1
    assert queue_due_reminders() == 0


def test_the_reminder_speaks_the_language_of_the_invitation(app, ctx, smtp):
    invite("ben.pro@acme.example", locale="de", expires_in=timedelta(days=2))

    queue_due_reminders()

    reminder = next(e for e in outbox() if e.kind == "reminder")
    assert reminder.locale == "de"
    assert reminder.context["business_name"] == "Acme Corp"
    assert reminder.context["inviter_email"] == "owner@acme.example"
    assert "token" not in str(reminder.context).lower()
