"""Exactly once under real concurrency: PostgreSQL only (SQLite serialises all writers)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, update

from tests.accept.factory import count, invitation_for, invite, user
from tests.conftest import make_app, reset_database, seed
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.extensions import db
from wizard.manage.revoke import revoke_invitations
from wizard.models import (
    Account,
    AuditEvent,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Subscription,
    User,
    UserType,
)
from wizard.models.types import utcnow

pytestmark = pytest.mark.postgres
RACERS = 20


@pytest.fixture
def pg_app(postgres_url, tmp_path):
    app = make_app(
        postgres_url,
        tmp_path,
        # A connection for every racer, so all of them really are in the database at once.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 5, "max_overflow": 0},
    )
    with app.app_context():
        reset_database()
        seed(app)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def race(app, functions):
    """Start every function at the same moment, each in its own app context and session."""
    start = threading.Barrier(len(functions))

    def run(fn):
        with app.app_context():
            start.wait()
            try:
                return fn()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(functions)) as pool:
        return list(pool.map(run, functions))


def test_twenty_simultaneous_accepts_make_one_membership_and_one_refund(pg_app):
    token = invite(pg_app, "ana.pro@acme.example")
    with pg_app.app_context():
        ana_id = user("ana.pro@acme.example").id
    results = race(pg_app, [
        lambda i=i: acceptance.accept_invitation(
            token, ana_id, method="refund" if i % 2 else "credit",
            receipt_email="ana.pro@acme.example",
        )
        for i in range(RACERS)
    ])
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.DONE) == 1
    assert outcomes.count(Outcome.NOT_PENDING) == RACERS - 1
    with pg_app.app_context():
        invitation = invitation_for(token)
        assert invitation.status == InvitationStatus.ACCEPTED
        assert user("ana.pro@acme.example").account_id == invitation.account_id
        assert count(RefundRecord) == 1
        assert count(AuditEvent, AuditEvent.action == "accepted") == 1
        assert count(OutboxEmail, OutboxEmail.kind == "receipt") == 1
        assert count(Subscription, Subscription.cancelled_at.is_not(None)) == 1


def test_twenty_simultaneous_new_accounts_for_one_address_make_one(pg_app):
    token = invite(pg_app, "gus@acme.example")
    results = race(pg_app, [
        lambda i=i: acceptance.accept_with_new_account(
            token, name=f"Gus {i}", password="a long enough one", locale="en"
        )
        for i in range(RACERS)
    ])
    assert [r.outcome for r in results].count(Outcome.DONE) == 1
    with pg_app.app_context():
        assert count(User, func.lower(User.email) == "gus@acme.example") == 1
        assert invitation_for(token).accepted_user_id == user("gus@acme.example").id


def revoke(token, now):
    """The owner's Revoke on the Pending tab, as the Pending tab calls it."""
    invitation = invitation_for(token)
    outcome = revoke_invitations(
        invitation.account_id, invitation.invited_by_id, [invitation.id], now
    )
    return outcome.done == [invitation.email]


@pytest.mark.parametrize("attempt", range(5))
def test_accept_racing_revoke_never_ends_accepted_after_revoked(pg_app, attempt):
    token = invite(pg_app, "ana.pro@acme.example")
    with pg_app.app_context():
        ana = user("ana.pro@acme.example")
        ana_id, home_account = ana.id, ana.account_id
    now = utcnow()
    accepters = [
        lambda: acceptance.accept_invitation(
            token, ana_id, method="refund", receipt_email="ana.pro@acme.example", now=now
        )
    ] * 3
    revokers = [lambda: revoke(token, now)] * 3
    # Interleave, and vary who is first in line between attempts.
    racers = [f for pair in zip(accepters, revokers, strict=True) for f in pair]
    if attempt % 2:
        racers.reverse()
    results = race(pg_app, racers)
    accepted = [r for r in results if not isinstance(r, bool) and r.outcome == Outcome.DONE]
    revoked = [r for r in results if r is True]
    assert len(accepted) + len(revoked) == 1
    with pg_app.app_context():
        invitation = invitation_for(token)
        moved = user("ana.pro@acme.example").account_id != home_account
        refunds = count(RefundRecord)
        if invitation.status == InvitationStatus.ACCEPTED:
            assert invitation.revoked_at is None
            assert moved and refunds == 1
        else:
            assert invitation.status == InvitationStatus.REVOKED
            assert invitation.accepted_user_id is None
            assert not moved and refunds == 0
            assert count(AuditEvent, AuditEvent.action == "accepted") == 0


def test_people_accepting_the_last_license_at_once_leave_exactly_one_licensed(pg_app):
    """Acme bought 3 licenses; the owner and the admin use 2. Ten people invited as Licensed
    (their invitations held seats, then licenses were bought fewer) accept at the same
    moment, Dora with her account, nine by making one: one gets the last license, the
    others join as Basic and are told."""
    emails = ["dora@acme.example"] + [f"new{n}@acme.example" for n in range(9)]
    links = {email: invite(pg_app, email, user_type=UserType.LICENSED) for email in emails}
    with pg_app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=3)
        )
        dora_id = user("dora@acme.example").id
        db.session.commit()

    def accept(email):
        if email == "dora@acme.example":
            return lambda: acceptance.accept_invitation(links[email], dora_id)
        return lambda: acceptance.accept_with_new_account(
            links[email], name=email, password="a long passphrase", locale="en"
        )

    results = race(pg_app, [accept(email) for email in emails])
    assert {r.outcome for r in results} == {Outcome.DONE}
    assert sorted(r.joined_as_basic for r in results) == [False] + [True] * 9
    with pg_app.app_context():
        acme = user("owner@acme.example").account_id
        licensed = count(User, User.account_id == acme, User.user_type == UserType.LICENSED)
        assert licensed == 3
        assert count(OutboxEmail, OutboxEmail.kind == "joined_without_license") == 9
