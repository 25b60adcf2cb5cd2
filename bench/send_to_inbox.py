"""Benchmark: from the wizard to the inbox, against a bare smtplib loop, in the same run.

    .venv/bin/python bench/send_to_inbox.py                  # 1,000 people, SQLite and PostgreSQL
    .venv/bin/python bench/send_to_inbox.py --count 200 --database sqlite

For each database: a fresh database (`flask setup` with the demo data), a local SMTP server
(aiosmtpd, in a process of its own) that notes when each message is accepted, the app served
by gunicorn (2 workers), and ONE separate `flask send-mail --loop` worker with its default
settings, as an operator runs them. The owner signs in over HTTP and walks the wizard: the
people step (the addresses pasted), no heads-up, licenses, check, Send.

Timed from the POST of the people step to the last message accepted by the SMTP server; also
"Send to the first message" (how long the first invitee waits). The yardstick, in the same
run: a bare smtplib loop sending the same messages over one connection (the messages the
worker would send, rendered beforehand, so the loop does nothing else). Target: at most 1.5x
the bare loop, and the first message within 1 s of Send. Not a test: the figures are the ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from databases import databases
from delivery import bare_loop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
TARGET_RATIO = 1.5
TARGET_FIRST_SECONDS = 1.0


def serve(port: int, received, first, last, ready) -> None:
    """The SMTP server: accepts everything, counts it, notes the first and last arrival."""
    from aiosmtpd.controller import Controller

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            now = time.time()
            with received.get_lock():
                received.value += 1
                if not first.value:
                    first.value = now
                last.value = now
            return "250 2.0.0 OK"

    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    signal.sigwait({signal.SIGTERM})
    controller.stop()


def free_port() -> int:
    from tests.postgres import free_port as port

    return port()


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.005)


def walk_the_wizard(app: str, count: int) -> tuple[float, float]:
    """Owner signs in and sends `count` people; returns (people step posted, Send answered),
    as time.time() values."""
    from tests.http_session import Owner

    owner = Owner("owner@acme.example")
    owner.sign_in(app)
    response = owner.submit(f"{app}/users/add/", {"start_over": "1"})
    base = app + re.match(r"(/users/add/\d+)/", response.headers["Location"]).group(1)
    addresses = "\n".join(f"Person {n} <person{n:05d}@example.net>" for n in range(count))
    page = owner.http.get(f"{base}/people", timeout=30)
    from tests.helpers import csrf_token

    form = {"csrf_token": csrf_token(page.text), "addresses": addresses}
    started = time.time()
    answer = owner.http.post(
        f"{base}/people",
        data={**form, "default_type": "basic", "check": "1"},
        allow_redirects=False,
        timeout=120,
    )
    assert answer.status_code == 302, answer.text[:500]
    for url, data in (
        (f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"}),
        (f"{base}/licenses", {"confirm": "1"}),
    ):
        answer = owner.submit(url, data)
        assert answer.status_code == 302, (url, answer.text[:500])
    answer = owner.submit(f"{base}/send", {}, page=f"{base}/check")
    assert answer.status_code == 302 and "/sent" in answer.headers["Location"], answer.text[:500]
    return started, time.time()


def rendered_messages(env: dict[str, str]) -> list[tuple[str, str, bytes]]:
    """What the worker sent, rendered again here for the bare loop (as bench/delivery.py does)."""
    from delivery import rendered_messages as render_outbox

    from wizard import create_app
    from wizard.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": env["FLASK_SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": env["FLASK_SQLALCHEMY_DATABASE_URI"],
            "BASE_URL": env["FLASK_BASE_URL"],
            "MAIL_SERVER": "127.0.0.1",
        }
    )
    with app.app_context():
        out = render_outbox()
        db.session.remove()
        db.engine.dispose()
    return out


def run(name: str, url: str, count: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-inbox-"))
    url = url.replace("TMP", str(tmp))
    smtp_port, app_port = free_port(), free_port()
    received = multiprocessing.Value("i", 0)
    first = multiprocessing.Value("d", 0.0)
    last = multiprocessing.Value("d", 0.0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve, args=(smtp_port, received, first, last, ready), daemon=True
    )
    server.start()
    ready.wait(10)
    env = {
        **os.environ,
        "FLASK_APP": "wizard",
        "WIZARD_INSTANCE_PATH": str(tmp),
        "FLASK_SECRET_KEY": "benchmark key, the same for every process",
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
        "FLASK_BASE_URL": f"http://127.0.0.1:{app_port}",
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_port),
    }
    subprocess.run(
        [str(BIN / "flask"), "setup"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    app = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--log-level",
            "warning",
            "wizard:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen(
        [str(BIN / "flask"), "send-mail", "--loop"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    listening = threading.Event()

    def read_worker() -> None:  # drained to the end, so the pipe never fills and stops it
        for line in worker.stdout:
            if line.startswith("Waiting for queued email"):
                listening.set()

    threading.Thread(target=read_worker, daemon=True).start()
    try:
        import requests

        def answers() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{app_port}/healthz", timeout=1).ok
            except requests.RequestException:
                return False

        wait_until(answers, 60, "gunicorn")
        wait_until(listening.is_set, 60, "the worker to say it is waiting for email")
        started, sent = walk_the_wizard(f"http://127.0.0.1:{app_port}", count)
        wait_until(lambda: received.value >= count, 600, f"{count} messages")
        whole = last.value - started
        first_wait = first.value - sent
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        app.terminate()
        app.wait(30)
    messages = rendered_messages(env)
    assert len(messages) == count
    bare = bare_loop(smtp_port, messages)  # once, as the wizard's round: like for like
    server.terminate()
    server.join(10)
    result = {
        "database": name,
        "count": count,
        "whole": whole,
        "first": first_wait,
        "bare": bare,
        "ratio": whole / bare,
    }
    print(
        f"{name}: people step to the last message {whole:.2f} s, Send to the first "
        f"{first_wait * 1000:.0f} ms; bare loop {bare:.2f} s; ratio {whole / bare:.2f}",
        flush=True,
    )
    return result


def table(results: list[dict]) -> str:
    rows = [
        "| Database | People | People step → last message | Send → first message | "
        f"Bare smtplib loop | Ratio, each round | Ratio (median round) | Within {TARGET_RATIO}×? "
        f"| First within {TARGET_FIRST_SECONDS:.0f} s? |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for r in results:
        each = ", ".join(f"{x:.2f}" for x in r.get("ratios", [r["ratio"]]))
        rows.append(
            f"| {r['database']} | {r['count']:,} | {r['whole']:.2f} s | {r['first'] * 1000:.0f} ms "
            f"| {r['bare']:.2f} s | {each} | **{r['ratio']:.2f}** "
            f"| {'yes' if r['ratio'] <= TARGET_RATIO else '**no**'} "
            f"| {'yes' if r['first'] <= TARGET_FIRST_SECONDS else '**no**'} |"
        )
    return "\n".join(rows)


def reset_postgres(url: str) -> None:
    """An empty database for the next round (`flask setup` then makes it afresh)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def rounds_of(name: str, runs: list[dict]) -> dict:
    """The median round (by ratio; of an even number, the slower middle one) of one database,
    with every round's ratio."""
    ordered = sorted(runs, key=lambda r: r["ratio"])
    middle = ordered[len(ordered) // 2]
    return {**middle, "rounds": len(runs), "ratios": [r["ratio"] for r in runs], "database": name}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds per database: the wizard, then the loop"
    )
    args = parser.parse_args(argv)
    results = []
    with databases(args.database, "sqlite:///TMP/inbox.sqlite") as targets:
        # Rounds alternate between the databases and, within each, the wizard and the bare
        # loop follow each other: a neighbour's burst weighs on both sides alike. Each
        # round starts from a fresh database. The median round is reported.
        runs: dict[str, list[dict]] = {name: [] for name, _ in targets}
        for _ in range(args.rounds):
            for name, url in targets:
                if url.startswith("postgresql"):
                    reset_postgres(url)
                runs[name].append(run(name, url, args.count))
        results = [rounds_of(name, found) for name, found in runs.items()]
    print()
    print(table(results))
    return results


if __name__ == "__main__":
    main()
