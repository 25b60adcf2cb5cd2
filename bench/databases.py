"""The databases a benchmark runs on: SQLite in a file, and PostgreSQL (the given URL, or a
throwaway server started for the run and removed after it)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def databases(
    choice: str, sqlite_url: str, postgres_url: str | None = None
) -> Iterator[list[tuple[str, str]]]:
    """(name, URL) of each database `choice` ("sqlite", "postgresql" or "both") asks for."""
    from tests.postgres import ThrowawayPostgres, find_bindir

    targets = []
    if choice in ("sqlite", "both"):
        targets.append(("SQLite", sqlite_url))
    postgres = None
    if choice in ("postgresql", "both"):
        if postgres_url:
            targets.append(("PostgreSQL", postgres_url))
        elif (bindir := find_bindir()) is None:
            print("No PostgreSQL binaries found: PostgreSQL skipped.")
        else:
            postgres = ThrowawayPostgres(bindir, Path(tempfile.mkdtemp(prefix="bench-pg-")))
            targets.append(("PostgreSQL", postgres.start()))
    try:
        yield targets
    finally:
        if postgres is not None:
            postgres.stop()
            shutil.rmtree(postgres.root, ignore_errors=True)
