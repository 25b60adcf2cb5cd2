"""Delivering the outbox: queued email goes out over SMTP (Flask-Mail), or into the
development mailbox when no MAIL_SERVER is set.

A worker claims a few due rows at a time with a lease (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers share the outbox), renders each, sends it over the run's one
connection and stores its outcome before it writes the next message. A worker killed mid-run
therefore loses nothing (its claims come due again when the lease ends) and duplicates at
most the message it was writing. See claims.py and worker.py.

Also here: queueing (outbox.py), rendering (mailer.py, with the templates in templates/email/)
and the development mailbox's pages (views.py). Imports: models, common, and other
capabilities' service modules (never their views or forms).
"""

from __future__ import annotations

import threading

from flask import Flask

from .explain import explain
from .mailbox import MailboxEntry, MailboxMessage, mailbox_entries, mailbox_message
from .reminders import queue_due_reminders
from .rules import classify_failure, header_text, plain_address, retry_delay
from .smtp import build_message, open_connection
from .worker import PassReport, deliver_due, run_worker, send_mail_command, waiting_count

__all__ = [
    "MailboxEntry",
    "MailboxMessage",
    "PassReport",
    "apply_defaults",
    "build_message",
    "classify_failure",
    "deliver_due",
    "header_text",
    "init_app",
    "mailbox_entries",
    "mailbox_message",
    "open_connection",
    "plain_address",
    "queue_due_reminders",
    "retry_delay",
    "run_worker",
    "send_mail_command",
    "waiting_count",
]

DEFAULTS = {
    # A failing email is tried this many times in all, then marked failed.
    "MAIL_MAX_ATTEMPTS": 8,
    # Retry n waits about RETRY_BASE·2^(n−1) seconds (50–100 % of it, at random), at most MAX.
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_RETRY_MAX_SECONDS": 6 * 60 * 60,
    "MAIL_TIMEOUT_SECONDS": 30,
    # A worker claims a few emails at a time for this long; if it dies, they come due again.
    "MAIL_LEASE_SECONDS": 300,
    # How often `send-mail --loop` and in-process delivery look for due email.
    "MAIL_DELIVERY_INTERVAL_SECONDS": 5,
    # From of invitations and reminders (default: MAIL_DEFAULT_SENDER); their subjects.
    "MAIL_INVITATION_SENDER": None,
    "MAIL_INVITATION_SUBJECT": None,
    "MAIL_REMINDER_SUBJECT": None,
    # One reminder this many days before an invitation expires (0: never).
    "REMINDER_DAYS_BEFORE_EXPIRY": 7,
    # The development mailbox (no MAIL_SERVER): default instance/mailbox.
    "MAILBOX_FOLDER": None,
}


class InProcessDelivery:
    """A daemon thread in the app process, delivering every few seconds (MAIL_DELIVER_IN_PROCESS).

    It starts with the first request, so CLI commands that build the app never start it.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.stop = threading.Event()
        # Set once a pass has sent everything due and the thread waits for more.
        self.idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mail-delivery", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            run_worker(loop=True, stop=self.stop, on_idle=self.idle.set)


def apply_defaults(config: dict) -> None:
    """Delivery's own settings, where the configuration does not set them."""
    for key, value in DEFAULTS.items():
        config.setdefault(key, value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["delivery_error"] = explain  # the worker's words, translated
    apply_defaults(app.config)
    if app.config.get("MAIL_DELIVER_IN_PROCESS"):
        delivery = InProcessDelivery(app)
        app.extensions["in_process_delivery"] = delivery
        app.before_request(delivery.ensure_started)
