"""How long the quick guide PDF takes: the first download, a cached one, and a 304.

    .venv/bin/python bench/guide.py

Uses a throwaway SQLite database with the demo data. Figures are CPU milliseconds of this
process: these machines are shared, and wall time mostly measures the neighbours.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import make_app, reset_database, seed  # noqa: E402
from tests.helpers import submit  # noqa: E402

URL = "/guide/quick-guide.pdf"


def timed(client, **kwargs) -> tuple[float, object]:
    """Milliseconds of CPU for one GET (wall time is at the mercy of the other processes)."""
    start = time.process_time()
    response = client.get(URL, **kwargs)
    return (time.process_time() - start) * 1000, response


def main() -> list[tuple[str, float, int, int]]:
    tmp = Path(tempfile.mkdtemp(prefix="guide-bench-"))
    app = make_app(f"sqlite:///{tmp / 'bench.sqlite'}", tmp)
    with app.app_context():
        reset_database()
        seed(app)
    client = app.test_client()

    start = time.process_time()
    import weasyprint  # noqa: F401  (what the first download also pays for, once per process)

    print(f"WeasyPrint import (once per process):  {(time.process_time() - start) * 1000:7.1f} ms")

    rows = []
    ms, first = timed(client)
    rows.append(("generic, first download", ms, first))
    cached = [timed(client) for _ in range(20)]
    rows.append(
        ("generic, cached (median of 20)", statistics.median(m for m, _ in cached), cached[0][1])
    )
    ms, not_modified = timed(client, headers={"If-None-Match": first.headers["ETag"]})
    rows.append(("generic, If-None-Match (304)", ms, not_modified))

    submit(client, "/sign-in", {"email": "owner@acme.example", "password": "correct-horse-battery"})
    ms, personal = timed(client)
    rows.append(("owner's copy, first download", ms, personal))
    cached = [timed(client) for _ in range(20)]
    rows.append(
        (
            "owner's copy, cached (median of 20)",
            statistics.median(m for m, _ in cached),
            cached[0][1],
        )
    )
    ms, not_modified = timed(client, headers={"If-None-Match": personal.headers["ETag"]})
    rows.append(("owner's copy, If-None-Match (304)", ms, not_modified))

    for label, ms, response in rows:
        size = f"{len(response.data) / 1024:6.1f} KB" if response.data else "     0 KB"
        print(f"{label:38s} {ms:7.1f} ms CPU  {response.status_code}  {size}")
    print(f"first / cached (owner's copy): {rows[3][1] / rows[4][1]:.0f}x")
    return [(label, ms, r.status_code, len(r.data)) for label, ms, r in rows]


if __name__ == "__main__":
    main()
