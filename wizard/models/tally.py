"""Invitations counted as they change, so no page counts a million rows to show six numbers.

`invitation_tally` holds, per account, stored status and user type, how many invitations
there are; pending ones are kept per expiry day (days since 1970-01-01, UTC), so a pending
invitation turning into an expired one by time alone needs no write and no scan: a reader
takes the days before today as expired, the days after as pending, and corrects today's
from the index (wizard/manage/counts.py). Other statuses use day 0.

Database triggers keep it, in the same transaction as the change, whoever writes: the ORM,
Core bulk inserts, COPY on PostgreSQL, a later SCIM import. PostgreSQL runs one statement per
statement (transition tables, so a COPY of 10,000 rows is one grouped upsert); SQLite, which
has only row triggers, one small upsert per row. The triggers are made with the table by
`create_all` (the DDL events below) and by the migration, from the same text here.
"""

from __future__ import annotations

from sqlalchemy import String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# The tally's key, in order; also the order rows are locked in on PostgreSQL (no deadlock
# between two transactions that change invitations of the same account).
KEY = ("account_id", "status", "user_type", "day")


class InvitationTally(db.Model):
    __tablename__ = "invitation_tally"

    # No foreign key: the row outlives nothing, and deleting an account's invitations
    # before the account must not trip over it.
    account_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    # Pending: the expiry's day since 1970-01-01 (UTC); any other status: 0.
    day: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0, server_default=text("0"))


def _sqlite_day(row: str) -> str:
    return (
        f"CASE WHEN {row}.status = 'pending' "
        f"THEN CAST(strftime('%s', {row}.expires_at) AS INTEGER) / 86400 ELSE 0 END"
    )


def _sqlite_add(row: str) -> str:
    return (
        "INSERT INTO invitation_tally (account_id, status, user_type, day, n) VALUES "  # nosec B608 (constants only)
        f"({row}.account_id, {row}.status, {row}.user_type, {_sqlite_day(row)}, 1) "
        "ON CONFLICT (account_id, status, user_type, day) DO UPDATE SET n = n + 1;"
    )


def _sqlite_remove(row: str) -> str:
    # The row exists for an invitation that exists; UPDATE (not an upsert) so emptying every
    # table in any order (tests) leaves no negative rows behind.
    return (
        f"UPDATE invitation_tally SET n = n - 1 WHERE account_id = {row}.account_id "  # nosec B608 (constants only)
        f"AND status = {row}.status AND user_type = {row}.user_type AND day = {_sqlite_day(row)};"
    )


SQLITE = [
    "CREATE TRIGGER invitation_tally_insert AFTER INSERT ON invitation "
    f"BEGIN {_sqlite_add('NEW')} END",
    "CREATE TRIGGER invitation_tally_delete AFTER DELETE ON invitation "
    f"BEGIN {_sqlite_remove('OLD')} END",
    "CREATE TRIGGER invitation_tally_update "
    "AFTER UPDATE OF account_id, status, user_type, expires_at ON invitation "
    "WHEN OLD.account_id IS NOT NEW.account_id OR OLD.status IS NOT NEW.status "
    "OR OLD.user_type IS NOT NEW.user_type OR OLD.expires_at IS NOT NEW.expires_at "
    f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
]

_PG_DAY = (
    "CASE WHEN status = 'pending' "
    "THEN floor(extract(epoch FROM expires_at) / 86400)::int ELSE 0 END"
)


def _pg_function(name: str, rows: str) -> str:
    """A trigger function adding the grouped `rows` (a SELECT of key columns and a signed
    1) to the tally in one upsert, rows locked in key order."""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"  # nosec B608 (constants)
        "BEGIN\n"
        "    INSERT INTO invitation_tally (account_id, status, user_type, day, n)\n"
        f"    SELECT account_id, status, user_type, day, sum(d) FROM ({rows}) AS changed\n"
        "    GROUP BY account_id, status, user_type, day HAVING sum(d) <> 0\n"
        "    ORDER BY account_id, status, user_type, day\n"
        "    ON CONFLICT (account_id, status, user_type, day)\n"
        "    DO UPDATE SET n = invitation_tally.n + EXCLUDED.n;\n"
        "    RETURN NULL;\n"
        "END $$"
    )


def _pg_rows(table: str, sign: int) -> str:
    return f"SELECT account_id, status, user_type, {_PG_DAY} AS day, {sign} AS d FROM {table}"  # nosec B608 (constants only)


POSTGRESQL = [
    _pg_function("invitation_tally_added", _pg_rows("new_rows", 1)),
    _pg_function("invitation_tally_removed", _pg_rows("old_rows", -1)),
    _pg_function(
        "invitation_tally_changed",
        f"{_pg_rows('new_rows', 1)} UNION ALL {_pg_rows('old_rows', -1)}",
    ),
    "CREATE TRIGGER invitation_tally_insert AFTER INSERT ON invitation "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION invitation_tally_added()",
    "CREATE TRIGGER invitation_tally_delete AFTER DELETE ON invitation "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION invitation_tally_removed()",
    # Transition tables rule out a column list (UPDATE OF ...): every UPDATE runs it, and an
    # update that changes no key (a view, a reminder) nets to nothing and writes nothing.
    "CREATE TRIGGER invitation_tally_update AFTER UPDATE ON invitation "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION invitation_tally_changed()",
]

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS invitation_tally_insert",
        "DROP TRIGGER IF EXISTS invitation_tally_delete",
        "DROP TRIGGER IF EXISTS invitation_tally_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS invitation_tally_insert ON invitation",
        "DROP TRIGGER IF EXISTS invitation_tally_delete ON invitation",
        "DROP TRIGGER IF EXISTS invitation_tally_update ON invitation",
        "DROP FUNCTION IF EXISTS invitation_tally_added()",
        "DROP FUNCTION IF EXISTS invitation_tally_removed()",
        "DROP FUNCTION IF EXISTS invitation_tally_changed()",
    ],
}


def trigger_ddl(dialect: str) -> list[str]:
    """The statements that create the triggers on `dialect` ("sqlite" or "postgresql")."""
    return {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, [])


def recount_sql(dialect: str) -> str:
    """INSERT the tally of one account (:account_id) from its invitations."""
    day = (
        "CASE WHEN status = 'pending' "
        "THEN CAST(strftime('%s', expires_at) AS INTEGER) / 86400 ELSE 0 END"
        if dialect == "sqlite"
        else _PG_DAY
    )
    return (
        "INSERT INTO invitation_tally (account_id, status, user_type, day, n) "  # nosec B608 (constants only)
        f"SELECT account_id, status, user_type, {day} AS day, count(*) FROM invitation "
        "WHERE account_id = :account_id GROUP BY account_id, status, user_type, day"
    )


def create_triggers(connection) -> None:
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _after_invitation_table_created(target, connection, **kw) -> None:
    # The tally table may come after the invitation table in create_all's order; the
    # triggers only need it to exist when they fire, which is after create_all.
    create_triggers(connection)


def _before_invitation_table_dropped(target, connection, **kw) -> None:
    for statement in DROP.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def listen(invitation_table) -> None:
    event.listen(invitation_table, "after_create", _after_invitation_table_created)
    event.listen(invitation_table, "before_drop", _before_invitation_table_dropped)
