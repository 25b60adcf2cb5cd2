"""Email leaves the moment it is queued: a waiting worker is woken, it does not wait for its
next poll. Every worker here polls only once a minute, so an email that arrives within
seconds was sent because the worker was woken (NOTIFY on PostgreSQL, the SQLite file's
data_version for a worker in its own process, an event for the worker inside the app)."""

import time

from tests.helpers import served_in_a_thread
from tests.http_session import Owner
from wizard.extensions import db

from .conftest import seeded_app
from .factories import invite
from .test_workers import stopped, until_waiting, wait_for, worker

POLL = "60"  # seconds: far longer than any wait below


def arrived(smtp, count: int) -> bool:
    return len(smtp.inbox.envelopes) >= count


def test_a_worker_in_its_own_process_is_woken_when_email_is_queued(app, smtp):
    with app.app_context():
        invite("ana.pro@acme.example")  # sent by the worker's first pass, as it starts
        db.session.remove()
    process = worker(app, "--loop", "--interval", POLL)
    try:
        until_waiting(process)  # ana sent; the next poll is a minute away
        assert arrived(smtp, 1)
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


def test_a_rolled_back_transaction_sends_nothing_not_even_at_the_next_wake_up(app, smtp):
    process = worker(app, "--loop", "--interval", POLL)
    try:
        printed = until_waiting(process)
        with app.app_context():
            invite("ana.pro@acme.example", commit=False)
            db.session.rollback()
            invite("ben.pro@acme.example")  # committed after: the one email that may leave
            db.session.remove()
        wait_for(lambda: arrived(smtp, 1), timeout=60, every=0.05)
    finally:
        process.terminate()
        code, output = stopped(process)
    assert code == 0, printed + output
    assert [e.rcpt_tos for e in smtp.inbox.envelopes] == [["ben.pro@acme.example"]]


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
        # Its first pass found nothing; the next poll is a minute away.
        assert delivery.idle.wait(60), "the delivery thread never began to wait"
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


def test_the_first_invitation_reaches_the_smtp_server_moments_after_send(app, smtp):
    """As deployed: the app serving HTTP, a separate `send-mail --loop` worker with its default
    settings, and the owner pressing Send in the wizard. The bound is generous (a slow day on a
    shared machine); the figure itself is measured by bench/send_to_inbox.py."""
    people = [(f"person{n}@example.net", f"Person {n}") for n in range(3)]
    with served_in_a_thread(app) as url:
        process = worker(app, "--loop")
        try:
            until_waiting(process)
            owner = Owner("owner@acme.example")
            owner.sign_in(url)
            owner.send_batch(url, people)
            sent_at = time.monotonic()
            wait_for(lambda: arrived(smtp, 1), timeout=30, every=0.01)
            first = time.monotonic() - sent_at
            wait_for(lambda: arrived(smtp, len(people)), timeout=60, every=0.05)
        finally:
            process.terminate()
            code, output = stopped(process)
    print(f"Send answered to the first invitation accepted by the SMTP server: {first:.2f} s")
    assert code == 0, output
    assert sorted(e.rcpt_tos[0] for e in smtp.inbox.envelopes) == sorted(p for p, _ in people)
