"""Email leaves the moment it is queued: a waiting worker is woken, it does not wait for its
next poll. Every worker here polls only once a minute, so an email that arrives within
seconds was sent because the worker was woken (NOTIFY on PostgreSQL, the SQLite file's
data_version for a worker in its own process, an event for the worker inside the app)."""

import time

from wizard.extensions import db

from .conftest import seeded_app
from .factories import invite
from .test_workers import stopped, wait_for, worker

POLL = "60"  # seconds: far longer than any wait below


def arrived(smtp, count: int) -> bool:
    return len(smtp.inbox.envelopes) >= count


def test_a_worker_in_its_own_process_is_woken_when_email_is_queued(app, smtp):
    with app.app_context():
        invite("ana.pro@acme.example")  # sent by the worker's first pass, as it starts
        db.session.remove()
    process = worker(app, "--loop", "--interval", POLL)
    try:
        wait_for(lambda: arrived(smtp, 1), timeout=60, every=0.1)
        time.sleep(0.5)  # the worker is now between passes, with its next poll a minute away
        queued_at = time.monotonic()
        with app.app_context():
            invite("ben.pro@acme.example")
            db.session.remove()
        wait_for(lambda: arrived(smtp, 2), timeout=20, every=0.05)
        print(f"queued to accepted by the SMTP server: {time.monotonic() - queued_at:.2f} s")
    finally:
        process.terminate()
        code, output = stopped(process)
    assert code == 0, output
    assert sorted(e.rcpt_tos[0] for e in smtp.inbox.envelopes) == [
        "ana.pro@acme.example",
        "ben.pro@acme.example",
    ]


def test_a_rolled_back_transaction_wakes_nobody_and_sends_nothing(app, smtp):
    process = worker(app, "--loop", "--interval", POLL)
    try:
        time.sleep(2)  # started and waiting
        with app.app_context():
            invite("ana.pro@acme.example", commit=False)
            db.session.rollback()
            db.session.remove()
        time.sleep(2)
    finally:
        process.terminate()
        code, output = stopped(process)
    assert code == 0 and "Sent" not in output
    assert smtp.inbox.envelopes == []


def test_the_worker_inside_the_app_is_woken_when_email_is_queued(database_url, tmp_path, smtp):
    app = seeded_app(
        database_url,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_DELIVER_IN_PROCESS=True,
        MAIL_DELIVERY_INTERVAL_SECONDS=int(POLL),
    )
    delivery = app.extensions["in_process_delivery"]
    try:
        app.test_client().get("/sign-in")  # the first request starts delivery
        time.sleep(1)  # its first pass found nothing; the next poll is a minute away
        with app.app_context():
            invite("ana.pro@acme.example")
            db.session.remove()
        wait_for(lambda: arrived(smtp, 1), timeout=20, every=0.05)
    finally:
        delivery.stop.set()
        if delivery._thread is not None:
            delivery._thread.join(10)
        with app.app_context():
            db.engine.dispose()
