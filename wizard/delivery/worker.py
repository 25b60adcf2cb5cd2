"""The worker: passes over the outbox, the loop around them, and `flask send-mail`."""

from __future__ import annotations

import logging
import random
import signal
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import DeliveryStatus, OutboxEmail
from ..models.types import utcnow
from .claims import DUE, Claim, Preparer, release
from .reminders import queue_due_reminders
from .responses import queue_daily_summaries
from .rules import Outcome, classify_failure, retry_delay
from .smtp import Connection, close_connection, open_connection, sender_address
from .wakeup import Waiter

logger = logging.getLogger("wizard.delivery")


@dataclass
class PassReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reminders: int = 0
    # Why the pass ended before the outbox was empty, if it did.
    stopped: str | None = None

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def waiting_count() -> int:
    """How many emails are waiting in the outbox (queued or to be retried)."""
    return db.session.scalar(select(func.count()).where(OutboxEmail.status.in_(DUE))) or 0


@lru_cache(maxsize=16)
def _outcome_statement(columns: tuple[str, ...]):
    """The UPDATE that stores an outcome, built once per set of columns: building it per email
    cost more than running it. It applies only while the claim is still this worker's."""
    table = OutboxEmail.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("claimed_id"))
        .where(table.c.next_attempt_at == bindparam("claimed_until"))
        .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns})
    )


class RecordFailed(Exception):
    """The outcome of the previous email could not be stored: stop before sending another."""


class Outcomes:
    """Stores each email's outcome, one behind the sending, from the sender's own thread.

    `hold()` keeps an email's outcome until `store()` commits it. The SMTP client calls
    `store()` while the server answers the next message's MAIL FROM (smtp.py), so the
    database and the mail server work at the same time, and in any case before that message
    is written: at most one sent message is ever without its record. No thread hands the
    outcome over, so the sender never waits for another thread to be given a core.
    """

    def __init__(self):
        self._pending: tuple[Claim, dict] | None = None
        self._connection = None

    def hold(self, claim: Claim, values: dict) -> None:
        self.store()
        self._pending = (claim, values)

    def store(self) -> None:
        if self._pending is None:
            return
        claim, values = self._pending
        try:
            if self._connection is None:
                # One statement, one round trip: each UPDATE commits by itself.
                self._connection = db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            _store(self._connection, claim, values)
        except Exception as exc:
            logger.exception("Could not store the outcome of email %s", claim.email_id)
            raise RecordFailed("could not store an email's outcome") from exc
        finally:
            self._pending = None

    def close(self) -> None:
        """Store what is held (a pass that ends early still records what it sent)."""
        try:
            self.store()
        except RecordFailed:
            pass  # logged; the lease brings that email back, to be sent once more
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _store(connection, claim: Claim, values: dict) -> None:
    statement = _outcome_statement(tuple(sorted(values)))
    params = {f"new_{name}": value for name, value in values.items()}
    params.update(claimed_id=claim.email_id, claimed_until=claim.lease_until)
    # The message went out: storing that must not fail lightly, or it goes out again.
    # SQLite answers "database is locked" while the app writes a big batch: wait for it.
    for pause in (0.1, 0.5, 1, 2, 5, 10, None):
        try:
            stored = connection.execute(statement, params).rowcount
            break
        except OperationalError as exc:
            if pause is None or "locked" not in str(exc.orig):
                raise
            time.sleep(pause)
    if not stored:  # cannot happen while leases outlast sends; say so if it does
        logger.error("Email %s: its claim had ended before its outcome was stored", claim.email_id)


def _send(connection: Connection, claim: Claim, outcomes: Outcomes, envelope_from: str) -> Outcome:
    """Put one prepared message on the wire; never raises for the server's answer."""
    if connection.host is None:  # sending suppressed (MAIL_SUPPRESS_SEND)
        outcomes.store()
    try:
        connection.send_prepared(claim.message, envelope_from)
    except RecordFailed:
        raise
    except Exception as exc:
        return classify_failure(exc)
    return Outcome(DeliveryStatus.SENT)


def _outcome_values(claim: Claim, outcome: Outcome, now: datetime) -> dict:
    """The row's new columns for this outcome: sent, retried later with backoff, or failed."""
    attempts = claim.email.attempts + 1
    config = current_app.config
    values: dict = {"status": outcome.status, "attempts": attempts}
    if claim.subject:
        values["subject"] = claim.subject[:300]
    if outcome.error:
        values["last_error"] = outcome.error[:500]
    if outcome.status == DeliveryStatus.SENT:
        values["sent_at"] = now
    elif outcome.status == DeliveryStatus.RETRYING:
        if attempts >= config["MAIL_MAX_ATTEMPTS"]:
            values["status"] = DeliveryStatus.FAILED
            tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
            values["last_error"] = f"Gave up after {tries}: {outcome.error}"[:500]
        else:
            delay = retry_delay(
                attempts,
                base=config["MAIL_RETRY_BASE_SECONDS"],
                cap=config["MAIL_RETRY_MAX_SECONDS"],
            )
            values["next_attempt_at"] = now + delay
    if values["status"] != DeliveryStatus.SENT:
        # The reason is the server's or ours; never the message, which holds the link.
        logger.warning(
            "%s email %s %s: %s",
            claim.email.kind,
            claim.email_id,
            values["status"].value,
            values["last_error"],
        )
    return values


def deliver_due(
    *, now: datetime | None = None, limit: int | None = None, stop: threading.Event | None = None
) -> PassReport:
    """One pass: queue due reminders and daily summaries, then send every due email over one
    connection."""
    report = PassReport(reminders=queue_due_reminders(now=now))
    queue_daily_summaries(now=now)
    preparer = Preparer(now=now, limit=limit, stop=stop)
    outcomes = Outcomes()
    connection = None
    claim = None
    envelope_from = sender_address()
    try:
        while (claim := preparer.next()) is not None:
            if stop is not None and stop.is_set():
                report.stopped = "asked to stop"
                break
            outcome = claim.outcome
            if outcome is None:
                if connection is None:
                    try:
                        connection = open_connection()
                    except (OSError, smtplib.SMTPException) as exc:
                        # The server's fault, not the email's: leave it as it was.
                        report.stopped = f"could not connect to the mail server ({exc})"
                        break
                    if connection.host is not None:
                        connection.host.during_envelope = outcomes.store
                        connection.host.during_message = preparer.ahead
                outcome = _send(connection, claim, outcomes, envelope_from)
            values = _outcome_values(claim, outcome, now or utcnow())
            outcomes.hold(claim, values)
            claim = None
            report.sent += values["status"] == DeliveryStatus.SENT
            report.retrying += values["status"] == DeliveryStatus.RETRYING
            report.failed += values["status"] == DeliveryStatus.FAILED
            if outcome.broken:
                close_connection(connection)
                connection = None
        outcomes.store()
    finally:
        outcomes.close()
        preparer.close()
        if claim is not None:
            release([claim])
        close_connection(connection)
    if report.stopped:
        logger.warning("Delivery pass stopped early: %s", report.stopped)
    return report


def run_worker(
    *, loop: bool, stop: threading.Event, interval: float | None = None, echo=None, on_idle=None
):
    """Pass after pass until `stop` is set (or one pass without `loop`); backs off while the
    mail server is unreachable. `on_idle()` is called each time a pass has sent everything
    due and the worker starts waiting for more (how a test knows it is ready)."""
    interval = interval or current_app.config["MAIL_DELIVERY_INTERVAL_SECONDS"]
    # Between passes a looping worker sleeps until email is queued (wakeup.py), at most
    # `interval`: the poll is only the fallback.
    waiter = Waiter(current_app._get_current_object(), db.engine, stop) if loop else None
    failures = 0
    try:
        while not stop.is_set():
            try:
                report = deliver_due(stop=stop)
            except Exception as exc:  # keep the loop alive: the next pass may well work
                logger.exception("Delivery pass failed")
                db.session.rollback()
                report = PassReport(stopped=f"the pass failed ({type(exc).__name__}: {exc})")
            finally:
                db.session.remove()
            if echo and (report.attempted or report.reminders or report.stopped or not loop):
                echo(report)
            if waiter is None:
                return report
            unreachable = bool(report.stopped) and report.stopped != "asked to stop"
            failures = failures + 1 if unreachable else 0
            if failures:
                # Jitter spreads the retries out; it is not a secret. New email does not
                # wake a worker whose mail server is down: it waits for the backoff.
                jitter = 0.75 + random.random() / 4  # nosec B311
                waiter.wait(min(interval * 2 ** min(failures, 6), 300) * jitter, wakeable=False)
            else:
                if on_idle is not None:
                    on_idle()
                waiter.wait(interval)
    finally:
        if waiter is not None:
            waiter.close()
    return None


def _describe(report: PassReport) -> str:
    line = (
        f"Sent {report.sent}, retrying {report.retrying}, failed {report.failed}; "
        f"{report.reminders} reminders queued."
    )
    return line + (f" Stopped: {report.stopped}." if report.stopped else "")


def pass_went_wrong(report: PassReport) -> str | None:
    """Why a pass should end `send-mail` with a non-zero exit, so systemd or cron notice: the
    mail server could not be reached, the pass failed, or errors kept every due email back."""
    if report.stopped and report.stopped != "asked to stop":
        return report.stopped
    if report.attempted and not report.sent:
        return f"none of the {report.attempted} due emails could be sent"
    return None


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM or Ctrl+C).")
@click.option("--interval", type=float, default=None, help="Seconds between passes with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float | None) -> None:
    """Send the queued email: one pass, or with --loop until SIGTERM.

    One pass exits with status 1 when the mail server could not be reached or errors kept
    every due email back (see the log for the reasons)."""
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    waiting: list[bool] = []

    def first_wait() -> None:  # said once, so the log shows the worker is up and listening
        if not waiting:
            waiting.append(True)
            seconds = interval or current_app.config["MAIL_DELIVERY_INTERVAL_SECONDS"]
            click.echo(
                f"Waiting for queued email (woken when it is queued; polling every {seconds:g} s)."
            )

    try:
        report = run_worker(
            loop=loop,
            stop=stop,
            interval=interval,
            echo=lambda r: click.echo(_describe(r)),
            on_idle=first_wait,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if loop:
        click.echo("Stopped cleanly.")
    elif report is not None and (problem := pass_went_wrong(report)):
        raise click.ClickException(f"Mail was not delivered: {problem}.")
