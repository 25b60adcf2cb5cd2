"""Bulk inserts (COPY on PostgreSQL) store exactly what the ORM would; `among` matches IN."""

from datetime import timedelta

from sqlalchemy import select

from wizard.common.bulk import among, insert_rows
from wizard.extensions import db
from wizard.models import DeliveryStatus, OutboxEmail, User
from wizard.models.types import utcnow


def test_bulk_rows_read_back_as_the_orm_writes_them(app):
    now = utcnow().replace(microsecond=123456)
    context = {"name": "Zoë \"Z\" O'Neil\t\\ 新", "nested": {"n": [1, 2.5, None, True]}}
    with app.app_context():
        insert_rows(
            OutboxEmail.__table__,
            [
                {"kind": "bulk", "to_address": f"bulk{i}@acme.example", "account_id": None,
                 "context": context, "status": DeliveryStatus.QUEUED,
                 "next_attempt_at": now + timedelta(seconds=i), "last_error": None}
                for i in range(3)
            ],
        )
        db.session.add(OutboxEmail(kind="orm", to_address="orm@acme.example", context=context,
                                   next_attempt_at=now))
        db.session.commit()
        db.session.expunge_all()
        rows = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert [r.kind for r in rows] == ["bulk", "bulk", "bulk", "orm"]
    for i, row in enumerate(rows):
        assert row.context == context
        assert row.status == DeliveryStatus.QUEUED
        assert row.subject == "" and row.attempts == 0 and row.locale == "en"  # defaults
        assert row.last_error is None
        assert row.next_attempt_at == now + timedelta(seconds=i if row.kind == "bulk" else 0)
        assert row.created_at is not None and row.created_at.tzinfo is not None


def test_among_matches_what_in_matches_for_none_one_and_many(app):
    with app.app_context():
        everyone = set(db.session.scalars(select(User.email)))
        for wanted in ([], ["owner@acme.example"], sorted(everyone) + ["nobody@x.example"] * 3):
            found = set(db.session.scalars(select(User.email).where(among(User.email, wanted))))
            assert found == everyone & set(wanted)
