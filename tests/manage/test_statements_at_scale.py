"""The pages issue 23 measures cost the same number of SQL statements whatever the size of
the account: the Pending tab, the Users page and the wizard's start page, with 10 and with
1,000 invitations (Scale Corp from `seed-scale`, a batch still going out), the same count,
and that count is the design's: a statement more is a query per row or per batch creeping in.
"""

from tests.conftest import reset_database, seed
from tests.helpers import count_statements, submit
from tests.manage.test_pending_tab import PENDING_PAGE_STATEMENTS
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.scale import OWNER, seed_scale

# The signed-in user and the page's own statements (see each page's docstring).
PAGES = {
    "/users/pending/": PENDING_PAGE_STATEMENTS,
    "/users/pending/?status=pending&sort=expires": PENDING_PAGE_STATEMENTS,
    "/users/": 7,  # user, members counted, the page of their ids, those members, seats, SSO,
    # which of them the identity provider made (SCIM)
    "/users/add/": 4,  # user, open draft, drafts of others, seats
}


def statements_per_page(app, invitations: int) -> dict[str, int]:
    with app.app_context():
        reset_database()
        seed(app)
        seed_scale(members=120, invitations=invitations)
        db.session.remove()
        engine = db.engine
    client = app.test_client()  # signed out: a fresh cookie jar for each size
    submit(client, "/sign-in", {"email": OWNER, "password": DEMO_PASSWORD})
    counts = {}
    for path in PAGES:
        client.get(path)  # anything cached once per process is cached
        with count_statements(engine) as counted:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = counted["n"]
    return counts


def test_statements_per_page_are_the_same_at_10_and_1000_invitations(app):
    few = statements_per_page(app, 10)
    many = statements_per_page(app, 1000)
    assert few == many == PAGES
