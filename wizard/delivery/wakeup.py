"""Waking the delivery worker the moment email is queued, instead of at its next poll.

Whoever queues email calls `wake_after_commit()` in the same transaction (queue_email does,
and so do the bulk inserts of a batch and of heads-up messages). Then:
- on PostgreSQL a `NOTIFY` goes into that transaction: the database delivers it to every
  listening worker at commit, and drops it on rollback, so a worker is never woken for
  email that was not queued;
- in any database, after the commit, the in-process worker of `make run` is woken.

A worker waits with `Waiter.wait(seconds)`, which returns early when it is woken: by the
in-process event, by a NOTIFY (PostgreSQL, workers in processes of their own), or by a
commit from another connection to the same SQLite file (`PRAGMA data_version`). The poll
interval stays as the fallback, so a lost wake-up only delays email until the next poll.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..extensions import db

logger = logging.getLogger("wizard.delivery")
CHANNEL = "wizard_outbox"
EVENT_KEY = "outbox_queued"
# How often a waiting worker looks for a wake-up: short, so email leaves within a moment.
GLANCE_SECONDS = 0.1


def wake_after_commit() -> None:
    """Wake the delivery worker(s) once the caller's transaction commits."""
    session = db.session()
    if session.info.get(EVENT_KEY):
        return
    session.info[EVENT_KEY] = True
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


@event.listens_for(Session, "after_commit")
def _wake_in_process_worker(session: Session) -> None:
    if session.info.pop(EVENT_KEY, False) and has_app_context():
        if woken := current_app.extensions.get("outbox_queued"):
            woken.set()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(EVENT_KEY, None)


def in_process_event(app: Flask) -> threading.Event:
    """The event that wakes a worker running inside this app's process."""
    return app.extensions.setdefault("outbox_queued", threading.Event())


class Waiter:
    """Sleeps between passes until the poll interval ends, email is queued, or `stop` is set."""

    def __init__(self, app: Flask, engine: Engine, stop: threading.Event):
        self.stop = stop
        self.woken = in_process_event(app)
        self._listener = None  # a psycopg connection LISTENing, on PostgreSQL
        self._sqlite: sqlite3.Connection | None = None
        self._version = None
        url = engine.url
        try:
            if url.get_backend_name() == "postgresql":
                import psycopg

                conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
                self._listener = psycopg.connect(conninfo, autocommit=True)
                self._listener.execute(f"LISTEN {CHANNEL}")
            elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
                self._sqlite = sqlite3.connect(url.database, check_same_thread=False)
                self._version = self._data_version()
        except Exception:  # the poll still works: say so and carry on without wake-ups
            logger.warning("Delivery: cannot listen for queued email; polling only", exc_info=True)
            self.close()

    def _data_version(self):
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0] if self._sqlite else None

    def _queued_elsewhere(self, seconds: float) -> bool:
        if self._listener is not None:
            return any(True for _ in self._listener.notifies(timeout=seconds, stop_after=1))
        if self._sqlite is not None:
            time.sleep(seconds)
            version = self._data_version()
            changed, self._version = version != self._version, version
            return changed
        time.sleep(seconds)
        return False

    def wait(self, seconds: float, *, wakeable: bool = True) -> None:
        """Return after `seconds`, or as soon as email is queued (when `wakeable`) or the
        worker is asked to stop."""
        deadline = time.monotonic() + seconds
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if not wakeable:
                self.stop.wait(min(left, 1))
                continue
            if self.woken.is_set():
                self.woken.clear()
                return
            if self._queued_elsewhere(min(left, GLANCE_SECONDS)):
                return

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
