"""The counts kept per account and status (wizard/models/tally.py, read by
wizard/manage/counts.py) are what a fresh COUNT of the invitations says, after every kind of
change: create (a batch sent), the email going out, accept, decline, revoke, resend, expiry by
time alone (no write at all), a bulk load (COPY on PostgreSQL) and a recount.

Hypothesis drives the real service functions through the same sequences as the seat property
test (tests/manage/test_seat_property.py); after every step the kept counts are compared with
the table itself.
"""

from datetime import UTC, datetime, timedelta
from itertools import count

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from tests.manage.test_seat_property import FEWER, ISSUE, Business, operations
from wizard.common.bulk import insert_rows
from wizard.extensions import db
from wizard.manage.counts import invitation_counts, recount, seats_held
from wizard.models import Invitation, InvitationStatus, InvitationTally, UserType
from wizard.models.types import utcnow

_examples = count(1000)
STATUSES = [s.value for s in InvitationStatus]


def counted(account_id: int, now: datetime) -> dict[str, int]:
    """Effective statuses counted from the invitations themselves, row by row."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, expires_at in db.session.execute(
        select(Invitation.status, Invitation.expires_at).where(Invitation.account_id == account_id)
    ):
        inv = Invitation(status=status, expires_at=expires_at)
        counts[inv.effective_status(now).value] += 1
    counts["all"] = sum(counts[s] for s in STATUSES)
    counts["not_accepted"] = counts["pending"] + counts["expired"]
    return counts


def counted_seats(account_id: int, now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Invitation.account_id == account_id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.user_type == UserType.LICENSED,
            Invitation.expires_at > now,
        )
    )


def assert_kept_right(account_id: int, now: datetime, after: str) -> None:
    assert invitation_counts(account_id, now) == counted(account_id, now), after
    assert seats_held(account_id, now) == counted_seats(account_id, now), after


EVERY_KIND = [
    ("send", 3, 2),
    ("accept", 0),
    ("decline", 1),
    ("revoke", 2),
    ("expire", 3),
    ("resend", [3], False),
    ("resend", [4], True),
    ("send", 2, 0),
    ("expire_all",),
    ("resend", [5, 6], False),
]


def test_kept_counts_agree_with_a_fresh_count_after_every_kind_of_change(app):
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(st.lists(operations, min_size=1, max_size=10))
    @example(EVERY_KIND)
    @example(ISSUE)
    @example(FEWER)
    def sequence(ops):
        with app.app_context():
            business = Business(next(_examples))
            for step, op in enumerate(ops):
                business.run(op)  # each step ends with the worker sending what was queued
                db.session.expire_all()
                assert_kept_right(business.account.id, utcnow(), f"after step {step} {op}")
            db.session.remove()

    sequence()


def test_pending_turns_expired_by_time_alone_without_a_write(app):
    """Kept per expiry day: yesterday's, today's (before and after the hour) and tomorrow's
    read right at any later moment, with nothing written in between."""
    with app.app_context():
        business = Business(1)
        business.send(1, 3)
        ids = [inv.id for inv in business.invitations()]
        noon = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
        dates = [noon - timedelta(days=1), noon - timedelta(hours=2), noon + timedelta(hours=3)]
        dates.append(noon + timedelta(days=2))
        for invitation_id, expires_at in zip(ids, dates, strict=True):
            db.session.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(expires_at=expires_at)
            )
        db.session.commit()
        account = business.account.id
        for now in (
            noon - timedelta(days=3),
            noon - timedelta(hours=11, minutes=59),  # just past midnight
            noon,
            noon + timedelta(hours=3),  # the moment one expires
            noon + timedelta(hours=12),  # the next day
            noon + timedelta(days=5),
        ):
            assert_kept_right(account, now, f"at {now}")
        assert invitation_counts(account, noon)["expired"] == 2


def test_a_bulk_load_and_a_recount_keep_them_right(app):
    """Rows written in bulk (COPY on PostgreSQL, an executemany elsewhere) are counted by the
    triggers; a recount after the tally was lost gives the same numbers."""
    with app.app_context():
        business = Business(2)
        business.send(1, 1)
        template = business.invitations()[0]
        now = utcnow()
        rows = [
            {
                "account_id": business.account.id,
                "email": f"bulk{n}@prop.example",
                "name": "",
                "user_type": UserType.LICENSED if n % 3 else UserType.BASIC,
                "status": InvitationStatus.PENDING if n % 4 else InvitationStatus.DECLINED,
                "invited_by_id": template.invited_by_id,
                "token_nonce": f"nonce{n}",
                "token_hash": f"hash{n}",
                "created_at": now,
                "expires_at": now + timedelta(days=n % 5 - 2),
            }
            for n in range(400)
        ]
        insert_rows(Invitation.__table__, rows)
        db.session.commit()
        assert_kept_right(business.account.id, now, "after a bulk insert")
        assert invitation_counts(business.account.id, now)["all"] == 402
        db.session.execute(
            delete(InvitationTally).where(InvitationTally.account_id == business.account.id)
        )
        assert invitation_counts(business.account.id, now)["all"] == 0
        recount(business.account.id)
        db.session.commit()
        assert_kept_right(business.account.id, now, "after a recount")
        db.session.execute(delete(Invitation).where(Invitation.email.like("bulk%")))
        db.session.commit()
        assert_kept_right(business.account.id, now, "after deleting in bulk")
        assert invitation_counts(business.account.id, now)["all"] == 2
