"""Benchmark, not a test: time the Pending tab, the audit log and the Users page on the
database that `flask --app wizard seed-scale` filled, and count statements per page.

    .venv/bin/python -m tests.manage.benchmark_scale sqlite:////path/to/wizard.sqlite
    .venv/bin/python -m tests.manage.benchmark_scale postgresql+psycopg://…/db

Prints the median and worst of several requests per page; these machines are shared and
noisy, so compare figures from one run rather than against a fixed target.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import count_statements, submit
from wizard import create_app
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.scale import OWNER

PAGES = [
    # A small page first: on a shared, noisy machine the ratio to it says more than the ms.
    ("Baseline: My account page", "/account/"),
    ("Pending, first page", "/users/pending/"),
    ("Pending, page 1,000", "/users/pending/?page=1000"),
    ("Pending, last page", "/users/pending/?page=100000"),
    ("Pending, status expired", "/users/pending/?status=expired"),
    ("Pending, delivery failed", "/users/pending/?delivery=failed"),
    ("Pending, search", "/users/pending/?q=invitee0421"),
    ("Pending, by email", "/users/pending/?sort=email&page=500"),
    ("History of one", "/users/pending/{invitation}"),
    ("Resend confirmation", "/users/pending/resend?ids={invitation}"),
    ("Audit log, first page", "/users/audit-log/"),
    ("Audit log, page 2,000", "/users/audit-log/?page=2000"),
    ("Audit log, by action", "/users/audit-log/?action=revoked"),
    ("Users, first page", "/users/"),
    ("Users, search", "/users/?q=novak"),
]
REPEATS = 5


def main(url: str) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    app.instance_path = tempfile.mkdtemp()
    with app.app_context():
        from sqlalchemy import func, select

        from wizard.models import Account, Invitation

        account = db.session.scalar(select(Account.id).where(Account.name == "Scale Corp"))
        if account is None:
            sys.exit("No Scale Corp here: run `flask --app wizard seed-scale` first.")
        invitation = db.session.scalar(
            select(func.max(Invitation.id)).where(Invitation.account_id == account)
        )
        total = db.session.scalar(select(func.count(Invitation.id)))
        engine = db.engine
    client = app.test_client()
    response = submit(client, "/sign-in", {"email": OWNER, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "could not sign in as the scale owner"
    print(f"{engine.dialect.name}: {total:,} invitations in the database")
    # cpu ms: this process's CPU time, less disturbed by a busy machine than the wall clock;
    # with SQLite it includes the database's work, with PostgreSQL only the app's.
    print(
        f"{'page':<28}{'median ms':>10}{'worst ms':>10}{'cpu ms':>8}{'statements':>12}"
        f"{'KB':>7}{'×':>6}"
    )
    baseline = None
    for label, path in PAGES:
        path = path.format(invitation=invitation)
        times, cpu, statements = [], [], set()
        for _ in range(REPEATS):
            with count_statements(engine) as counted:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            statements.add(counted["n"])
        size = len(response.get_data()) / 1024
        shown = "/".join(str(s) for s in sorted(statements))
        median = statistics.median(times)
        baseline = baseline or median
        print(
            f"{label:<28}{median:>10.0f}{max(times):>10.0f}{statistics.median(cpu):>8.0f}"
            f"{shown:>12}{size:>7.0f}"
            f"{median / baseline:>6.1f}"
        )
    started = time.perf_counter()
    response = client.get("/users/pending/export.csv")
    size = len(response.get_data())
    print(f"CSV export of all: {(time.perf_counter() - started):.1f} s, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path('instance/wizard.sqlite')}")
