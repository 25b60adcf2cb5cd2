"""The Users page's order kept in two columns of `user_account` (member_rank, sort_name), so
ix_user_account_sorted serves "owners first, then admins, then members, each by name" and a
page stops after its 50 rows instead of sorting 10,000 members on every view.

Database triggers keep them whoever writes (the ORM, bulk inserts, COPY, UPDATE statements):
a BEFORE row trigger on PostgreSQL, an AFTER trigger that updates the row on SQLite (which
cannot assign to NEW). Made with the table by create_all (DDL events) and by the migration.
"""

from __future__ import annotations

from sqlalchemy import event


def _rank(row: str) -> str:
    return f"CASE {row}.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END"


def _name(row: str) -> str:
    return f"CASE WHEN {row}.name = '' THEN {row}.email ELSE lower({row}.name) END"


_SQLITE_SET = (
    f"UPDATE user_account SET member_rank = {_rank('NEW')}, sort_name = {_name('NEW')} "  # nosec B608 (constants only)
    "WHERE id = NEW.id;"
)

SQLITE = [
    "CREATE TRIGGER user_account_order_insert AFTER INSERT ON user_account "
    f"BEGIN {_SQLITE_SET} END",
    "CREATE TRIGGER user_account_order_update AFTER UPDATE OF role, name, email ON user_account "
    f"BEGIN {_SQLITE_SET} END",
]

POSTGRESQL = [
    f"""CREATE FUNCTION user_account_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_rank := {_rank("NEW")};
    NEW.sort_name := {_name("NEW")};
    RETURN NEW;
END $$""",
    "CREATE TRIGGER user_account_order BEFORE INSERT OR UPDATE OF role, name, email "
    "ON user_account FOR EACH ROW EXECUTE FUNCTION user_account_order()",
]

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS user_account_order_insert",
        "DROP TRIGGER IF EXISTS user_account_order_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS user_account_order ON user_account",
        "DROP FUNCTION IF EXISTS user_account_order()",
    ],
}

# Filling the columns for the members there already (the migration).
BACKFILL = (
    f"UPDATE user_account SET member_rank = {_rank('user_account')}, "  # nosec B608 (constants only)
    f"sort_name = {_name('user_account')}"
)


def trigger_ddl(dialect: str) -> list[str]:
    return {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, [])


def _created(target, connection, **kw) -> None:
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _dropping(target, connection, **kw) -> None:
    for statement in DROP.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def listen(user_table) -> None:
    event.listen(user_table, "after_create", _created)
    event.listen(user_table, "before_drop", _dropping)
