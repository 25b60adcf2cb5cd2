"""Fixtures for delivery: a real SMTP server (aiosmtpd) and the app pointed at it."""

import threading
from collections import deque
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import make_app, reset_database, seed
from tests.postgres import free_port
from wizard.extensions import db


class Inbox:
    """An aiosmtpd handler that keeps what arrives and answers as a test tells it to."""

    def __init__(self):
        self.envelopes = []
        # Replies to give to the next DATA commands ("451 ...", "550 ...", "drop"), then 250.
        self.replies = deque()
        self.rcpt_replies = deque()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.popleft() if self.rcpt_replies else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        reply = self.replies.popleft() if self.replies else None
        if reply == "drop":  # the server goes away in the middle of a message
            server.transport.close()
            return "421 4.3.0 Closing"
        if reply:
            return reply
        with self.lock:
            self.envelopes.append(envelope)
        return "250 2.0.0 OK queued"

    @property
    def messages(self):
        with self.lock:
            envelopes = list(self.envelopes)
        return [
            message_from_bytes(e.original_content, policy=email_policy.default) for e in envelopes
        ]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SMTPServer:
    """aiosmtpd on a fixed free port, so a test can stop it and start it again."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def seeded_app(database_url, tmp_path, **overrides):
    app = make_app(database_url, tmp_path, **overrides)
    with app.app_context():
        reset_database()
        seed(app)
        db.session.remove()
    return app


@pytest.fixture
def app(database_url, tmp_path, smtp):
    """The app with the demo data, sending to the test's SMTP server."""
    app = seeded_app(
        database_url,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_TIMEOUT_SECONDS=10,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context for the test body (what the worker has: no request)."""
    with app.app_context():
        yield
        db.session.remove()
