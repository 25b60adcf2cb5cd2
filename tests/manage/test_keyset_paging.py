"""The Pending tab pages by cursors (`after=`/`before=`, wizard/manage/keyset.py) instead of
OFFSET: walking Next from the first page shows every invitation once, in the order the CSV
export gives them, for every sort and filter; Previous walks back through the same pages; the
position is still said in words; and a deep page is a range of an index, not a sort or a skip.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, text, update

from tests.helpers import text_of
from tests.manage.factories import account_id, make_invitation, user_id
from tests.manage.test_query_plans import plan, statements_of, the
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, UserType
from wizard.models.types import utcnow

SORTS = ("newest", "oldest", "email", "expires", "sent")
FILTERS = ("status=all", "", "status=pending", "q=p0", "delivery=none&status=all")


def rows_of(response) -> list[str]:
    return re.findall(r'class="pending-table__email">([^<]+)<', response.get_data(as_text=True))


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.get_data(as_text=True))
    return found.group(1).replace("&amp;", "&") if found else None


def exported(client, query: str) -> list[str]:
    body = client.get(f"/users/pending/export.csv?{query}").get_data(as_text=True)
    return [row[0] for row in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]]


@pytest.fixture
def many(app):
    """120 invitations with ties in every sort key: 100 pending (20 past their date), 20
    declined ones sharing an address with a pending one, a quarter never sent."""
    with app.app_context():
        now, owner = utcnow(), user_id("owner@acme.example")
        db.session.execute(
            insert(Invitation),
            [
                {
                    "account_id": account_id(),
                    "email": f"p{n % 100:03d}@example.com",
                    "user_type": UserType.BASIC,
                    "status": InvitationStatus.PENDING if n < 100 else InvitationStatus.DECLINED,
                    "invited_by_id": owner,
                    "token_nonce": f"nonce{n}",
                    "token_hash": f"hash{n}",
                    "created_at": now - timedelta(hours=n % 7),
                    "sent_at": None if n % 4 == 0 else now - timedelta(hours=n % 7),
                    "expires_at": now + timedelta(days=n % 5 - 1),
                }
                for n in range(120)
            ],
        )
        db.session.commit()


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_walk_every_invitation_once_in_the_exports_order(
    app, auth, client, many, sort
):
    auth.sign_in()
    for query in FILTERS:
        args = f"{query}&sort={sort}"
        expected = exported(client, args)
        assert expected, args
        pages, response = [], client.get(f"/users/pending/?{args}")
        while True:
            pages.append(rows_of(response))
            first = len(pages) * 50 - 49
            last = min(len(pages) * 50, len(expected))
            assert f"Showing {first} to {last} of {len(expected)}" in text_of(response), args
            following = link(response, "next")
            if not following:
                break
            assert "after=" in following and "page=" in following, following
            response = client.get(following)
        assert [email for page in pages for email in page] == expected, args
        # And back: each Previous link shows the page before, down to the first.
        for number in range(len(pages) - 1, 0, -1):
            previous = link(response, "prev")
            response = client.get(previous)
            assert rows_of(response) == pages[number - 1], (args, number)
            assert f"Page {number} of {len(pages)}" in text_of(response) or len(pages) == 1
        assert link(response, "prev") is None


def test_a_cursor_from_another_business_or_nonsense_shows_the_page_by_its_number(
    app, auth, client, many
):
    other = make_invitation(
        app, "outsider@globex.example", account="Globex", invited_by="owner@globex.example"
    )
    auth.sign_in()
    first = rows_of(client.get("/users/pending/?status=all"))
    for query in (f"after={other}&page=2", "after=999999&page=2", "before=x", "after=-3"):
        response = client.get(f"/users/pending/?status=all&{query}")
        assert response.status_code == 200, query
        assert "outsider@globex.example" not in response.get_data(as_text=True)
        if "page=2" in query:
            assert "Showing 51 to 100 of 120" in text_of(response), query
        else:
            assert rows_of(response) == first, query


@pytest.mark.parametrize("sort", ("newest", "oldest", "email", "expires"))
def test_a_deep_page_is_a_range_of_an_index_not_a_sort_or_an_offset(app, auth, client, sort):
    with app.app_context():
        now, owner = utcnow(), user_id("owner@acme.example")
        db.session.execute(
            insert(Invitation),
            [
                {
                    "account_id": account_id(),
                    "email": f"deep{n:05d}@example.com",
                    "user_type": UserType.BASIC,
                    "status": InvitationStatus.PENDING,
                    "invited_by_id": owner,
                    "token_nonce": f"nonce{n}",
                    "token_hash": f"hash{n}",
                    "created_at": now,
                    "expires_at": now + timedelta(days=1 + n % 30),
                }
                for n in range(3000)
            ],
        )
        db.session.commit()
        middle = db.session.scalar(
            text("SELECT id FROM invitation WHERE email = 'deep01500@example.com'")
        )
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    auth.sign_in()
    statements = statements_of(app, client, f"/users/pending/?sort={sort}&after={middle}&page=31")
    page = the(statements, "SELECT invitation.id FROM invitation", "LIMIT")
    # Nothing skipped (SQLAlchemy writes SQLite's LIMIT as LIMIT ? OFFSET 0)
    assert "OFFSET" not in page[0].upper() or page[1][-1] == 0, page
    explained = plan(app, *page).upper()
    assert "SORT" not in explained and "TEMP B-TREE" not in explained, explained


def test_the_csv_export_ignores_the_cursor(app, auth, client, many):
    auth.sign_in()
    with app.app_context():
        db.session.execute(update(Invitation).values(name="Someone"))
        db.session.commit()
    whole = exported(client, "status=all&sort=email")
    assert len(whole) == 120
    assert exported(client, "status=all&sort=email&after=5&page=2") == whole
