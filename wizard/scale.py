"""`flask --app wizard seed-scale`: a business with 10,000 members and 100,000 invitations,
to see (and measure) the Pending tab, the audit log and the Users page at size.

Bulk INSERTs in chunks, one password hash for everyone, and a fixed random seed, so two runs
make the same data. Sign in as owner@scale.example with the demo password.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import insert, select, text

from .accept import tokens
from .accounts.passwords import hash_password
from .common.audit import BY_INVITEE
from .demo import DEMO_PASSWORD
from .extensions import db
from .models import (
    Account,
    AccountKind,
    AuditEvent,
    DeliveryStatus,
    Invitation,
    InvitationBatch,
    InvitationStatus,
    OutboxEmail,
    Role,
    User,
    UserType,
    WizardDraft,
)
from .models.types import utcnow

SCALE_ACCOUNT = "Scale Corp"
OWNER = "owner@scale.example"
BATCH_SIZE = 9999
CHUNK = 2000

FIRST = (
    "Ada Ben Chiara Dmitri Elif Farah Goran Hana Ivo Jonas Kemal Lea Mateo Nora Oskar Priya "
    "Quinn Rosa Sven Tariq"
).split()
LAST = (
    "Adler Berg Costa Dietz Engel Fischer Garcia Horvat Ito Jansen Kovac Lind Moreau Novak "
    "Olsen Petrov Rossi Silva"
).split()
BOUNCES = [
    "550 5.1.1 The email account that you tried to reach does not exist",
    "552 5.2.2 Mailbox full",
    "554 5.7.1 Message rejected as spam",
]
Progress = Callable[[int], None]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model, rows: Iterator[dict], progress: Progress) -> None:
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        progress(len(chunk))


def seed_scale(
    members: int = 10_000,
    invitations: int = 100_000,
    progress: Progress = lambda n: None,
    now: datetime | None = None,
) -> int | None:
    """Create the scale account; None if it exists already (nothing is changed then)."""
    now = now or utcnow()
    if db.session.scalar(select(Account.id).where(Account.name == SCALE_ACCOUNT)):
        return None
    # Made-up benchmark data, not secrets.
    rng = random.Random(2026)  # nosec B311
    account = Account(
        kind=AccountKind.BUSINESS, name=SCALE_ACCOUNT, license_seats=members // 4 + 500
    )
    db.session.add(account)
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)

    def people() -> Iterator[dict]:
        yield {
            "email": OWNER,
            "name": "Sam Scale",
            "role": Role.OWNER,
            "user_type": UserType.LICENSED,
        }
        yield {
            "email": "admin@scale.example",
            "name": "Alex Admin",
            "role": Role.ADMIN,
            "user_type": UserType.LICENSED,
        }
        for n in range(1, members - 1):
            yield {
                "email": f"member{n:05d}@scale.example",
                "name": _name(rng),
                "role": Role.MEMBER,
                "user_type": UserType.LICENSED if n % 5 == 0 else UserType.BASIC,
            }

    _insert(
        User,
        (
            {
                **p,
                "account_id": account.id,
                "password_hash": password_hash,
                "locale": "en",
                "created_at": now - timedelta(days=400),
            }
            for p in people()
        ),
        progress,
    )
    owner_id = db.session.scalar(select(User.id).where(User.email == OWNER))

    # Batches from 120 days ago until today, full ones (9,999 people) but for the oldest;
    # the newest is still going out.
    sizes = [BATCH_SIZE] * (invitations // BATCH_SIZE)
    if invitations % BATCH_SIZE or not sizes:
        sizes.insert(0, invitations % BATCH_SIZE)
    batch_count = len(sizes)
    batch_ids, batch_times, batch_of = [], [], []
    for b, size in enumerate(sizes):
        created = now - timedelta(days=120 * (batch_count - 1 - b) / max(batch_count - 1, 1))
        draft = WizardDraft(account_id=account.id, created_by_id=owner_id, created_at=created)
        db.session.add(draft)
        db.session.flush()
        batch = InvitationBatch(
            account_id=account.id,
            created_by_id=owner_id,
            draft_id=draft.id,
            size=size,
            created_at=created,
        )
        db.session.add(batch)
        db.session.flush()
        draft.sent_batch_id = batch.id
        batch_ids.append(batch.id)
        batch_times.append(created)
        batch_of.extend((b, position) for position in range(size))

    plan: list[tuple[int, str, InvitationStatus]] = []  # (batch index, delivery, status)

    def invitation_rows() -> Iterator[dict]:
        for n in range(invitations):
            b, position = batch_of[n]
            created = batch_times[b] + timedelta(seconds=position)
            newest = b == batch_count - 1
            roll = rng.random()
            if newest:
                status = InvitationStatus.PENDING
                delivery = "sent" if position < sizes[b] * 0.32 else "queued"
                delivery = "retrying" if roll > 0.995 else delivery
            else:
                status = (
                    InvitationStatus.ACCEPTED
                    if roll < 0.45
                    else InvitationStatus.DECLINED
                    if roll < 0.50
                    else InvitationStatus.REVOKED
                    if roll < 0.55
                    else InvitationStatus.PENDING  # expired by time once 30 days have passed
                )
                # Older batches are done: retries ended one way or the other.
                delivery = "failed" if roll > 0.98 else "sent"
            plan.append((b, delivery, status))
            nonce = tokens.new_nonce()
            yield {
                "account_id": account.id,
                "batch_id": batch_ids[b],
                "email": f"invitee{n:06d}@{rng.choice(['mail', 'post', 'inbox'])}{n % 40}.example",
                "name": _name(rng) if roll < 0.7 else "",
                "user_type": UserType.LICENSED if roll < 0.2 else UserType.BASIC,
                "status": status,
                "invited_by_id": owner_id,
                "token_nonce": nonce,
                "token_hash": tokens.token_hash(tokens.token_for(nonce)),
                "created_at": created,
                "sent_at": created if delivery == "sent" else None,
                "expires_at": created + timedelta(days=30),
                "contacted_at": created - timedelta(days=2) if roll < 0.6 else None,
                "responded_at": created + timedelta(days=3)
                if status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
                else None,
                "revoked_at": created + timedelta(days=5)
                if status == InvitationStatus.REVOKED
                else None,
            }

    _insert(Invitation, invitation_rows(), progress)
    ids = db.session.execute(
        select(Invitation.id, Invitation.email, Invitation.created_at)
        .where(Invitation.account_id == account.id)
        .order_by(Invitation.id)
    ).all()

    def email_rows() -> Iterator[dict]:
        for (invitation_id, email, created), (b, delivery, _s) in zip(ids, plan, strict=True):
            failing = delivery in ("failed", "retrying")
            attempts = {"failed": 5, "retrying": 2, "sent": 1}.get(delivery, 0)
            yield {
                "account_id": account.id,
                "invitation_id": invitation_id,
                "batch_id": batch_ids[b],
                "kind": "invitation",
                "to_address": email,
                "locale": "en",
                "context": {"business_name": SCALE_ACCOUNT},
                "status": DeliveryStatus(delivery),
                "attempts": attempts,
                "last_error": rng.choice(BOUNCES) if failing else None,
                "sent_at": created + timedelta(minutes=1) if delivery == "sent" else None,
                "next_attempt_at": now,
                "created_at": created,
            }

    def audit_rows() -> Iterator[dict]:
        for (invitation_id, email, created), (_b, _d, status) in zip(ids, plan, strict=True):
            yield {
                "account_id": account.id,
                "actor_id": owner_id,
                "action": "invited",
                "subject_email": email,
                "invitation_id": invitation_id,
                "details": {},
                "created_at": created,
            }
            # The app writes no event when a link expires; the invitee answers, signed out.
            if status not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
                revoked = status == InvitationStatus.REVOKED
                yield {
                    "account_id": account.id,
                    "actor_id": owner_id if revoked else None,
                    "action": status.value,
                    "subject_email": email,
                    "invitation_id": invitation_id,
                    "details": {} if revoked else {"by": BY_INVITEE},
                    "created_at": created + timedelta(days=3),
                }

    _insert(OutboxEmail, email_rows(), progress)
    _insert(AuditEvent, audit_rows(), progress)
    db.session.commit()
    # After a bulk load the query planners need fresh statistics (PostgreSQL's autovacuum
    # would get there later; SQLite never does on its own).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return account.id


@click.command("seed-scale")
@click.option("--members", default=10_000, show_default=True, help="People in the account.")
@click.option("--invitations", default=100_000, show_default=True, help="Invitations to make.")
@with_appcontext
def seed_scale_command(members: int, invitations: int) -> None:
    """Make "Scale Corp": many members and invitations, to see the pages at size."""
    # Members, invitations, their emails, and one or two audit events each.
    rows = members + invitations * 2 + int(invitations * 1.5)
    with click.progressbar(length=rows, label="Writing rows") as bar:
        created = seed_scale(members, invitations, progress=bar.update)
    if created is None:
        click.echo(f"{SCALE_ACCOUNT} exists already; nothing was changed.")
        return
    click.echo(f"{SCALE_ACCOUNT} is ready. Sign in as {OWNER} (password: {DEMO_PASSWORD}).")
