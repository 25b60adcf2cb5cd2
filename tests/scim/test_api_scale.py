"""A listing at 100,000 identities: the filter is an indexed query, never a loop in Python.

Figures are printed (run with -s to see them), not asserted: these machines are shared.
"""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from tests.scim.api_support import Scim, token_for
from wizard.extensions import db
from wizard.models import Account, ScimIdentity
from wizard.scim import provisioning
from wizard.scim.filters import where

PEOPLE = 100_000


def _seed(app) -> Account:
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        start = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [
            {
                "id": str(uuid.UUID(int=n + 1)),
                "account_id": account.id,
                "user_name": f"Person{n:06}@acme.example",
                "user_name_key": f"person{n:06}@acme.example",
                "external_id": f"ext-{n:06}",
                "given_name": "Person",
                "family_name": f"{n:06}",
                "display_name": f"Person {n:06}",
                "email": f"person{n:06}@acme.example",
                "user_type": "",
                "active": True,
                "created_at": start + timedelta(seconds=n),
                "updated_at": start + timedelta(seconds=n),
                "version": 1,
            }
            for n in range(PEOPLE)
        ]
        for chunk in range(0, PEOPLE, 10_000):
            db.session.execute(insert(ScimIdentity), rows[chunk : chunk + 10_000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE scim_identity"))
        else:
            db.session.execute(text("ANALYZE"))
        db.session.commit()
        return account.id


def _plan(account_id: int, filter_text: str) -> str:
    account = db.session.get(Account, account_id)
    query = provisioning.identities(account).where(where(filter_text))
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(explain + sql)).all()
    return " | ".join(str(row[-1]) for row in rows)


@pytest.mark.slow
def test_filters_at_100000_identities_are_index_lookups(app, database_url):
    began = time.perf_counter()
    account_id = _seed(app)
    seeded = time.perf_counter() - began
    acme = Scim(app, token_for(app))
    figures = [f"{database_url.split(':')[0]}: seeded {PEOPLE:,} in {seeded:.1f} s"]
    for filter_text in (
        'userName eq "PERSON073219@acme.example"',
        'externalId eq "ext-073219"',
        'emails[type eq "work" and value eq "person073219@acme.example"]',
        # None of them is a member yet (no user): each reads active false.
        'userName eq "person073219@acme.example" and active eq false',
    ):
        with app.app_context():
            plan = _plan(account_id, filter_text)
        assert "Seq Scan on scim_identity" not in plan, plan
        assert not re.search(r"SCAN scim_identity(?! USING)", plan), plan
        assert "index" in plan.lower(), plan
        began = time.perf_counter()
        found = acme.get("/Users", query_string={"filter": filter_text}).get_json()
        took = (time.perf_counter() - began) * 1000
        assert [p["userName"] for p in found["Resources"]] == ["Person073219@acme.example"]
        assert found["totalResults"] == 1
        figures.append(f"{filter_text}: {took:.0f} ms, plan: {plan}")
    began = time.perf_counter()
    page = acme.get("/Users?startIndex=90001&count=200").get_json()
    took = (time.perf_counter() - began) * 1000
    assert page["totalResults"] == PEOPLE and page["itemsPerPage"] == 200
    assert page["Resources"][0]["userName"] == "Person090000@acme.example"
    figures.append(f"a page of 200 at startIndex 90,001: {took:.0f} ms")
    print("\n" + "\n".join(figures))
