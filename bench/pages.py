"""Benchmark: pages under load, gunicorn (2 sync workers) and wrk on 127.0.0.1, at scale.

    .venv/bin/python bench/pages.py                       # SQLite, 3 rounds of 10 s per page
    .venv/bin/python bench/pages.py --database both --rounds 1

The database is made by `flask --app wizard seed-scale` (10,000 members, 100,000 invitations).
gunicorn serves the app with 2 sync workers on a free port of 127.0.0.1; the owner of
"Scale Corp" signs in once and wrk (`-t2 -c8 -d10s --latency`) sends that session cookie.
Each round measures the floor (`/sign-in` signed out: a template, a form, no database) and
then each page, so every ratio compares figures of the same round. After the last round the
peak RSS (VmHWM) of each worker is read from /proc. Not a test: the ratios are what counts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html import unescape
from pathlib import Path

from databases import databases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

FLOOR = ("Floor: sign-in page, signed out", "/sign-in")
PAGES = [
    ("Pending tab", "/users/pending/"),
    ("Users page", "/users/"),
    ("Wizard: start page", "/users/add/"),
]
TARGET_P99_MS = 100.0
TARGET_SHARE = 0.5


def environment(url: str, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FLASK_APP": "wizard",
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
        "FLASK_SECRET_KEY": "benchmark key, the same for every process",
        "FLASK_BASE_URL": "http://127.0.0.1",
        # Served as in production, which wants a mail server (nothing is sent here).
        "FLASK_MAIL_SERVER": "127.0.0.1",
    }


def prepare(env: dict[str, str], members: int, invitations: int) -> float:
    """Schema by migrations, then seed-scale; seconds it took."""
    started = time.perf_counter()
    for args in (
        ["setup"],
        ["seed-scale", "--members", str(members), "--invitations", str(invitations)],
    ):
        subprocess.run(
            [str(BIN / "flask"), *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )
    url = env["FLASK_SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        # What autovacuum does a minute after a bulk load, done now so that it does not
        # happen halfway through a measurement: the visibility map lets the counts read
        # their indexes alone (index-only scans) instead of visiting every row's page.
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()
    return time.perf_counter() - started


def request(port: int, method: str, path: str, cookie: str = "", body: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read().decode("utf-8", "replace")
    cookies = [v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    return response.status, data, cookies


def sign_in(port: int) -> str:
    """The owner of Scale Corp signs in; the Cookie header that proves it."""
    from wizard.demo import DEMO_PASSWORD
    from wizard.scale import OWNER

    status, html, cookies = request(port, "GET", "/sign-in")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": unescape(token), "email": OWNER, "password": DEMO_PASSWORD}
    )
    status, _, signed_in = request(port, "POST", "/sign-in", "; ".join(cookies), body)
    assert status == 302 and signed_in, f"sign-in failed: {status}"
    return "; ".join(signed_in)


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request(port, "GET", "/sign-in")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, path: str, cookie: str, seconds: int) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run(
    database: str,
    url: str,
    rounds: int,
    seconds: int,
    members: int,
    invitations: int,
    reuse: str | None = None,
) -> dict:
    from tests.postgres import free_port

    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = url.replace("TMP", str(tmp))
    env = environment(url, tmp)
    print(
        f"  {database}: seed-scale ({members:,} members, {invitations:,} invitations) ...",
        flush=True,
    )
    if reuse:
        # A database seed-scale made before (its figures differ only by the seeding time).
        shutil.copy(reuse, tmp / "scale.sqlite")
        seeded = 0.0
    else:
        seeded = prepare(env, members, invitations)
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wizard:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(port)
        cookie = sign_in(port)
        for _, path in PAGES:
            status, html, _ = request(port, "GET", path, cookie)
            assert status == 200, f"{path} answered {status} to the signed-in owner"
        samples: dict[str, list[dict]] = {name: [] for name, _ in [FLOOR, *PAGES]}
        for r in range(rounds):
            floor = wrk(port, FLOOR[1], "", seconds)
            samples[FLOOR[0]].append({**floor, "share": 1.0})
            for name, path in PAGES:
                result = wrk(port, path, cookie, seconds)
                result["share"] = result["rps"] / floor["rps"]
                samples[name].append(result)
            print(
                f"  {database} round {r + 1}: floor {floor['rps']:.0f} req/s; "
                + ", ".join(
                    f"{n} {s[-1]['rps']:.0f} req/s p99 {s[-1]['p99']:.0f} ms"
                    for n, s in samples.items()
                    if n != FLOOR[0]
                ),
                flush=True,
            )
        memory = [peak_rss_mb(pid) for pid in workers_of(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    pages = {}
    for name, results in samples.items():
        pages[name] = {
            key: statistics.median(r[key] for r in results)
            for key in ("rps", "p50", "p99", "share")
        }
        pages[name]["bad"] = sum(r["bad"] for r in results)
        pages[name]["socket_errors"] = "; ".join(
            r["socket_errors"] for r in results if r["socket_errors"]
        )
    return {
        "database": database,
        "rounds": rounds,
        "seconds": seconds,
        "members": members,
        "invitations": invitations,
        "seeded": seeded,
        "pages": pages,
        "memory": memory,
    }


def table(results: list[dict]) -> str:
    lines = [
        "| Database | Page | Requests/s | p50 | p99 | Throughput ÷ floor "
        f"| p99 < {TARGET_P99_MS:.0f} ms? | ≥ {TARGET_SHARE:.1f} of floor? |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        for name, p in r["pages"].items():
            floor = name == FLOOR[0]
            note = f" ({p['bad']} non-2xx/3xx)" if p["bad"] else ""
            if p["socket_errors"]:
                # Requests slower than wrk's 5 s timeout are not in its latency figures.
                note += f" (wrk socket errors: {p['socket_errors']})"
            share = "1 (floor)" if floor else f"**{p['share']:.2f}**"
            lines.append(
                f"| {r['database']} | {name}{note} | {p['rps']:.1f} | {p['p50']:.1f} ms "
                f"| {p['p99']:.1f} ms | {share} "
                f"| {'yes' if 0 < p['p99'] < TARGET_P99_MS else 'no'} "
                f"| {'–' if floor else ('yes' if p['share'] >= TARGET_SHARE else 'no')} |"
            )
    return "\n".join(lines)


def memory_table(results: list[dict]) -> str:
    lines = ["| Database | Peak RSS per worker (VmHWM) after the load run |", "|---|---|"]
    for r in results:
        lines.append(f"| {r['database']} | " + ", ".join(f"{m:.0f} MB" for m in r["memory"]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None, postgres_url: str | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--invitations", type=int, default=100_000)
    parser.add_argument("--reuse", help="an SQLite file seed-scale made before (SQLite only)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): pages under load skipped.")
        return []

    results = []
    with databases(args.database, "sqlite:///TMP/scale.sqlite", postgres_url) as targets:
        for name, url in targets:
            print(f"Pages under load on {name}, {args.rounds} rounds ...", flush=True)
            results.append(
                run(
                    name,
                    url,
                    args.rounds,
                    args.seconds,
                    args.members,
                    args.invitations,
                    args.reuse if name == "SQLite" else None,
                )
            )
    print()
    print(table(results))
    print()
    print(memory_table(results))
    return results


if __name__ == "__main__":
    main()
