"""Big batches: 9,999 people through every step, and SQL statements that do not grow."""

from sqlalchemy import func, select

from tests.helpers import count_statements, csrf_token, text_of
from tests.invite.flow import add_people, confirm_licenses, heads_up, send, start
from wizard.extensions import db
from wizard.models import AuditEvent, Invitation, OutboxEmail


def people(n: int, prefix: str) -> str:
    # On the verified domain, so the license page looks every one of them up.
    return "\n".join(f"{prefix} {i} <{prefix}.{i}@acme.example>" for i in range(n))


def test_a_batch_of_9999_people_goes_through_every_step_and_is_sent(app, auth, client):
    auth.sign_in()
    base = start(client)
    # Each page is shown once and its form sent as the browser would (no extra GET each time).
    people_page = client.get(f"{base}/people")
    token = csrf_token(people_page.get_data(as_text=True))

    def post(path, **data):
        return client.post(f"{base}/{path}", data={"csrf_token": token, **data})

    response = post("people", addresses=people(9999, "bulk"), default_type="basic", check="1")
    assert response.location == f"{base}/heads-up"
    assert "Mark 9,999 people as contacted" in text_of(client.get(f"{base}/heads-up"))
    response = post("heads-up", mark="1", subject="Hello {name}", body="From {business}")
    assert response.location == f"{base}/licenses"
    licenses = client.get(f"{base}/licenses")
    assert "9,999 people in this batch: 9,999 Basic." in text_of(licenses)
    assert "Showing 9,951 to 9,999 of 9,999" in text_of(client.get(f"{base}/licenses?page=200"))
    assert post("licenses", confirm="1").location == f"{base}/check"
    assert "Send 9,999 invitations" in text_of(client.get(f"{base}/check"))
    sent = client.get(post("send").location)
    assert "9,999 invitations are on their way" in text_of(sent)
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 9999
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 9999
        invited = select(func.count(AuditEvent.id)).where(AuditEvent.action == "invited")
        assert db.session.scalar(invited) == 9999


# Each page of the wizard is a fixed number of statements whatever the size of the batch: the
# signed-in user and the draft (2) on every page, then one statement per thing the page shows
# for all the people at once, never one per person: the seats (start, licenses, check), the
# quota from the audit trail (heads-up, check), the verified domains and the people's current
# plans (licenses, check), the people's languages (check, the email preview), and on the sent
# page the batch, its counts and one page of its invitations.
STATEMENTS_PER_PAGE = {
    "start": 4,  # user, open draft, drafts of others (with their authors), seats
    "people": 2,
    "heads-up": 7,  # + quota, languages (the pre-filled message in each reader's own?),
    # verified domains and the heads-up cap (how many outside them, how many sent today), SSO link
    "heads-up.txt": 4,  # + languages (each person reads it in their own), the SSO link
    "licenses": 5,  # + domains, plans, seats
    "licenses, page 2": 5,
    "check": 8,  # + domains, plans, seats, languages, quota, the preview's domain check
    "invitation email": 4,  # + languages, domains (their language only on verified ones)
    "sent": 5,  # + batch, counts by user type, the page of invitations
    "sent, page 2": 5,
}


def statements_per_page(app, client, n: int, prefix: str) -> dict[str, int]:
    """Walk the wizard with n people, counting the SQL statements of each page shown."""
    with app.app_context():
        engine = db.engine
    counts = {}

    def show(name, path):
        with count_statements(engine) as counted:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = counted["n"]

    base = start(client)
    show("start", "/users/add/")
    add_people(client, base, people(n, prefix), leave_out="1")
    show("people", f"{base}/people")
    show("heads-up", f"{base}/heads-up")
    show("heads-up.txt", f"{base}/heads-up.txt")
    heads_up(client, base, "send")
    show("licenses", f"{base}/licenses")
    show("licenses, page 2", f"{base}/licenses?page=2")
    confirm_licenses(client, base)
    show("check", f"{base}/check")
    show("invitation email", f"{base}/check/invitation-email")
    send(client, base)
    show("sent", f"{base}/sent")
    show("sent, page 2", f"{base}/sent?page=2")
    return counts


def test_the_sql_statements_of_each_page_do_not_grow_with_the_batch(app, auth, client):
    auth.sign_in()
    small = statements_per_page(app, client, 10, "small")
    large = statements_per_page(app, client, 2000, "large")
    assert large == small == STATEMENTS_PER_PAGE
