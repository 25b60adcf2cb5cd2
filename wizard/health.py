"""Health checks for load balancers and orchestrators.

/healthz: the process is up and answering (no database: a slow database must not get healthy
processes killed). /readyz: the database answers and its schema is the one this code needs, so
a new instance takes traffic only once `flask --app wizard setup` has migrated it.
"""

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify

from .extensions import db

bp = Blueprint("health", __name__)
MIGRATIONS = Path(__file__).parent / "migrations"


@cache
def expected_revisions() -> frozenset[str]:
    """The newest migration(s) this code ships with."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_state() -> tuple[bool, str]:
    """(ready, what to say): reachable, and migrated to this code's revision."""
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:  # any failure to connect or read means "not ready", said why
        current_app.logger.warning("Readiness check: the database did not answer: %s", exc)
        return False, "database unreachable"
    if current != expected_revisions():
        return False, "database schema is not current: run flask --app wizard setup"
    return True, "ok"


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    ready, state = database_state()
    return jsonify(status="ok" if ready else "unavailable", database=state), 200 if ready else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
