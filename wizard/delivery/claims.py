"""Claiming due email with a lease, and rendering it ahead of the sender.

A worker claims a few due rows at a time in one short transaction: it moves their
`next_attempt_at` to the end of a lease (MAIL_LEASE_SECONDS), so no other worker sees them as
due, and commits. `FOR UPDATE SKIP LOCKED` lets workers on PostgreSQL claim side by side;
on SQLite the claiming UPDATE is atomic. Each email's outcome is then stored on its own,
and only while the lease is still this worker's. A worker that dies leaves its unsent claims
to come due again when the lease ends: nothing is lost, and only the message that was being
written can go out twice. No lock is held while the SMTP server talks.

The sender claims and renders the next email while the server takes in the current one, so
that the mail server, not the rendering, sets the pace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import flask_mail
from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..accept.link import reader_plans
from ..common.forms import normalise_email
from ..extensions import db
from ..models import DeliveryStatus, Invitation, InvitationStatus, OutboxEmail
from ..models.types import utcnow
from .mailer import READER_KINDS
from .merge import render_merged
from .rules import Outcome, classify_failure, plain_address
from .smtp import LINK_KINDS, OutboxMessage, build_message

logger = logging.getLogger("wizard.delivery")

DUE = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
BATCH = 50


@dataclass
class Claim:
    """One claimed email: ready to send, or known to be unsendable."""

    email: OutboxEmail
    invitation: Invitation | None
    # The row's next_attempt_at while this worker holds it; it proves the claim is still ours.
    lease_until: datetime
    message: OutboxMessage | None = None
    subject: str = ""
    # Decided before sending (a revoked invitation, a template error): nothing to send.
    outcome: Outcome | None = None
    # What the reader has today ("pro", "free", "none"), looked up for the whole claimed block.
    plan: str | None = None

    @property
    def email_id(self) -> int:
        return self.email.id


def claim_due(session: Session, *, now: datetime, lease_until: datetime, size: int):
    """Claim up to `size` due emails until `lease_until` and commit; retries first."""
    outbox = OutboxEmail.__table__
    connection = session.connection()
    ids: list[int] = []
    for status in (DeliveryStatus.RETRYING, DeliveryStatus.QUEUED):
        if len(ids) >= size:
            break
        # One status at a time, in the order of the (status, next_attempt_at) index: with
        # `status IN (...)` the database would walk past every row already sent, each time.
        oldest = (
            select(outbox.c.id)
            .where(outbox.c.status == status, outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.next_attempt_at)
            .limit(size - len(ids))
            .with_for_update(skip_locked=True)
        )
        ids += connection.scalars(
            update(outbox)
            .where(outbox.c.id.in_(oldest.scalar_subquery()))
            .values(next_attempt_at=lease_until)
            .returning(outbox.c.id)
        ).all()
    rows = []
    if ids:
        rows = session.execute(
            select(OutboxEmail, Invitation)
            .outerjoin(Invitation, Invitation.id == OutboxEmail.invitation_id)
            .where(OutboxEmail.id.in_(ids))
            .order_by(OutboxEmail.id)
            .execution_options(populate_existing=True)  # one claimed again in this pass
        ).all()
    # One query for the block, not one per message: what each reader has, for the wording.
    wanted = [i.email for e, i in rows if i is not None and e.kind in READER_KINDS]
    plans = reader_plans(wanted, session) if wanted else {}
    session.commit()
    return [
        Claim(email, invitation, lease_until, plan=plans.get(normalise_email(invitation.email)))
        if invitation is not None
        else Claim(email, None, lease_until)
        for email, invitation in rows
    ]


def release(claims: list[Claim]) -> None:
    """Give unsent claims back at once (instead of when their lease ends)."""
    if not claims:
        return
    with db.engine.begin() as connection:
        for lease_until in {c.lease_until for c in claims}:
            connection.execute(
                update(OutboxEmail)
                .where(
                    OutboxEmail.id.in_([c.email_id for c in claims if c.lease_until == lease_until])
                )
                .where(OutboxEmail.next_attempt_at == lease_until)
                .values(next_attempt_at=utcnow())
            )


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
        rendered = render_merged(
            email.kind, locale=email.locale, context=context, invitation=link_to, plan=claim.plan
        )
        claim.message = build_message(email, rendered)
        if claim.message.has_bad_headers():  # cannot happen: header_text() made them safe
            claim.outcome = classify_failure(flask_mail.BadHeaderError())
            return
        claim.message.wire_payload()  # written now, while the previous email is on the wire
        claim.subject = rendered.subject
    except TemplateNotFound:
        raise  # the installation is broken, not this email: stop the pass, keep it queued
    except Exception as exc:  # a template or context problem: retrying will not fix it
        logger.exception("Could not prepare %s email %s", email.kind, email.id)
        claim.outcome = Outcome(DeliveryStatus.FAILED, f"Not sent: could not prepare it ({exc})")


class Preparer:
    """Claims and renders due emails one ahead of the sender, in the sender's own thread.

    `next()` hands over the prepared claim (preparing it then if none is ready); `ahead()`
    prepares the one after it, and the SMTP client calls it while the server takes in the
    current message (smtp.py), so rendering overlaps the server's work. One thread: the
    sender never waits for a core held by another thread of the worker when a reply arrives.
    """

    def __init__(self, *, now: datetime | None, limit: int | None, stop=None):
        self.now = now
        self.limit = limit
        self.stop = stop
        self._session = Session(db.engine, expire_on_commit=False)
        self._held: list[Claim] = []  # claimed, not yet prepared
        self._claims = self._claiming()
        self._ready: Claim | None = None
        self._done = False
        self._error: Exception | None = None

    def _halted(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def _now(self) -> datetime:
        return self.now or utcnow()

    def _claiming(self):
        """Claimed emails one by one, claiming more as they run out, while the lease is safe."""
        config = current_app.config
        lease = timedelta(seconds=config["MAIL_LEASE_SECONDS"])
        # Never start a message the lease might not outlast (a slow server: timeouts).
        margin = timedelta(seconds=3 * config["MAIL_TIMEOUT_SECONDS"])
        made = 0
        while not self._halted() and (self.limit is None or made < self.limit):
            if not self._held:
                now = self._now()
                size = BATCH if self.limit is None else min(BATCH, self.limit - made)
                self._held = claim_due(self._session, now=now, lease_until=now + lease, size=size)
                if not self._held:
                    return
            if utcnow() + margin >= self._held[0].lease_until:
                release(self._held)
                self._held = []
                continue
            yield self._held.pop(0)
            made += 1

    def _prepare_one(self) -> Claim | None:
        claim = next(self._claims, None)
        if claim is None:
            self._done = True
            return None
        try:
            prepare(claim, self._now())
        except BaseException:
            self._held.insert(0, claim)  # given back by close(), not left to its lease
            raise
        return claim

    def ahead(self) -> None:
        """Prepare the next claim now; an error waits for next(), so the reply is still read."""
        if self._ready is None and not self._done and self._error is None:
            try:
                self._ready = self._prepare_one()
            except Exception as exc:
                self._error = exc

    def next(self) -> Claim | None:
        """The next prepared claim, or None when there is nothing more to send."""
        if self._error is not None:
            raise self._error
        if self._ready is None and not self._done:
            self._ready = self._prepare_one()
        claim, self._ready = self._ready, None
        return claim

    def close(self) -> None:
        """Give back every claim not sent."""
        unsent = ([self._ready] if self._ready is not None else []) + self._held
        self._ready, self._held = None, []
        try:
            release(unsent)
        finally:
            self._claims.close()
            self._session.close()
