"""Fixtures: an app per test on SQLite and again on PostgreSQL, a client, signing in."""

import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import submit
from tests.postgres import ThrowawayPostgres, find_bindir
from wizard import create_app
from wizard.demo import DEMO_PASSWORD, seed_demo
from wizard.extensions import db, limiter

# Cheap hashing keeps the suite fast; the production cost is asserted in test_passwords.
FAST_HASH = "scrypt:1024:8:1"
POSTGRES_REQUIRED = bool(os.environ.get("REQUIRE_POSTGRES"))
# `make mutate` runs the fast half only: thousands of mutants times two databases would not fit
# in its time box, and the rules it mutates are the same on both.
SQLITE_ONLY = bool(os.environ.get("TEST_SQLITE_ONLY"))

_demo_hash: dict[str, str] = {}

# Under `make mutate` each mutant stops at its first failing test (-x), so the order decides the
# time: the mutated capability's own tests first (they are the likeliest to fail), the few
# slow walks last. wizard/common is guarded by its own rule tests (fast, so first) and the
# security tests. The row locks that guard the last license (seats, quota, acceptance) are
# checked first in milliseconds: otherwise a dropped lock, which SQLite cannot tell, ran every
# test that reaches it (minutes a mutant). The daily quota's tests sit with the security tests.
LOCKS = "tests/accept/test_locks_asked_for.py"
OWN_TESTS = {
    "common": ("tests/common/", "tests/security/"),
    "accept": (LOCKS, "tests/accept/"),
    "manage": (LOCKS, "tests/manage/"),
    "invite": (LOCKS, "tests/security/test_invitation_quota.py", "tests/invite/"),
}


def pytest_collection_modifyitems(config, items):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if not mutant.startswith("wizard."):
        return
    capability = mutant.split(".")[1]
    own = OWN_TESTS.get(capability, (f"tests/{capability}/",))

    def rank(item) -> int:  # the place of the first folder the test is in, else after them all
        return next((n for n, folder in enumerate(own) if item.nodeid.startswith(folder)), len(own))

    items.sort(key=lambda item: (rank(item), "slow" in item.keywords))


def _no_postgres(reason: str):
    if POSTGRES_REQUIRED:
        pytest.fail(f"PostgreSQL is required here (REQUIRE_POSTGRES is set): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server_url():
    """A PostgreSQL server for the whole run: TEST_DATABASE_URL, or a throwaway one."""
    if SQLITE_ONLY:
        pytest.skip("TEST_SQLITE_ONLY is set: the PostgreSQL half is left out (make mutate)")
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
        return
    bindir = find_bindir()
    if bindir is None:
        _no_postgres("no PostgreSQL: no server binaries found and TEST_DATABASE_URL is not set")
    # Not under pytest's temp folder: the postgres user cannot enter root's 0700 folders.
    server = ThrowawayPostgres(bindir, Path(tempfile.mkdtemp(prefix="wizard-pg-")))
    try:
        url = server.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        _no_postgres(f"no PostgreSQL: the throwaway server did not start ({exc})")
    yield url
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url):
    """A database for this test run on that server, created fresh."""
    name = f"wizard_test_{os.getpid()}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _sep, _db = postgres_server_url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite"] if SQLITE_ONLY else ["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


def make_app(database_url: str, instance_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test secret key, not for production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "BASE_URL": "http://invite.test",
        "SERVER_NAME": None,
        **overrides,
    }
    app = create_app(config)
    app.instance_path = str(instance_path)
    # The limiter is module-level and its memory store can outlive an app: start each app
    # with no attempts counted, so one test's failed sign-ins never limit another's.
    if app.config["RATELIMIT_ENABLED"]:
        limiter.reset()
    return app


def reset_database() -> None:
    """Empty every table: a clean start for each test, fast on both databases."""
    db.create_all()
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


def seed(app) -> None:
    from wizard.accounts.passwords import hash_password

    if FAST_HASH not in _demo_hash:
        _demo_hash[FAST_HASH] = hash_password(DEMO_PASSWORD)
    seed_demo(password_hash=_demo_hash[FAST_HASH])


class SeededSqlite:
    """The demo database on SQLite, made once per process (and again if the date changes, since
    the demo's plans are dated from today) by the very reset_database() and seed() every test ran
    before: schema, indexes and any triggers come from db.create_all, as they always did. Each
    test starts from a copy of the file, which is much cheaper than creating and seeding it.

    Kept for the process, not the pytest session: `make mutate` runs a pytest session per mutant,
    each forked from a process that has already made the file, and seeding calls none of the
    functions it mutates (the seed is the same for every mutant), so each mutant starts from it
    instead of spending a fifth of a second seeding again."""

    def __init__(self):
        self._folder: Path | None = None
        self._made: dict = {}

    def copy_to(self, path: Path) -> None:
        from wizard.models.types import utcnow

        today = utcnow().date()
        if today not in self._made:
            self._made[today] = self._make(self._own_folder() / f"seeded-{today}.sqlite")
        shutil.copyfile(self._made[today], path)

    def _own_folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="wizard-seeded-"))
            atexit.register(self._remove, self._folder, os.getpid())
        return self._folder

    @staticmethod
    def _remove(folder: Path, maker: int) -> None:
        if os.getpid() == maker:  # never a forked child's exit: the maker may still need it
            shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def _make(path: Path) -> Path:
        app = make_app(f"sqlite:///{path}", path.parent)
        with app.app_context():
            reset_database()
            seed(app)
            db.session.remove()
            db.engine.dispose()
        # Fold the write-ahead log into the file, so that the one file is the whole database.
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        return path


_seeded_sqlite = SeededSqlite()


@pytest.fixture(scope="session")
def seeded_sqlite() -> SeededSqlite:
    return _seeded_sqlite


@pytest.fixture
def app(request, database_url, tmp_path):
    """The app with the demo data, on a clean database."""
    if database_url.startswith("sqlite:///"):
        request.getfixturevalue("seeded_sqlite").copy_to(Path(database_url[len("sqlite:///"):]))
        app = make_app(database_url, tmp_path)
    else:
        app = make_app(database_url, tmp_path)
        with app.app_context():
            reset_database()
            seed(app)
            db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


class AuthActions:
    def __init__(self, client):
        self._client = client

    def sign_in(self, email="owner@acme.example", password=DEMO_PASSWORD, follow_redirects=False):
        return submit(
            self._client,
            "/sign-in",
            {"email": email, "password": password},
            follow_redirects=follow_redirects,
        )

    def sign_out(self):
        return submit(self._client, "/sign-out", page="/account/")


@pytest.fixture
def auth(client):
    return AuthActions(client)
