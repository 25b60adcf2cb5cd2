"""Workers as they run in production: separate processes sharing the outbox, killed,
stopped with SIGTERM; and the in-process delivery of `make run`."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from wizard.delivery import deliver_due, queue_due_reminders
from wizard.extensions import db
from wizard.models import DeliveryStatus
from wizard.models.types import utcnow

from .conftest import seeded_app
from .factories import invite, invite_many, outbox

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float = 60.0, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(every)


def until_waiting(process, timeout: float = 120) -> str:
    """Read the worker's output until it says it is waiting for email (its first pass has sent
    everything due); returns what it printed until then. Readiness, not a guessed sleep."""
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Waiting for queued email"):
                ready.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert ready.wait(timeout), f"the worker never said it was waiting: {''.join(lines)}"
    return "".join(lines)


def worker(app, *args: str) -> subprocess.Popen:
    """`flask --app wizard send-mail ARGS` in a process of its own, configured like `app`."""
    env = {
        **os.environ,
        "FLASK_SECRET_KEY": app.config["SECRET_KEY"],
        "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_BASE_URL": app.config["BASE_URL"],
        "FLASK_MAIL_SERVER": app.config["MAIL_SERVER"],
        "FLASK_MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wizard", "send-mail", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stopped(process: subprocess.Popen, timeout: float = 30) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, output


@pytest.fixture
def pg_app(postgres_url, tmp_path, smtp):
    """PostgreSQL only: locking means nothing on SQLite."""
    app = seeded_app(
        postgres_url,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SUPPRESS_SEND=False,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_two_workers_on_postgresql_deliver_1000_emails_exactly_once(pg_app, smtp):
    with pg_app.app_context():
        invite_many(1000)
        db.session.remove()
    # Some milliseconds per message, as a real server takes: one worker alone cannot empty
    # the outbox (20 s) before the other has started (seconds on a machine busy with the
    # suite's other lane).
    smtp.inbox.delay = 0.02

    workers = [worker(pg_app), worker(pg_app)]
    results = [stopped(w, timeout=300) for w in workers]

    assert [code for code, _ in results] == [0, 0], results
    sent = [int(out.split("Sent ")[1].split(",")[0]) for _, out in results]
    assert sum(sent) == 1000
    assert min(sent) > 0, f"the workers did not share the outbox: {sent}"
    ids = smtp.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 1000
    with pg_app.app_context():
        rows = outbox()
        assert {(e.status, e.attempts) for e in rows} == {(DeliveryStatus.SENT, 1)}


@pytest.mark.postgres
def test_two_workers_queue_one_reminder_per_invitation(pg_app):
    with pg_app.app_context():
        for n in range(50):
            invite(f"p{n}@example.net", queue=False, expires_in=timedelta(days=3), commit=False)
        db.session.commit()
        db.session.remove()
    counts = []
    start = threading.Barrier(2)

    def remind():
        with pg_app.app_context():
            start.wait()
            counts.append(queue_due_reminders(batch=10))
            db.session.remove()

    threads = [threading.Thread(target=remind) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(counts) == 50
    with pg_app.app_context():
        assert len([e for e in outbox() if e.kind == "reminder"]) == 50


def test_a_worker_killed_mid_run_loses_nothing_and_repeats_at_most_one(app, smtp):
    with app.app_context():
        invite_many(120)
        db.session.remove()
    smtp.inbox.delay = 0.02  # a slow server, so the kill lands in the middle

    process = worker(app)
    wait_for(lambda: len(smtp.inbox.envelopes) >= 20)
    process.send_signal(signal.SIGKILL)
    stopped(process)
    before = len(smtp.inbox.envelopes)
    smtp.inbox.delay = 0
    with app.app_context():
        # Its claims come due again when their lease ends.
        assert deliver_due().attempted < 120 - before
        deliver_due(now=utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1))
        rows = outbox()

    ids = smtp.inbox.message_ids()
    assert len(set(ids)) == 120  # nothing lost
    assert len(ids) - len(set(ids)) <= 1  # at most the message it was writing, once more
    assert 20 <= before < 120
    assert {e.status for e in rows} == {DeliveryStatus.SENT}


def test_send_mail_loop_keeps_delivering_and_stops_cleanly_on_sigterm(app, smtp):
    with app.app_context():
        invite_many(5)
        db.session.remove()

    process = worker(app, "--loop", "--interval", "0.2")
    try:
        wait_for(lambda: len(smtp.inbox.envelopes) == 5)
        with app.app_context():
            invite("late@example.net")  # queued while the worker runs
            db.session.remove()
        wait_for(lambda: len(smtp.inbox.envelopes) == 6)
        smtp.inbox.delay = 0.05
        with app.app_context():
            invite_many(40, prefix="more")
            db.session.remove()
        wait_for(lambda: len(smtp.inbox.envelopes) >= 10)
    finally:
        process.send_signal(signal.SIGTERM)
    code, output = stopped(process)

    assert code == 0, output
    assert "Stopped cleanly." in output
    with app.app_context():
        rows = outbox()
    # What arrived is marked sent; nothing was left half-done.
    sent = [e for e in rows if e.status == DeliveryStatus.SENT]
    assert len(sent) == len(smtp.inbox.envelopes)
    assert {e.status for e in rows} <= {DeliveryStatus.SENT, DeliveryStatus.QUEUED}


def test_make_run_delivers_in_the_app_process_without_a_second_command(database_url, tmp_path):
    app = seeded_app(
        database_url,
        tmp_path,
        DEMO_MODE=True,
        MAIL_DELIVER_IN_PROCESS=True,
        MAIL_DELIVERY_INTERVAL_SECONDS=0.1,
    )
    delivery = app.extensions["in_process_delivery"]
    try:
        with app.app_context():
            invite("ana.pro@acme.example")
            db.session.remove()
        client = app.test_client()
        client.get("/dev/mailbox/")  # the first request starts delivery

        wait_for(lambda: b"invited you to join" in client.get("/dev/mailbox/").data, 30, 0.2)
    finally:
        delivery.stop.set()
        if delivery._thread is not None:
            delivery._thread.join(10)
        with app.app_context():
            db.engine.dispose()
