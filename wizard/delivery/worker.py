"""The worker: one row at a time, each in its own short transaction, over one connection."""

from __future__ import annotations

import logging
import random
import signal
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..mailer import render_email
from ..models import DeliveryStatus, Invitation, InvitationStatus, OutboxEmail
from ..models.types import utcnow
from .reminders import queue_due_reminders
from .rules import Outcome, classify_failure, plain_address, retry_delay
from .smtp import (
    LINK_KINDS,
    Connection,
    build_message,
    close_connection,
    open_connection,
    sender_address,
)

logger = logging.getLogger("wizard.delivery")

DUE = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)


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


def _not_linkable(invitation: Invitation | None, now: datetime) -> str | None:
    if invitation is None:
        return "Not sent: the invitation no longer exists"
    status = invitation.effective_status(now)
    if status != InvitationStatus.PENDING:
        return f"Not sent: the invitation is {status.value}"
    return None


def _send(connection: Connection, email: OutboxEmail, invitation, now) -> tuple[Outcome, str]:
    """Render and send one email; never raises for a problem of the email or the server."""
    if not plain_address(email.to_address):
        return Outcome(DeliveryStatus.FAILED, "Not sent: not a valid email address"), ""
    context = dict(email.context or {})
    link_to = None
    if email.kind in LINK_KINDS:
        if reason := _not_linkable(invitation, now):
            return Outcome(DeliveryStatus.FAILED, reason), ""
        link_to = invitation
        # A resend since queueing moved the date: say the one the link really has.
        context["expires_at"] = invitation.expires_at.isoformat()
    try:
        rendered = render_email(
            email.kind, locale=email.locale, context=context, invitation=link_to
        )
        message = build_message(email, rendered)
    except Exception as exc:  # a template or context problem: retrying will not fix it
        logger.exception("Could not prepare %s email %s", email.kind, email.id)
        return Outcome(DeliveryStatus.FAILED, f"Not sent: could not prepare it ({exc})"[:500]), ""
    try:
        connection.send(message, envelope_from=sender_address())
    except Exception as exc:
        return classify_failure(exc), rendered.subject
    return Outcome(DeliveryStatus.SENT), rendered.subject


def _claim_next(now: datetime) -> tuple[OutboxEmail, Invitation | None] | None:
    """Lock the next due email in a new transaction; None when nothing is due."""
    while True:
        row = db.session.execute(
            select(OutboxEmail, Invitation)
            .outerjoin(Invitation, Invitation.id == OutboxEmail.invitation_id)
            .where(OutboxEmail.status.in_(DUE), OutboxEmail.next_attempt_at <= now)
            .order_by(OutboxEmail.next_attempt_at)
            .limit(1)
            .with_for_update(skip_locked=True, of=OutboxEmail)
        ).first()
        if row is None:
            return None
        email, invitation = row
        # Row locks do the job on PostgreSQL. SQLite has none: this guarded write takes its
        # database lock, so a second worker finds the row taken instead of sending it again.
        taken = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == email.id, OutboxEmail.attempts == email.attempts)
            .where(OutboxEmail.status.in_(DUE))
            .values(attempts=email.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken:
            return email, invitation
        db.session.rollback()


def _record(email: OutboxEmail, outcome: Outcome, subject: str, now: datetime) -> DeliveryStatus:
    attempts = email.attempts + 1
    config = current_app.config
    status = outcome.status
    values: dict = {"status": status}
    if subject:
        values["subject"] = subject[:300]
    if outcome.error:
        values["last_error"] = outcome.error
    if status == DeliveryStatus.SENT:
        values["sent_at"] = now
    elif status == DeliveryStatus.RETRYING:
        if attempts >= config["MAIL_MAX_ATTEMPTS"]:
            status = values["status"] = DeliveryStatus.FAILED
            values["last_error"] = f"Gave up after {attempts} attempts: {outcome.error}"[:500]
        else:
            delay = retry_delay(
                attempts,
                base=config["MAIL_RETRY_BASE_SECONDS"],
                cap=config["MAIL_RETRY_MAX_SECONDS"],
            )
            values["next_attempt_at"] = now + delay
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if status != DeliveryStatus.SENT:
        # The reason is the server's or ours; never the message, which holds the link.
        logger.warning(
            "%s email %s %s: %s", email.kind, email.id, status.value, values.get("last_error")
        )
    return status


def deliver_due(
    *, now: datetime | None = None, limit: int | None = None, stop: threading.Event | None = None
) -> PassReport:
    """One pass: queue due reminders, then send every due email over one connection."""
    report = PassReport(reminders=queue_due_reminders(now=now))
    connection = None
    try:
        while limit is None or report.attempted < limit:
            if stop is not None and stop.is_set():
                report.stopped = "asked to stop"
                break
            moment = now or utcnow()
            try:
                claimed = _claim_next(moment)
            except OperationalError as exc:  # SQLite: another worker holds the database
                db.session.rollback()
                report.stopped = f"database busy ({exc.orig})"
                break
            if claimed is None:
                break
            email, invitation = claimed
            if connection is None:
                try:
                    connection = open_connection()
                except (OSError, smtplib.SMTPException) as exc:
                    # The server's fault, not the email's: leave it as it was, try next pass.
                    db.session.rollback()
                    report.stopped = f"could not connect to the mail server ({exc})"
                    break
            outcome, subject = _send(connection, email, invitation, moment)
            status = _record(email, outcome, subject, moment)
            report.sent += status == DeliveryStatus.SENT
            report.retrying += status == DeliveryStatus.RETRYING
            report.failed += status == DeliveryStatus.FAILED
            if outcome.broken:
                close_connection(connection)
                connection = None
    finally:
        close_connection(connection)
        db.session.rollback()
    if report.stopped:
        logger.warning("Delivery pass stopped early: %s", report.stopped)
    return report


def run_worker(*, loop: bool, stop: threading.Event, interval: float | None = None, echo=None):
    """Pass after pass until `stop` is set (or one pass without `loop`); backs off while the
    mail server is unreachable."""
    interval = interval or current_app.config["MAIL_DELIVERY_INTERVAL_SECONDS"]
    failures = 0
    while not stop.is_set():
        try:
            report = deliver_due(stop=stop)
        except Exception:  # keep the loop alive: the next pass may well work
            logger.exception("Delivery pass failed")
            db.session.rollback()
            report = PassReport(stopped="error")
        finally:
            db.session.remove()
        if echo and (report.attempted or report.reminders or report.stopped or not loop):
            echo(report)
        if not loop:
            return report
        unreachable = bool(report.stopped) and report.stopped != "asked to stop"
        failures = failures + 1 if unreachable else 0
        pause = interval * 2 ** min(failures, 6) if failures else interval
        stop.wait(min(pause, 300) * (0.75 + random.random() / 4) if failures else pause)
    return None


def _describe(report: PassReport) -> str:
    line = (
        f"Sent {report.sent}, retrying {report.retrying}, failed {report.failed}; "
        f"{report.reminders} reminders queued."
    )
    return line + (f" Stopped: {report.stopped}." if report.stopped else "")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM or Ctrl+C).")
@click.option("--interval", type=float, default=None, help="Seconds between passes with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float | None) -> None:
    """Send the queued email: one pass, or with --loop until SIGTERM."""
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        run_worker(loop=loop, stop=stop, interval=interval, echo=lambda r: click.echo(_describe(r)))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if loop:
        click.echo("Stopped cleanly.")
