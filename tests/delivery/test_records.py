"""Each sent email's outcome is stored before the next one goes: at most one is ever unrecorded.

The worker stores an email's outcome while the server answers the next message's MAIL FROM,
and prepares the message after that one while the server takes in the current one (one
thread, worker.py and smtp.py). These tests watch that order from the SMTP server's side.
"""

import pytest
from sqlalchemy import create_engine, select, text

from wizard.delivery import deliver_due
from wizard.delivery.outbox import queue_email
from wizard.delivery.worker import RecordFailed
from wizard.extensions import db
from wizard.models import DeliveryStatus, OutboxEmail
from wizard.models.types import utcnow

from .factories import acme, invitation_context, invite, invite_many, outbox, owner


class Watching:
    """Wraps the test server's handler: at each RCPT TO, reads the outbox from its own
    connection to see what the worker had committed by then."""

    def __init__(self, inbox, database_url: str):
        self.inbox = inbox
        self.engine = create_engine(database_url)
        self.seen: list[tuple[str, dict[str, str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.engine.connect() as connection:
            rows = connection.execute(select(OutboxEmail.to_address, OutboxEmail.status)).all()
        self.seen.append((address, {to: DeliveryStatus(status).value for to, status in rows}))
        return await self.inbox.handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        return await self.inbox.handle_DATA(server, session, envelope)


@pytest.fixture
def watching(app, smtp):
    smtp.stop()
    watcher = Watching(smtp.inbox, app.config["SQLALCHEMY_DATABASE_URI"])
    from aiosmtpd.controller import Controller

    smtp.controller = Controller(watcher, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()
    yield watcher
    watcher.engine.dispose()


def test_each_outcome_is_committed_before_the_next_message_is_started(app, ctx, smtp, watching):
    invite_many(6)

    report = deliver_due()

    assert report.sent == 6
    addresses = [address for address, _ in watching.seen]
    assert len(addresses) == 6
    for earlier, (address, statuses) in zip(addresses, watching.seen[1:], strict=False):
        # By the time the next envelope names its recipient, the last one is stored as sent.
        assert statuses[earlier] == "sent", (address, statuses)
        assert statuses[address] == "queued"
    assert {e.status for e in outbox()} == {DeliveryStatus.SENT}


def fail_storing(to_address: str) -> None:
    """A real failure of the database, for one row: a trigger refuses to mark it sent."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "CREATE FUNCTION refuse_sent() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.to_address = '{to_address}' AND NEW.status = 'sent' THEN "
                "RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        db.session.execute(
            text(
                "CREATE TRIGGER refuse_sent BEFORE UPDATE ON outbox_email "
                "FOR EACH ROW EXECUTE FUNCTION refuse_sent()"
            )
        )
    else:
        db.session.execute(
            text(
                "CREATE TRIGGER refuse_sent BEFORE UPDATE ON outbox_email "
                f"WHEN NEW.to_address = '{to_address}' AND NEW.status = 'sent' "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    db.session.commit()


def drop_failure() -> None:
    on_table = " ON outbox_email" if db.engine.dialect.name == "postgresql" else ""
    db.session.execute(text(f"DROP TRIGGER refuse_sent{on_table}"))
    db.session.commit()


def test_when_an_outcome_cannot_be_stored_no_further_message_is_sent(app, ctx, smtp):
    invite_many(5)
    second = outbox()[1]
    status = db.session.scalar(select(OutboxEmail.status).where(OutboxEmail.id == second.id))
    assert status == DeliveryStatus.QUEUED
    fail_storing(second.to_address)

    with pytest.raises(RecordFailed):
        deliver_due()

    # The first two went out; the third was never written, because the second had no record.
    assert [e.rcpt_tos[0] for e in smtp.inbox.envelopes] == [e.to_address for e in outbox()[:2]]
    emails = outbox()
    assert emails[0].status == DeliveryStatus.SENT
    # The second is still claimed: when its lease ends it goes again, the one repeat allowed.
    assert emails[1].status == DeliveryStatus.QUEUED and emails[1].next_attempt_at > utcnow()
    # The rest were given back at once, not left to their lease.
    assert all(e.status == DeliveryStatus.QUEUED for e in emails[2:])
    assert all(e.next_attempt_at <= utcnow() for e in emails[2:])

    drop_failure()
    report = deliver_due(now=emails[1].next_attempt_at)
    assert report.sent == 4
    sent_to = [e.rcpt_tos[0] for e in smtp.inbox.envelopes]
    assert sorted(sent_to) == sorted([e.to_address for e in emails] + [emails[1].to_address])
    assert {e.status for e in outbox()} == {DeliveryStatus.SENT}


def test_a_message_that_cannot_be_prepared_stops_the_pass_after_recording_the_one_sent(
    app, ctx, smtp, monkeypatch
):
    """The next email is prepared while the server takes in the current one: when that fails
    (a broken installation), the current one is still recorded and the next is given back."""
    from jinja2 import TemplateNotFound

    loader = app.jinja_env.loader
    real = loader.get_source

    def without(environment, name):
        if name == "email/reminder.txt":
            raise TemplateNotFound(name)
        return real(environment, name)

    monkeypatch.setattr(loader, "get_source", without)
    invitation, _token = invite("ana.pro@acme.example")
    queue_email(
        "reminder",
        invitation.email,
        account_id=invitation.account_id,
        invitation_id=invitation.id,
        context=invitation_context(invitation, acme(), owner()),
    )
    db.session.commit()

    with pytest.raises(TemplateNotFound):
        deliver_due()

    invitation_email, reminder = outbox()
    assert [e.rcpt_tos for e in smtp.inbox.envelopes] == [["ana.pro@acme.example"]]
    assert invitation_email.status == DeliveryStatus.SENT
    assert reminder.status == DeliveryStatus.QUEUED and reminder.attempts == 0
    assert reminder.next_attempt_at <= utcnow()  # given back, not left to its lease
