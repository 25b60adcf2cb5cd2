"""Benchmark: the Pending tab and the Users page at 1,000, 100,000 and 1,000,000 invitations.

    .venv/bin/python bench/curve.py                          # SQLite and PostgreSQL
    .venv/bin/python bench/curve.py --database sqlite --requests 40 --write-docs

One business (10,000 members from `seed-scale`) grows in place: first its newest batch of
1,000 invitations (a third delivered, the rest still queued), then older invitations,
answered or long expired, with their emails, up to each size. The rows are made by the
database itself (one INSERT ... SELECT over a generated series per table: no per-row Python,
no round trip per row), so a million take seconds; the tally's triggers count them as they
go in, as they would any bulk load. Then ANALYZE, as autovacuum would.

At each size the owner's pages are requested in-process through Flask's test client (no
network, no second process competing for the 2 shared cores): a warm-up, then `--requests`
timed requests each, recording wall time and the SQL statements run. The floor is the
sign-in page signed out (no database), measured at each size. Prints p50/p99 and statements;
with --write-docs writes the table into docs/benchmarks.md (between the curve markers) and
the plot to docs/pages-curve.png (matplotlib, from the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from databases import databases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 100_000, 1_000_000)
if os.environ.get("CURVE_SIZES"):  # a quick trial: CURVE_SIZES=1000,5000
    SIZES = tuple(int(n) for n in os.environ["CURVE_SIZES"].split(","))
NEWEST = 1_000
PAGES = [
    ("Floor: sign-in page, signed out", "/sign-in", False),
    ("Pending tab", "/users/pending/", True),
    ("Users page", "/users/", True),
]
START, END = "<!-- curve:start -->", "<!-- curve:end -->"


def make_app(url: str, tmp: Path):
    from wizard import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark key, the same for every process: 0123456789abcdef",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://127.0.0.1",
            "MAIL_SERVER": "127.0.0.1",
        }
    )


def series(dialect: str, first: int, last: int) -> str:
    """A FROM clause giving column n = first..last."""
    if dialect == "postgresql":
        return f"generate_series({first}, {last}) AS s(n)"
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM s "
        f"WHERE n < {last}) SELECT n FROM s) AS s"
    )


def add_invitations(first: int, last: int, *, newest: bool, batch_id: int, now: datetime):
    """Invitations with ids first..last, and one invitation email each, made by the database.

    The newest are pending, a third delivered and the rest queued; the older ones were sent
    120 to 400 days ago: 45 % accepted, 5 % declined, 5 % revoked, the rest expired by time."""
    from sqlalchemy import text

    from wizard.extensions import db
    from wizard.models import Account, User
    from wizard.scale import OWNER, SCALE_ACCOUNT

    dialect = db.engine.dialect.name

    def stamp(moment: datetime):
        """As the app's UTCDateTime stores it (SQLite keeps text, PostgreSQL timestamptz)."""
        return moment if dialect == "postgresql" else moment.strftime("%Y-%m-%d %H:%M:%S.%f")

    account = db.session.scalar(db.select(Account.id).where(Account.name == SCALE_ACCOUNT))
    owner = db.session.scalar(db.select(User.id).where(User.email == OWNER))
    roll = "((n % 100) * 79 % 100)"
    if newest:
        status = "'pending'"
        created = ":now"
        expires = ":later"
    else:
        status = (
            f"CASE WHEN {roll} < 45 THEN 'accepted' WHEN {roll} < 50 THEN 'declined' "
            f"WHEN {roll} < 55 THEN 'revoked' ELSE 'pending' END"
        )
        created = ":long_ago"
        expires = ":expired"
    user_type = f"CASE WHEN {roll} < 20 THEN 'licensed' ELSE 'basic' END"
    concat = "||"
    db.session.execute(
        text(
            "INSERT INTO invitation (id, account_id, batch_id, email, name, user_type, status, "
            "invited_by_id, token_nonce, token_hash, created_at, sent_at, expires_at, via_sso) "
            f"SELECT n, :account, :batch, 'invitee' {concat} n {concat} '@mail' "
            f"{concat} (n % 40) {concat} '.example', "
            f"CASE WHEN {roll} < 70 THEN 'Person ' {concat} n ELSE '' END, {user_type}, "
            f"{status}, :owner, 'nonce' {concat} n, 'hash' {concat} n, {created}, {created}, "
            f"{expires}, false FROM {series(dialect, first, last)}"
        ),
        {
            "account": account,
            "batch": batch_id,
            "owner": owner,
            "now": stamp(now),
            "later": stamp(now + timedelta(days=30)),
            "long_ago": stamp(now - timedelta(days=400)),
            "expired": stamp(now - timedelta(days=370)),
        },
    )
    delivery = (
        "CASE WHEN n % 3 = 0 THEN 'sent' ELSE 'queued' END"
        if newest
        else f"CASE WHEN {roll} > 97 THEN 'failed' ELSE 'sent' END"
    )
    db.session.execute(
        text(
            "INSERT INTO outbox_email (account_id, invitation_id, kind, to_address, locale, "
            "context, subject, status, attempts, next_attempt_at, sent_at, created_at) "
            f"SELECT :account, n, 'invitation', 'invitee' {concat} n {concat} '@mail.example', "
            f"'en', '{{}}', '', {delivery}, 1, :now, "
            f"CASE WHEN {delivery} = 'sent' THEN :now ELSE NULL END, :now "
            f"FROM {series(dialect, first, last)}"
        ),
        {"account": account, "now": stamp(now)},
    )
    db.session.commit()


def grow(app, size: int, had: int, now: datetime) -> float:
    """Bring the account to `size` invitations; seconds it took."""
    from sqlalchemy import text

    from wizard.extensions import db
    from wizard.models import InvitationBatch

    began = time.perf_counter()
    with app.app_context():
        batches = db.session.scalars(db.select(InvitationBatch).order_by(InvitationBatch.id))
        old, newest = list(batches)[:2]
        if had == 0:
            newest.size, newest.created_at = NEWEST, now
            old.created_at = now - timedelta(days=400)  # done sending long ago
            db.session.commit()
            # The newest batch gets ids above every older one, as if sent last.
            add_invitations(
                10_000_001, 10_000_000 + NEWEST, newest=True, batch_id=newest.id, now=now
            )
        else:
            old.size = size - NEWEST
            db.session.commit()
            add_invitations(had - NEWEST + 1, size - NEWEST, newest=False, batch_id=old.id, now=now)
        engine = db.engine
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - began


def seed(app, now: datetime) -> None:
    """The schema, Scale Corp's 10,000 members and two empty batches (old, newest)."""
    from wizard.extensions import db
    from wizard.models import InvitationBatch, WizardDraft
    from wizard.scale import seed_scale

    with app.app_context():
        db.create_all()
        account = seed_scale(members=10_000, invitations=0, now=now)
        owner = db.session.scalar(db.select(WizardDraft.created_by_id))
        draft = WizardDraft(account_id=account, created_by_id=owner, created_at=now)
        db.session.add(draft)
        db.session.flush()
        db.session.add(
            InvitationBatch(
                account_id=account, created_by_id=owner, draft_id=draft.id, created_at=now
            )
        )
        db.session.commit()


def measure(app, requests: int) -> dict[str, dict]:
    from sqlalchemy import event

    from tests.helpers import submit
    from wizard.demo import DEMO_PASSWORD
    from wizard.extensions import db
    from wizard.scale import OWNER

    with app.app_context():
        engine = db.engine
    statements = {"n": 0}

    def count(*args):
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    results = {}
    try:
        signed_out, owner = app.test_client(), app.test_client()
        submit(owner, "/sign-in", {"email": OWNER, "password": DEMO_PASSWORD})
        for name, path, signed_in in PAGES:
            client = owner if signed_in else signed_out
            for _ in range(3):
                assert client.get(path).status_code == 200, path
            times = []
            statements["n"] = 0
            for _ in range(requests):
                began = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            times.sort()
            results[name] = {
                "p50": statistics.median(times),
                "p99": times[min(len(times) - 1, round(len(times) * 0.99) - 1)],
                "statements": statements["n"] / requests,
            }
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def run(database: str, requests: int) -> list[dict]:
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-curve-"))
    with databases(database, f"sqlite:///{tmp / 'curve.db'}") as targets:
        for db_name, url in targets:
            app = make_app(url, tmp)
            now = datetime.now(UTC)
            seed(app, now)
            had = 0
            for size in SIZES:
                seconds = grow(app, size, had, now)
                had = size
                print(f"{db_name}: {size:,} invitations ready in {seconds:.1f} s", flush=True)
                for page, figures in measure(app, requests).items():
                    rows.append({"database": db_name, "size": size, "page": page, **figures})
                    print(
                        f"  {page}: p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, "
                        f"{figures['statements']:.0f} statements",
                        flush=True,
                    )
            with app.app_context():
                from wizard.extensions import db

                db.engine.dispose()
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| Database | Page | Invitations | p50 | p99 | SQL statements |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['database']} | {r['page']} | {r['size']:,} | {r['p50']:.1f} ms "
            f"| {r['p99']:.1f} ms | {r['statements']:.0f} |"
        )
    return "\n".join(lines)


def flatness(rows: list[dict]) -> str:
    """p99 at the largest size ÷ p99 at the smallest, per database and page."""
    lines = ["| Database | Page | p99 at 1,000,000 ÷ p99 at 1,000 | Statements the same? |"]
    lines.append("|---|---|---:|---|")
    for db_name in dict.fromkeys(r["database"] for r in rows):
        for page, _, _ in PAGES[1:]:
            mine = [r for r in rows if r["database"] == db_name and r["page"] == page]
            if len(mine) < 2:
                continue
            ratio = mine[-1]["p99"] / mine[0]["p99"]
            same = len({r["statements"] for r in mine}) == 1
            lines.append(f"| {db_name} | {page} | **{ratio:.2f}×** | {'yes' if same else 'no'} |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 5), dpi=110, sharex=True)
    for ax, figure in zip(axes, ("p50", "p99"), strict=True):
        for db_name in dict.fromkeys(r["database"] for r in rows):
            for page, _, _ in PAGES:
                mine = [r for r in rows if r["database"] == db_name and r["page"] == page]
                ax.plot(
                    [r["size"] for r in mine],
                    [r[figure] for r in mine],
                    "--" if db_name == "PostgreSQL" else "-",
                    marker="o",
                    label=f"{page.split(':')[0]} ({db_name})",
                )
        ax.set_xscale("log")
        ax.set_xticks(SIZES, [f"{n:,}" for n in SIZES])
        ax.set_ylim(bottom=0)
        ax.set_xlabel("Invitations in the account")
        ax.set_ylabel(f"{figure} per request (ms)")
        ax.set_title(f"{figure}")
        ax.grid(True, alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8)
    fig.suptitle("Pages at scale (in-process requests, 2 shared cores)")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path)


def write_docs(rows: list[dict], requests: int, load: str) -> None:
    """The table into docs/benchmarks.md, the plot into docs/pages-curve.png; the rows are
    also kept in bench/curve-results.json (plot again with --replot, no new run)."""
    (ROOT / "bench" / "curve-results.json").write_text(
        json.dumps({"rows": rows, "requests": requests, "load": load}, indent=1)
    )
    docs = ROOT / "docs" / "benchmarks.md"
    plot(rows, ROOT / "docs" / "pages-curve.png")
    section = f"""{START}
## Pages at scale: the curve

`make bench-curve` (`bench/curve.py`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average
at the start {load} on 2 shared cores). One business of 10,000 members grows from 1,000 to
100,000 to 1,000,000 invitations (its newest batch of 1,000 still going out, the rest answered
or expired, each with its email), made by the database in bulk; at each size the owner's
pages are requested {requests} times in-process (Flask's test client, no network) after a
warm-up. Floor: the sign-in page signed out. Statements: SQL statements per request.
Targets: p99 flat within 1.5× from the smallest to the largest size, and the same number of
statements at every size.

{flatness(rows)}

{table(rows)}

![p99 of the Pending tab, the Users page and the floor by number of invitations](pages-curve.png)
{END}"""
    text = docs.read_text()
    if START in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    docs.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--replot", action="store_true", help="docs from curve-results.json")
    args = parser.parse_args()
    if args.replot:
        kept = json.loads((ROOT / "bench" / "curve-results.json").read_text())
        write_docs(kept["rows"], kept["requests"], kept["load"])
        return
    os.environ.setdefault("FLASK_SECRET_KEY", "benchmark key")
    load = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the start: {load}")
    rows = run(args.database, args.requests)
    print(flatness(rows))
    if args.write_docs:
        write_docs(rows, args.requests, load)


if __name__ == "__main__":
    main()
