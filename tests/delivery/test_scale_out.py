"""Scaling out, as production does it: two app processes behind (imagined) load balancing and
two delivery workers, all on one PostgreSQL database, with one SECRET_KEY and one BASE_URL.

Owners sign in on one process and carry on on the other, send batches through the wizard
and resend some invitations over real HTTP, while both workers deliver to one SMTP server.
At the end every queued email has arrived exactly once, the database holds exactly the
invitations that were sent, and every current link opens its invitation on either process.
"""

import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from email.utils import parseaddr

import pytest
import requests
from sqlalchemy import select

from tests.http_session import Owner
from tests.postgres import free_port
from wizard.accept.tokens import token_hash
from wizard.extensions import db
from wizard.models import Account, DeliveryStatus, Invitation, InvitationStatus, OutboxEmail

from .conftest import seeded_app
from .test_workers import ROOT, stopped, until_waiting, wait_for

OWNERS = {"owner@acme.example": "Acme Corp", "owner@globex.example": "Globex"}
BATCHES_PER_OWNER = 2
PEOPLE_PER_BATCH = 12
RESENDS_PER_OWNER = 4
LINK = re.compile(r"http://invite\.scale\.test/invitation/([A-Za-z0-9_-]+)")
MESSAGE_ID = re.compile(r"^<outbox\.(\d+)\.\d+@[^>]+>$")


def environment(app, **extra) -> dict[str, str]:
    """What every process of the deployment shares: the database, the key, the base URL."""
    return {
        **os.environ,
        "FLASK_SECRET_KEY": app.config["SECRET_KEY"],
        "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_BASE_URL": app.config["BASE_URL"],
        "FLASK_MAIL_SERVER": app.config["MAIL_SERVER"],
        "FLASK_MAIL_PORT": str(app.config["MAIL_PORT"]),
        **extra,
    }


def flask(env: dict[str, str], *args: str, log=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wizard", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def app_server(env: dict[str, str], log_path) -> tuple[subprocess.Popen, str]:
    """`flask run` on a free port: a real HTTP server in a process of its own. Its request
    log goes to a file: a pipe nobody reads would fill up and stop it."""
    port = free_port()
    with open(log_path, "w") as log:
        process = flask(
            env, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", log=log
        )
    return process, f"http://127.0.0.1:{port}"


def wait_until_serving(process: subprocess.Popen, url: str, log_path) -> None:
    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the app process ended: {log_path.read_text()}")
        try:
            return requests.get(f"{url}/sign-in", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(answers, timeout=30, every=0.1)


def stop_app_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def pending_ids(app, business: str, count: int) -> list[int]:
    with app.app_context():
        ids = db.session.scalars(
            select(Invitation.id)
            .join(Account, Account.id == Invitation.account_id)
            .where(Account.name == business)
            .order_by(Invitation.id)
            .limit(count)
        ).all()
        db.session.remove()
    return list(ids)


def delivered(app, invitation_ids: list[int]) -> bool:
    with app.app_context():
        statuses = db.session.scalars(
            select(OutboxEmail.status).where(OutboxEmail.invitation_id.in_(invitation_ids))
        ).all()
        db.session.remove()
    return len(statuses) == len(invitation_ids) and set(statuses) == {DeliveryStatus.SENT}


def outbox_rows(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
        db.session.expunge_all()
        db.session.remove()
    return rows


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def deployment(postgres_url, tmp_path, smtp):
    """Two app processes and two `send-mail --loop` workers on one PostgreSQL database."""
    app = seeded_app(
        postgres_url,
        tmp_path,
        SECRET_KEY="one key for every process of the deployment",
        BASE_URL="http://invite.scale.test",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SUPPRESS_SEND=False,
    )
    # The test opens every link on both processes from one address, more often than a
    # person would: the per-address limit on invitation pages is not under test here.
    env = environment(app, FLASK_INVITATION_LINK_LIMIT_PER_IP="1000 per minute")
    servers = [app_server(env, tmp_path / f"app{n}.log") for n in range(2)]
    workers = []
    try:
        for n, (process, url) in enumerate(servers):
            wait_until_serving(process, url, tmp_path / f"app{n}.log")
        workers = [flask(env, "send-mail", "--loop", "--interval", "0.2") for _ in range(2)]
        # Both up and listening before any email is queued: a worker still starting when the
        # test stops it would die of SIGTERM before its handler is in place (seen in CI).
        printed = [until_waiting(worker) for worker in workers]
        yield app, [url for _, url in servers], list(zip(workers, printed, strict=True))
    finally:
        running = [w for w in workers if not w.stdout.closed]  # not stopped by the test
        for worker in running:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in running:
            stopped(worker, timeout=20)
        for process, _ in servers:
            stop_app_server(process)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_two_app_processes_and_two_workers_deliver_every_email_exactly_once(deployment, smtp):
    app, apps, started = deployment
    workers = [worker for worker, _ in started]
    sent_to: dict[str, set[str]] = {business: set() for business in OWNERS.values()}
    errors: list[BaseException] = []

    def owner_at_work(index: int, email: str, business: str) -> None:
        try:
            owner = Owner(email)
            owner.sign_in(apps[index % 2])  # signed in on one process ...
            for batch in range(BATCHES_PER_OWNER):
                app_url = apps[(index + batch + 1) % 2]  # ... carries on on either
                people = [
                    (f"p{batch}-{n:02d}@{business.split()[0].lower()}.scale.example", f"P {n}")
                    for n in range(PEOPLE_PER_BATCH)
                ]
                owner.send_batch(app_url, people)
                sent_to[business].update(address for address, _ in people)
            # Resend a few once their first email has gone (one still on its way is not
            # sent twice: it will carry the newest link anyway).
            ids = pending_ids(app, business, RESENDS_PER_OWNER)
            wait_for(lambda: delivered(app, ids), timeout=40, every=0.2)
            owner.resend(apps[index % 2], ids)
        except BaseException as exc:  # reported by the test's own thread, below
            errors.append(exc)

    owners = [
        threading.Thread(target=owner_at_work, args=(i, email, business))
        for i, (email, business) in enumerate(OWNERS.items())
    ]
    for thread in owners:
        thread.start()
    for thread in owners:
        thread.join(90)
    assert not errors, errors

    invitations = len(OWNERS) * BATCHES_PER_OWNER * PEOPLE_PER_BATCH
    expected_emails = invitations + len(OWNERS) * RESENDS_PER_OWNER

    def all_delivered() -> bool:
        rows = outbox_rows(app)
        return (
            len(rows) >= expected_emails
            and all(row.status == DeliveryStatus.SENT for row in rows)
            and len(smtp.inbox.envelopes) >= len(rows)
        )

    try:
        wait_for(all_delivered, timeout=40, every=0.2)
    except AssertionError as exc:
        states = Counter((row.kind, row.status.value, row.attempts) for row in outbox_rows(app))
        arrived = len(smtp.inbox.envelopes)
        raise AssertionError(f"{arrived} arrived; the outbox: {dict(states)}") from exc
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    outputs = [
        (code, printed + rest)
        for (code, rest), (_, printed) in zip(map(stopped, workers), started, strict=True)
    ]
    assert [code for code, _ in outputs] == [0, 0], outputs
    # What the workers say they sent adds up to what arrived.
    sent = [sum(map(int, re.findall(r"^Sent (\d+),", out, re.M))) for _, out in outputs]
    assert sum(sent) == expected_emails, outputs

    # Every email in the outbox arrived exactly once: no loss, no double.
    rows = outbox_rows(app)
    assert len(rows) == expected_emails
    assert {(row.status, row.attempts) for row in rows} == {(DeliveryStatus.SENT, 1)}
    messages = smtp.inbox.messages
    ids = [message["Message-ID"] for message in messages]
    assert len(ids) == len(set(ids)) == len(rows)
    assert sorted(int(MESSAGE_ID.match(i).group(1)) for i in ids) == [row.id for row in rows]

    # The database holds exactly the invitations sent, each pending once.
    with app.app_context():
        stored = db.session.execute(
            select(Account.name, Invitation.email, Invitation.status, Invitation.token_hash).join(
                Account, Account.id == Invitation.account_id
            )
        ).all()
        db.session.remove()
    assert len(stored) == invitations
    assert {(name, email) for name, email, _, _ in stored} == {
        (business, address) for business, addresses in sent_to.items() for address in addresses
    }
    assert {status for _, _, status, _ in stored} == {InvitationStatus.PENDING}
    current = {stored_hash: email for _, email, _, stored_hash in stored}

    # Each current link opens its invitation on either process; a link a resend replaced
    # (mailed before the resend) opens on neither.
    opened = set()
    for message in messages:
        token = LINK.search(text_part(message)).group(1)
        for app_url in apps:
            page = requests.get(f"{app_url}/invitation/{token}", timeout=10)
            if token_hash(token) in current:
                assert page.status_code == 200, (message["To"], page.status_code)
                assert parseaddr(message["To"])[1] == current[token_hash(token)]
                opened.add(token_hash(token))
            else:
                assert page.status_code == 410, (message["To"], page.status_code)
    assert opened == set(current)
