"""The row locks that keep two people from taking the last license, asked for on every path.

On PostgreSQL these locks are what stops two acceptances, two Sends or an acceptance and a
Send from both taking the last free license; tests/accept/test_concurrency.py and
tests/invite/test_send.py race them there. SQLite has one writer and ignores them, so a lock
dropped by mistake passes every SQLite test. Here each statement the app runs is compiled as
PostgreSQL would receive it, on any database: the lock (and the fresh read that must go with
it, or the session keeps the row it read before the lock) is checked where it is asked for,
in milliseconds, without a race.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from tests.accept.factory import invitation_for, user
from wizard.accept import acceptance
from wizard.invite.quota import lock_account
from wizard.manage.seats import locked_account
from wizard.models.types import utcnow

POSTGRESQL = postgresql.dialect()


@dataclass(frozen=True)
class Asked:
    sql: str  # as PostgreSQL gets it, whitespace and parameter casts folded
    params: dict
    fresh: bool  # populate_existing: the row is read again, not taken from the session


@contextmanager
def statements() -> Iterator[list[Asked]]:
    """Every SELECT the session runs meanwhile, compiled for PostgreSQL."""
    seen: list[Asked] = []

    def record(state) -> None:
        if state.is_select:
            compiled = state.statement.compile(dialect=POSTGRESQL)
            seen.append(
                Asked(
                    re.sub(r"::[A-Z]+", "", " ".join(str(compiled).split())),
                    dict(compiled.params),
                    state.execution_options.get("populate_existing") is True,
                )
            )

    event.listen(Session, "do_orm_execute", record)
    try:
        yield seen
    finally:
        event.remove(Session, "do_orm_execute", record)


def locks(seen: list[Asked], table: str) -> list[Asked]:
    return [s for s in seen if f"FROM {table} " in s.sql and " FOR " in s.sql]


def test_handing_out_licenses_locks_the_accounts_row_and_reads_it_fresh(app, dora_link):
    with app.app_context():
        account_id = invitation_for(dora_link).account_id
        with statements() as seen:
            locked_account(account_id)
        (asked,) = seen
        assert asked.sql.endswith("WHERE account.id = %(id_1)s FOR NO KEY UPDATE")
        assert asked.params == {"id_1": account_id}
        assert asked.fresh  # the seat count reads the row as it is under the lock


def test_sending_locks_the_accounts_row_as_handing_out_licenses_does(app, dora_link):
    with app.app_context():
        account_id = invitation_for(dora_link).account_id
        with statements() as seen:
            lock_account(account_id)
        (asked,) = seen
        assert asked.sql == (
            "SELECT account.id FROM account WHERE account.id = %(id_1)s FOR NO KEY UPDATE"
        )
        assert asked.params == {"id_1": account_id}


def test_accepting_locks_the_account_then_the_person_then_their_plan(app, ana_link):
    with app.app_context():
        ana = user("ana.pro@acme.example")
        account_id = invitation_for(ana_link).account_id
        ana_id, own_account = ana.id, ana.account_id
        with statements() as seen:
            result = acceptance.accept_invitation(
                ana_link, ana_id, method="refund", receipt_email="ana@example.com", now=utcnow()
            )
        assert result.outcome == acceptance.Outcome.DONE

        (business,) = locks(seen, "account")
        assert business.sql.endswith("FOR NO KEY UPDATE")
        assert business.params == {"id_1": account_id}
        (person,) = locks(seen, "user_account")
        # Only the person's row, not their own account's, which the same statement loads.
        where = re.search(r"user_account\.id = %\((\w+)\)s FOR UPDATE OF user_account$", person.sql)
        assert where and person.params == {where.group(1): ana_id} and person.fresh
        (plan,) = locks(seen, "subscription")
        assert plan.sql.endswith("WHERE subscription.account_id = %(account_id_1)s FOR UPDATE")
        assert plan.params == {"account_id_1": own_account} and plan.fresh
        # One order everywhere, so two transactions never wait for each other in a circle.
        order = [seen.index(lock) for lock in (business, person, plan)]
        assert order == sorted(order)
