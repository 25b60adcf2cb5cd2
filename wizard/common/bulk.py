"""Inserting thousands of rows at once, inside the caller's transaction.

On PostgreSQL rows go in with COPY, the bulk-load path PostgreSQL is built for: psycopg's
executemany sends one statement per row, and multi-row VALUES statements of a thousand rows
cost psycopg more to parse than to send. Elsewhere (SQLite) a Core executemany, which SQLite
runs as fast as it can. Values pass through each column type's own bind processing either way,
and Python-side column defaults are applied, so both paths store the same thing.
"""

from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db


def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`; no commit."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    given = list(rows[0])
    defaults = {
        column.name: column.default
        for column in table.columns
        if column.name not in given
        and column.default is not None
        and (column.default.is_scalar or column.default.is_callable)
    }
    names = given + list(defaults)
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in given] + [
                default.arg if default.is_scalar else default.arg(None)
                for default in defaults.values()
            ]
            copy.write_row(
                [
                    process(value) if process and value is not None else value
                    for process, value in zip(processors, values, strict=True)
                ]
            )


def among(column, values) -> ColumnElement[bool]:
    """`column IN values` for thousands of values: on PostgreSQL one array parameter
    (`= ANY(...)`), because psycopg parses a statement with thousands of placeholders longer
    than PostgreSQL takes to run it; elsewhere an ordinary IN list."""
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)
