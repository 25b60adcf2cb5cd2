"""Benchmark: a batch of 9,999 people through the wizard's own routes, against a bare insert.

    .venv/bin/python bench/batch.py                       # SQLite and PostgreSQL, 3 runs each
    .venv/bin/python bench/batch.py --runs 1 --database sqlite

Each run starts from the demo data, signs in as the owner with Flask's test client and walks
the wizard as a browser would (CSRF token read from the page): start a draft, paste 9,999
addresses (validated and stored in the draft), skip the heads-up, show the license impact
(first page), confirm, show the check page, send (invitations, outbox rows and audit events
committed). The floor, in the same run on the same database: a bare SQLAlchemy Core insert of
the same 9,999 invitation rows and 9,999 outbox rows in one transaction. Not a test: the
figure that counts is the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from databases import databases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = 9999
TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0


def addresses(n: int) -> str:
    # On the demo account's verified domain, so the license page looks every one of them up.
    return "\n".join(f"Bulk {i} <bulk.{i}@acme.example>" for i in range(n))


def through_the_wizard(client, text: str) -> dict[str, float]:
    """Walk the wizard with `text` pasted; seconds per step."""
    import re

    from tests.conftest import DEMO_PASSWORD
    from tests.helpers import csrf_token, submit

    submit(client, "/sign-in", {"email": "owner@acme.example", "password": DEMO_PASSWORD})
    steps: dict[str, float] = {}
    started = time.perf_counter()
    page = client.get("/users/add/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/users/add/", data={"csrf_token": token, "start_over": "1"})
    base = re.match(r"(/users/add/\d+)/", response.location).group(1)

    def post(path: str, **data):
        response = client.post(f"{base}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, response.status_code)
        return response

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        steps[name] = now - started
        started = now

    client.get(f"{base}/people")
    lap("start")
    assert post("people", addresses=text, default_type="basic", check="1").location.endswith(
        "/heads-up"
    )
    lap("paste + validate")
    post("heads-up", skip="1", confirm_skip="y", subject="", body="")
    lap("heads-up (skip)")
    assert client.get(f"{base}/licenses").status_code == 200
    lap("license impact (page 1)")
    assert post("licenses", confirm="1").location.endswith("/check")
    lap("confirm licenses")
    assert client.get(f"{base}/check").status_code == 200
    lap("check")
    assert "/sent" in post("send").location
    lap("send")
    return steps


def bare_insert(n: int) -> float:
    """The floor: the same invitation and outbox rows in one transaction, stored the fastest
    way each database has: Core executemany on SQLite, a bare COPY on PostgreSQL (as the app
    itself uses COPY there, the floor must too, or the ratio flatters the app)."""
    from sqlalchemy import insert, select

    from wizard.accept import tokens
    from wizard.extensions import db
    from wizard.models import Account, Invitation, OutboxEmail, User, UserType
    from wizard.models.types import utcnow

    account = db.session.execute(select(Account).filter_by(name="Acme Corp")).scalar_one()
    owner = db.session.execute(select(User).filter_by(email="owner@acme.example")).scalar_one()
    account_id, owner_id = account.id, owner.id
    db.session.commit()
    copy = db.engine.dialect.name == "postgresql"
    started = time.perf_counter()
    now = utcnow()
    rows = []
    for i in range(n):
        nonce = tokens.new_nonce()
        rows.append(
            {
                "account_id": account_id,
                "email": f"floor.{i}@acme.example",
                "name": f"Floor {i}",
                "user_type": UserType.BASIC,
                "status": "pending",
                "invited_by_id": owner_id,
                "token_nonce": nonce,
                "token_hash": tokens.token_hash(tokens.token_for(nonce)),
                "created_at": now,
                "expires_at": now + timedelta(days=30),
            }
        )
    if copy:
        bare_copy("invitation", rows)
    else:
        db.session.execute(insert(Invitation), rows)
    ids = db.session.execute(
        select(Invitation.id, Invitation.email).where(Invitation.email.like("floor.%"))
    ).all()
    emails = [
        {
            "account_id": account_id,
            "invitation_id": invitation_id,
            "kind": "invitation",
            "to_address": email,
            "locale": "en",
            "context": {"business_name": "Acme Corp"},
            "subject": "",
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for invitation_id, email in ids
    ]
    if copy:
        bare_copy("outbox_email", emails)
    else:
        db.session.execute(insert(OutboxEmail), emails)
    db.session.commit()
    elapsed = time.perf_counter() - started
    assert len(ids) == n
    return elapsed


def bare_copy(table: str, rows: list[dict]) -> None:
    """COPY the rows as they are (JSON dumped, enums as their values), in the session's
    transaction: no bind processing, no defaults: the least PostgreSQL can be asked to do."""
    import enum
    import json

    from wizard.extensions import db

    names = list(rows[0])
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table}" ({", ".join(names)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(v) if isinstance(v, dict)
                    else v.value if isinstance(v, enum.Enum) else v
                    for v in row.values()
                ]
            )


def run(database: str, url: str, runs: int, n: int = SIZE) -> dict:
    """`runs` times: the wizard walk, then the floor, each on fresh demo data."""
    from sqlalchemy import func, select

    from tests.conftest import make_app, reset_database, seed
    from wizard.extensions import db
    from wizard.models import Invitation, OutboxEmail

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    app = make_app(url.replace("TMP", str(tmp)), tmp)
    text = addresses(n)
    walks, floors = [], []
    try:
        for i in range(runs):
            with app.app_context():
                reset_database()
                seed(app)
                db.session.remove()
            steps = through_the_wizard(app.test_client(), text)
            with app.app_context():
                assert db.session.scalar(select(func.count(Invitation.id))) == n
                assert db.session.scalar(select(func.count(OutboxEmail.id))) == n
                reset_database()
                seed(app)
                floor = bare_insert(n)
                db.session.remove()
            walks.append(steps)
            floors.append(floor)
            total = sum(steps.values())
            print(
                f"  {database} run {i + 1}: wizard {total:.2f} s, floor {floor:.2f} s, "
                f"ratio {total / floor:.1f}",
                flush=True,
            )
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    totals = [sum(s.values()) for s in walks]
    ratios = [sum(s.values()) / f for s, f in zip(walks, floors, strict=True)]
    return {
        "database": database,
        "n": n,
        "runs": runs,
        "total": statistics.median(totals),
        "floor": statistics.median(floors),
        "ratio": statistics.median(ratios),
        "steps": {k: statistics.median(s[k] for s in walks) for k in walks[0]},
    }


def table(results: list[dict]) -> str:
    lines = [
        "| Database | People | Runs | Whole batch (median) | Floor: bare insert (median) "
        f"| Ratio (median) | Under {TARGET_SECONDS:.0f} s? | Within {TARGET_RATIO:.0f}× floor? |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['n']:,} | {r['runs']} | {r['total']:.2f} s "
            f"| {r['floor']:.2f} s | **{r['ratio']:.1f}×** "
            f"| {'yes' if r['total'] < TARGET_SECONDS else 'no'} "
            f"| {'yes' if r['ratio'] <= TARGET_RATIO else 'no'} |"
        )
    lines += [
        "",
        "Median seconds per step:",
        "",
        "| Step | " + " | ".join(r["database"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for step in results[0]["steps"] if results else []:
        lines.append(
            f"| {step} | " + " | ".join(f"{r['steps'][step]:.2f} s" for r in results) + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None, postgres_url: str | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)

    results = []
    with databases(args.database, "sqlite:///TMP/bench.sqlite", postgres_url) as targets:
        for name, url in targets:
            print(f"Batch of {args.size:,} on {name}, {args.runs} runs ...", flush=True)
            results.append(run(name, url, args.runs, args.size))
    print()
    print(table(results))
    return results


if __name__ == "__main__":
    main()
