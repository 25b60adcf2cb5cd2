"""Claiming due email: each row locked in a transaction of its own, rendered ahead of time.

A preparer thread claims and renders the next email while the current one is on the wire,
so the SMTP server, not the rendering, sets the pace. Every claim keeps its own transaction
(and on PostgreSQL its row lock) until the sender records the outcome and commits; a killed
worker's claims all roll back, so nothing is lost and only the message being written can go
out twice.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..mailer import render_email
from ..models import DeliveryStatus, Invitation, InvitationStatus, OutboxEmail
from ..models.types import utcnow
from .rules import Outcome, plain_address
from .smtp import LINK_KINDS, OutboxMessage, build_message

logger = logging.getLogger("wizard.delivery")

DUE = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)


@dataclass
class Claim:
    """One due email in its own open transaction: ready to send, or known to be unsendable."""

    session: Session
    email: OutboxEmail
    invitation: Invitation | None
    message: OutboxMessage | None = None
    subject: str = ""
    # Decided before sending (a revoked invitation, a template error): nothing to send.
    outcome: Outcome | None = None
    # Hands the claim's database connection back to the preparer for the next claim.
    on_close: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        # Kept apart from the row object, which a rollback would expire.
        self.email_id = self.email.id

    @property
    def needs_take(self) -> bool:
        """Row locks make the claim exclusive on PostgreSQL; SQLite has none."""
        return self.session.get_bind().dialect.name != "postgresql"

    def take(self) -> bool:
        """False if another worker took the row first (SQLite).

        This guarded write takes SQLite's database lock, so a second worker that read the
        same row finds it taken instead of sending it again.
        """
        return bool(
            self.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == self.email_id)
                .where(OutboxEmail.attempts == self.email.attempts)
                .where(OutboxEmail.status.in_(DUE))
                .values(attempts=self.email.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        )

    def close(self) -> None:
        """End the claim's transaction (rolling back whatever was not committed)."""
        self.session.close()
        if self.on_close is not None:
            self.on_close()

    def release(self) -> None:
        """Give the row back untouched."""
        self.session.rollback()
        self.close()


def _not_linkable(invitation: Invitation | None, now: datetime) -> str | None:
    if invitation is None:
        return "Not sent: the invitation no longer exists"
    status = invitation.effective_status(now)
    if status != InvitationStatus.PENDING:
        return f"Not sent: the invitation is {status.value}"
    return None


def prepare(claim: Claim, now: datetime) -> None:
    """Render the claim's email into a finished MIME message, or decide it cannot be sent."""
    email = claim.email
    if not plain_address(email.to_address) or not email.to_address.isascii():
        claim.outcome = Outcome(DeliveryStatus.FAILED, "Not sent: not a usable email address")
        return
    context = dict(email.context or {})
    link_to = None
    if email.kind in LINK_KINDS:
        if reason := _not_linkable(claim.invitation, now):
            claim.outcome = Outcome(DeliveryStatus.FAILED, reason)
            return
        link_to = claim.invitation
        # A resend since queueing moved the date: say the one the link really has.
        context["expires_at"] = link_to.expires_at.isoformat()
    try:
        rendered = render_email(
            email.kind, locale=email.locale, context=context, invitation=link_to
        )
        claim.message = build_message(email, rendered)
        claim.message.as_bytes()  # written now, while the previous email is on the wire
        claim.subject = rendered.subject
    except Exception as exc:  # a template or context problem: retrying will not fix it
        logger.exception("Could not prepare %s email %s", email.kind, email.id)
        claim.outcome = Outcome(DeliveryStatus.FAILED, f"Not sent: could not prepare it ({exc})")


class Preparer(threading.Thread):
    """Claims and renders due emails one ahead of the sender, in its own app context."""

    def __init__(self, app: Flask, *, now: datetime | None, limit: int | None, stop=None):
        super().__init__(name="mail-prepare", daemon=True)
        self.app = app
        self.now = now
        self.limit = limit
        self.stop = stop
        self.halt = threading.Event()
        self.ready: queue.Queue = queue.Queue(maxsize=1)
        self.finished = False
        self._busy: set[int] = set()
        self._lock = threading.Lock()
        self._connections: list[Connection] = []
        self._idle_connections: queue.Queue = queue.Queue()

    def _halted(self) -> bool:
        return self.halt.is_set() or (self.stop is not None and self.stop.is_set())

    def _connection(self) -> Connection:
        """A connection of this pass's own: checked out once, not pinged for every claim."""
        try:
            return self._idle_connections.get_nowait()
        except queue.Empty:
            connection = db.engine.connect()
            self._connections.append(connection)
            return connection

    def _claim_next(self) -> Claim | None:
        connection = self._connection()
        session = Session(bind=connection, expire_on_commit=False)
        with self._lock:
            busy = list(self._busy)
        now = self._now()

        def oldest_due(status: DeliveryStatus):
            query = select(OutboxEmail.id).where(
                OutboxEmail.status == status, OutboxEmail.next_attempt_at <= now
            )
            if busy:  # on SQLite nothing is locked: skip what this worker already holds
                query = query.where(OutboxEmail.id.not_in(busy))
            query = query.order_by(OutboxEmail.next_attempt_at).limit(1)
            return query.with_for_update(skip_locked=True).scalar_subquery()

        # One status per subquery, so that the index on (status, next_attempt_at) yields the
        # oldest due row at once: `status IN (...)`, a join or a sort would make the database
        # walk past the rows already sent, or sort every due one, for each claim. Retries
        # first: they have waited longest.
        picked = func.coalesce(
            oldest_due(DeliveryStatus.RETRYING), oldest_due(DeliveryStatus.QUEUED)
        )
        row = session.execute(
            select(OutboxEmail, Invitation)
            .outerjoin(Invitation, Invitation.id == OutboxEmail.invitation_id)
            .where(OutboxEmail.id == picked)
        ).first()
        if row is None:
            session.close()
            self._idle_connections.put(connection)
            return None
        email, invitation = row
        with self._lock:
            self._busy.add(email.id)
        return Claim(
            session, email, invitation, on_close=lambda: self._idle_connections.put(connection)
        )

    def _now(self) -> datetime:
        return self.now or utcnow()

    def _hand_over(self, claim: Claim) -> bool:
        while not self._halted():
            try:
                self.ready.put(claim, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        end: object = None
        with self.app.app_context():
            try:
                made = 0
                while not self._halted() and (self.limit is None or made < self.limit):
                    claim = self._claim_next()
                    if claim is None:
                        break
                    prepare(claim, self._now())
                    if not self._hand_over(claim):
                        claim.release()
                        break
                    made += 1
            except Exception as exc:  # the sender re-raises it after cleaning up
                end = exc
            finally:
                db.session.remove()
        self.ready.put(end)

    def next(self) -> Claim | None:
        """The next prepared claim, or None when there is nothing more to send."""
        item = self.ready.get()
        if item is None or isinstance(item, Exception):
            self.finished = True
            if isinstance(item, Exception):
                raise item
            return None
        return item

    def done(self, claim: Claim) -> None:
        with self._lock:
            self._busy.discard(claim.email_id)

    def close(self) -> None:
        """Stop preparing and give back every claim not sent."""
        self.halt.set()
        while not self.finished:
            item = self.ready.get()
            if isinstance(item, Claim):
                item.release()
            else:
                self.finished = True
        self.join()
        for connection in self._connections:
            connection.close()
