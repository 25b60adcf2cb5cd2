"""The counts the Pending tab, the Users page and the wizard's start page show come from the
kept tally (wizard/models/tally.py) and, for today's expiries, an
index alone (the ones in migration 0e32e03cc595), and a page of the whole list stops after
its 50 rows instead of counting every one of them again.

Each page is requested once while its statements are recorded; the database then explains
the statement of interest with the same parameters. PostgreSQL is told not to scan tables
(a handful of rows would otherwise be read straight from the table): the question is whether
the index can serve the statement, which is what it does at 100,000 rows.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, insert, text

from tests.manage.factories import account_id, make_batch, make_email, make_invitation, user_id
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, User, UserType
from wizard.models.types import utcnow


@contextmanager
def recorded(engine):
    statements: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_of(app, client, path: str) -> list[tuple[str, object]]:
    with app.app_context():
        engine = db.engine
    with recorded(engine) as statements:
        assert client.get(path).status_code == 200
    return statements


def the(statements, *parts: str) -> tuple[str, object]:
    found = [(s, p) for s, p in statements if all(part in " ".join(s.split()) for part in parts)]
    assert len(found) == 1, f"expected one statement with {parts}, found {len(found)}"
    return found[0]


def db_name(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def plan(app, statement: str, parameters) -> str:
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            return "\n".join(row[0] for row in rows)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(row[-1] for row in rows)


def some_invitations(app) -> None:
    """A few still valid, some going out, and (as at scale) many more long past their date,
    with fresh statistics, so PostgreSQL weighs the indexes as it does with 100,000."""
    batch = make_batch(app, 6)
    for n in range(6):
        inv = make_invitation(
            app, f"p{n}@example.com", batch_id=batch, user_type="licensed" if n % 2 else "basic"
        )
        make_email(app, inv, status="queued" if n % 2 else "sent", attempts=0)
    with app.app_context():
        now, owner = utcnow(), user_id("owner@acme.example")
        db.session.execute(
            insert(Invitation),
            [
                {
                    "account_id": account_id(),
                    "email": f"old{n}@example.com",
                    "user_type": UserType.LICENSED if n % 2 else UserType.BASIC,
                    "status": InvitationStatus.PENDING if n % 3 else InvitationStatus.ACCEPTED,
                    "invited_by_id": owner,
                    "token_nonce": f"nonce{n}",
                    "token_hash": f"hash{n}",
                    "created_at": now - timedelta(days=400),
                    "expires_at": now - timedelta(days=370),
                }
                for n in range(600)
            ],
        )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def test_pending_counts_and_emails_waiting_come_from_indexes(app, auth, client):
    some_invitations(app)
    auth.sign_in()
    statements = statements_of(app, client, "/users/pending/")
    # The kept tally, and today's expiries from the index (not every invitation).
    valid = the(statements, "invitation_tally", "FROM invitation", "invitation.expires_at >=")
    assert "ix_invitation_account_status_expiry" in plan(app, *valid)
    waiting = the(statements, "count(outbox_email.id)", "outbox_email.account_id")
    if db_name(app) == "sqlite":  # PostgreSQL may as well take ix_outbox_due: few rows either way
        assert "ix_outbox_account_status" in plan(app, *waiting)


def test_a_batch_progress_reads_the_outbox_index_alone_not_the_invitations(app, auth, client):
    some_invitations(app)
    auth.sign_in()
    statements = statements_of(app, client, "/users/pending/")
    progress = the(statements, "outbox_email.batch_id IN")
    # No join to the invitations for their batch.
    assert not re.search(r"(FROM|JOIN) invitation\b", progress[0])
    if db_name(app) == "sqlite":  # PostgreSQL picks by its statistics; few rows either way
        assert "COVERING INDEX ix_outbox_account_status" in plan(app, *progress)


def test_the_first_page_of_every_invitation_does_not_count_them_all_again(app, auth, client):
    some_invitations(app)
    auth.sign_in()
    statements = statements_of(app, client, "/users/pending/")
    page = the(statements, "SELECT invitation.id FROM invitation", "LIMIT")
    assert "OVER" not in page[0]  # the total is the "All" count shown on top


def test_seats_on_the_users_page_and_the_wizard_come_from_indexes(app, auth, client):
    some_invitations(app)
    auth.sign_in()
    for path in ("/users/", "/users/add/"):
        statements = statements_of(app, client, path)
        # Kept per expiry day (the tally's primary key), corrected for today's from the index.
        pending = the(statements, "invitation_tally", "invitation.user_type")
        explained = plan(app, *pending)
        # Today's correction reads only the account's invitations expiring today, through one
        # of the indexes that lead with the account and reach the expiry (ix_invitation_seats,
        # or whichever of the others PostgreSQL's statistics favour); never the whole table.
        assert re.search(
            r"Index (Only )?Scan using ix_invitation_\w+ on invitation\b"
            r"|Bitmap Index Scan on ix_invitation_\w+"
            r"|SEARCH invitation USING (COVERING )?INDEX ix_invitation_\w+",
            explained,
        ), explained
        assert not re.search(r"Seq Scan on invitation\b|\bSCAN invitation\b", explained)
        assert "invitation_tally_pkey" in explained or "autoindex_invitation_tally" in explained
        in_use = the(statements, "count(*)", "user_account.user_type")
        assert "ix_user_account_members" in plan(app, *in_use)


def test_the_users_page_walks_its_order_in_an_index_and_sorts_nothing(app, auth, client):
    """Owners, admins, members, each by name: the kept order (member_rank, sort_name) read in
    ix_user_account_sorted, so the first page stops after its rows instead of sorting all.
    With a few thousand members and fresh statistics, as at 10,000."""
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "account_id": account_id(),
                    "email": f"member{n}@acme.example",
                    "name": f"Member {n}" if n % 4 else "",
                    "password_hash": "unused",
                }
                for n in range(3000)
            ],
        )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    auth.sign_in()
    statements = statements_of(app, client, "/users/")
    page = the(statements, "SELECT user_account.id FROM user_account", "LIMIT")
    explained = plan(app, *page)
    assert "ix_user_account_sorted" in explained
    assert "TEMP B-TREE" not in explained  # SQLite sorting the rows itself
    assert "Sort" not in explained  # PostgreSQL's sort node


def test_the_kept_order_follows_role_name_and_email_changes(app):
    from sqlalchemy import select, update

    from wizard.models import Role

    with app.app_context():
        rows = db.session.execute(
            select(User.role, User.name, User.email, User.member_rank, User.sort_name)
        ).all()
        assert rows
        for role, name, email, rank, sort_name in rows:
            assert rank == {Role.OWNER: 0, Role.ADMIN: 1}.get(role, 2)
            assert sort_name == (name.lower() if name else email)
        someone = db.session.scalar(select(User.id).where(User.role == Role.MEMBER).limit(1))
        db.session.execute(
            update(User).where(User.id == someone).values(role=Role.ADMIN, name="Zoë Zed")
        )
        db.session.commit()
        assert db.session.execute(
            select(User.member_rank, User.sort_name).where(User.id == someone)
        ).one() == (1, "zoë zed")
