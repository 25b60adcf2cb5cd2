"""Benchmark: the delivery worker against a bare smtplib loop, in the same run.

    .venv/bin/python bench/delivery.py    # SQLite (WAL, the default) and PostgreSQL
    .venv/bin/python bench/delivery.py --count 2000 --database postgresql
    .venv/bin/python bench/delivery.py --write-docs # also updates docs/benchmarks.md
    .venv/bin/python bench/delivery.py --count 2000 --database postgresql --profile

A local aiosmtpd server runs in its own process and counts what it receives. 10,000
invitations are queued in the outbox; the worker (`deliver_due`, as `flask send-mail` runs it)
delivers them, and a bare loop sends the very same messages (already rendered, as bytes) with
`smtplib.sendmail` over one connection. Rounds alternate (bare loop, worker; `--rounds`), the
outbox requeued before each worker round, and the median of the rounds' ratios is reported.
Not a test: these machines are shared and noisy, so the figure that counts is the ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import shutil
import smtplib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION_START = "<!-- delivery:start -->"
SECTION_END = "<!-- delivery:end -->"


def serve(port: int, received, ready) -> None:
    """The SMTP server: aiosmtpd, accepting everything and counting it."""
    import signal

    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 2.0.0 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    signal.sigwait({signal.SIGTERM})
    controller.stop()


def queue_invitations(count: int) -> None:
    from wizard.accept import tokens
    from wizard.delivery.outbox import queue_email
    from wizard.extensions import db
    from wizard.models import Account, Invitation, User, UserType
    from wizard.models.types import utcnow

    account = db.session.query(Account).filter_by(name="Acme Corp").one()
    inviter = db.session.query(User).filter_by(email="owner@acme.example").one()
    now = utcnow()
    for start in range(0, count, 1000):
        for n in range(start, min(start + 1000, count)):
            invitation = Invitation(
                account_id=account.id,
                email=f"person{n:05d}@example.net",
                name=f"Person {n}",
                user_type=UserType.LICENSED if n % 3 else UserType.BASIC,
                invited_by_id=inviter.id,
                expires_at=now + timedelta(days=30),
            )
            tokens.issue(invitation)
            db.session.add(invitation)
            db.session.flush()
            queue_email(
                "invitation",
                invitation.email,
                account_id=account.id,
                invitation_id=invitation.id,
                context={
                    "business_name": account.name,
                    "inviter_name": inviter.display_name,
                    "inviter_email": inviter.email,
                    "invitee_name": invitation.name,
                    "user_type": invitation.user_type.value,
                    "expires_at": invitation.expires_at.isoformat(),
                },
            )
        db.session.commit()


def rendered_messages() -> list[tuple[str, str, bytes]]:
    """The bytes the worker sends for each queued email, for the bare loop."""
    from wizard.delivery.mailer import render_email
    from wizard.delivery.smtp import LINK_KINDS, build_message, sender_address
    from wizard.extensions import db
    from wizard.models import Invitation, OutboxEmail

    invitations = {i.id: i for i in db.session.query(Invitation)}
    out = []
    for email in db.session.query(OutboxEmail).order_by(OutboxEmail.id):
        invitation = invitations.get(email.invitation_id) if email.kind in LINK_KINDS else None
        rendered = render_email(
            email.kind, locale=email.locale, context=email.context, invitation=invitation
        )
        out.append((sender_address(), email.to_address, build_message(email, rendered).as_bytes()))
    return out


def bare_loop(port: int, messages) -> float:
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for sender, recipient, data in messages:
        smtp.sendmail(sender, [recipient], data)
    smtp.quit()
    return time.perf_counter() - started


def sqlite_rollback_journal(engine) -> None:
    """SQLite as it was before WAL became the app's default: a rollback journal and a disk
    flush per commit (journal_mode=DELETE, synchronous=FULL), for comparison."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA journal_mode=DELETE")
        dbapi_connection.execute("PRAGMA synchronous=FULL")


def profiled(function):
    """Run `function` under cProfile and print where the worker spent its time (the biggest
    items by own time). The worker is one thread: the sender prepares and records in it."""
    import cProfile
    import io
    import pstats

    profile = cProfile.Profile()
    result = profile.runcall(function)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
    print(out.getvalue())
    return result


def requeue() -> None:
    """Every email of the outbox due again, as if just queued: for the next round."""
    from sqlalchemy import update

    from wizard.extensions import db
    from wizard.models import DeliveryStatus, OutboxEmail
    from wizard.models.types import utcnow

    db.session.execute(
        update(OutboxEmail).values(
            status=DeliveryStatus.QUEUED, attempts=0, sent_at=None, next_attempt_at=utcnow()
        )
    )
    db.session.commit()


def run(
    database: str, url: str, count: int, port: int, received, profile=False, rounds: int = 3
) -> dict:
    from wizard import create_app
    from wizard.accounts.passwords import hash_password
    from wizard.delivery import deliver_due
    from wizard.demo import seed_demo
    from wizard.extensions import db
    from wizard.models import DeliveryStatus, OutboxEmail

    tmp = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    app = create_app(
        {
            "SECRET_KEY": "benchmark key, not a secret",
            "SQLALCHEMY_DATABASE_URI": url.replace("TMP", str(tmp)),
            "BASE_URL": "https://invite.example.com",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    app.instance_path = str(tmp)
    with app.app_context():
        if "rollback" in database:
            sqlite_rollback_journal(db.engine)
        db.drop_all()
        db.create_all()
        seed_demo(password_hash=hash_password("benchmark"))
        queue_invitations(count)
        messages = rendered_messages()
        size = sum(len(m[2]) for m in messages) / len(messages)
        db.session.remove()

        # Rounds alternate, bare loop then worker, each worker round sending every email
        # again (requeued as new): a neighbour's load then weighs on both sides alike, and
        # each round's ratio compares runs made moments apart. The median ratio is reported.
        # First a short warm-up, not measured: templates compiled and statements prepared, as
        # in a worker that has been running for a while.
        bare_loop(port, messages[:100])
        deliver_due(limit=100)
        bares, workers = [], []
        for round_ in range(rounds):
            bares.append(bare_loop(port, messages))
            requeue()
            # A new batch's form is made again, as a worker meets a batch for the first time.
            app.extensions.pop("email_forms", None)
            before = received.value
            started = time.perf_counter()
            report = profiled(deliver_due) if profile and not round_ else deliver_due()
            workers.append(time.perf_counter() - started)
            arrived = received.value - before
            sent = db.session.query(OutboxEmail).filter_by(status=DeliveryStatus.SENT).count()
            db.session.remove()
            assert report.sent == sent == arrived == count, (report, sent, arrived)
        db.drop_all()
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    ratios = [b / w for b, w in zip(bares, workers, strict=True)]
    median = statistics.median(ratios)
    print(f"  {database}: " + ", ".join(f"{r:.2f}" for r in ratios), flush=True)
    return {
        "database": database,
        "count": count,
        "size": size,
        "rounds": rounds,
        "worker": statistics.median(workers),
        "bare": statistics.median(bares),
        "ratios": ratios,
        "ratio": median,
    }


def table(results: list[dict]) -> str:
    lines = [
        "| Database | Emails | Avg. size | Rounds | Worker (median) | Bare smtplib loop (median) "
        "| Worker ÷ bare, each round | Worker ÷ bare throughput (median) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['count']:,} | {r['size'] / 1024:.1f} KB | {r['rounds']} "
            f"| {r['count'] / r['worker']:,.0f} /s ({r['worker']:.1f} s) "
            f"| {r['count'] / r['bare']:,.0f} /s ({r['bare']:.1f} s) "
            f"| {', '.join(f'{x:.2f}' for x in r['ratios'])} "
            f"| **{r['ratio']:.2f}** |"
        )
    return "\n".join(lines)


def write_docs(results: list[dict], command: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    section = f"""{SECTION_START}
## Email delivery

`{command}` ({when}, {platform.python_implementation()} {platform.python_version()},
{multiprocessing.cpu_count()} shared cores, load average {load} when written: the 1, 5 and 15
minutes' figures). A local aiosmtpd server in its own process
receives every email. The worker (`deliver_due()`, what `flask --app wizard send-mail` runs)
claims due emails 50 at a time with a lease and sends them over the run's one SMTP connection,
in one thread that does its own work while the server does its: it stores each email's
outcome (one autocommit UPDATE) while the server answers the next message's MAIL FROM, so
the outcome is committed before that message is written, and it renders the message after
(text and HTML, an invitation batch from one cached form) while the server takes in the
current one. The bare loop sends the same
messages, already rendered, with `smtplib.sendmail` over one connection. Rounds alternate (bare
loop, then the worker sending every email again), so a neighbour's load weighs on both sides
alike; each round's ratio compares two runs made moments apart, and the median of the rounds
is the figure. A short unmeasured warm-up (100 emails) comes first, as a running worker has
its templates compiled; each round still makes its batch's mail-merge form afresh. Target:
the worker reaches at least 0.8 of the bare loop's throughput.

"SQLite" is the embedded default as configured: `journal_mode=WAL` and `synchronous=NORMAL`,
where a commit does not wait for the disk. The worker commits once per email, by design: that
commit is what lets a killed worker repeat at most one message. With SQLite's rollback journal
(`--database sqlite-rollback`, not run by default) each of those commits waits for the disk,
which alone takes longer than the SMTP exchange here: WAL is why SQLite keeps up.

{table(results)}

{SECTION_END}"""
    pattern = re.compile(re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--database",
        choices=["sqlite", "sqlite-rollback", "postgresql", "all"],
        action="append",
        help="sqlite (as configured: WAL), sqlite-rollback (a rollback journal, for comparison), "
        "postgresql; repeat for several (default, all: sqlite and postgresql)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds: bare loop, then worker"
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the worker (its figures then suffer)"
    )
    args = parser.parse_args()

    from tests.postgres import ThrowawayPostgres, find_bindir, free_port

    port = free_port()
    received = multiprocessing.Value("l", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, received, ready), daemon=True)
    server.start()
    ready.wait(10)

    chosen = set(args.database or ["all"])
    if "all" in chosen:
        chosen = {"sqlite", "postgresql"}
    targets = []
    if "sqlite" in chosen:
        targets.append(("SQLite", "sqlite:///TMP/bench.sqlite"))
    if "sqlite-rollback" in chosen:
        targets.append(("SQLite, rollback journal", "sqlite:///TMP/bench.sqlite"))
    postgres = None
    if "postgresql" in chosen:
        bindir = find_bindir()
        if bindir is None:
            print("No PostgreSQL binaries found: PostgreSQL skipped.")
        else:
            root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
            postgres = ThrowawayPostgres(bindir, root)
            targets.append(("PostgreSQL", postgres.start()))
    results = []
    try:
        for name, url in targets:
            print(f"{name}: queueing and delivering {args.count:,} emails ...", flush=True)
            results.append(
                run(name, url, args.count, port, received, args.profile, args.rounds)
            )
    finally:
        if postgres is not None:
            postgres.stop()
            shutil.rmtree(postgres.root, ignore_errors=True)
        server.terminate()
        server.join(10)
    print()
    print(table(results))
    if args.write_docs:
        command = " ".join(["python bench/delivery.py", *sys.argv[1:]])
        write_docs(results, command)
        print("\nWritten to docs/benchmarks.md")


if __name__ == "__main__":
    main()
