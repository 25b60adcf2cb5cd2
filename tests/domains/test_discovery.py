"""Discovery: who on the account's verified domains already has their own account."""

import re

from sqlalchemy import select

from tests.domains.helpers import PEOPLE, add_domain, domain_row, invite
from tests.helpers import count_statements, text_of
from wizard.extensions import db
from wizard.models import Account, AccountKind, InvitationStatus, Subscription, User, VerifiedDomain
from wizard.models.types import utcnow

ACME_INDIVIDUALS = {
    "ana.pro@acme.example": "Pro, paid monthly",
    "ben.pro@acme.example": "Pro, paid yearly",
    "dora@acme.example": "Basic (free)",
    "emil.pro@acme.example": "Pro, paid monthly",
    "fay.pro@acme.example": "Pro, paid monthly",
}


def rows_of(response) -> dict[str, str]:
    """email → the row's text, for each person listed."""
    html = response.get_data(as_text=True)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        email = re.search(r"[\w.+-]+@[\w.-]+", text)
        if email:
            rows[email.group(0)] = text
    return rows


def test_the_owner_sees_the_individuals_on_acme_example_with_their_plans(auth, client):
    auth.sign_in()
    page = client.get(PEOPLE)
    rows = rows_of(page)
    assert set(rows) == set(ACME_INDIVIDUALS)
    for email, plan in ACME_INDIVIDUALS.items():
        assert plan in rows[email]
        assert "Not invited" in rows[email]
    text = text_of(page)
    assert "5 people with addresses on acme.example have their own accounts." in text
    assert "4 of them pay for Pro." in text


def test_nobody_from_another_domain_or_business_is_listed(auth, client):
    auth.sign_in()
    text = text_of(client.get(PEOPLE))
    for email in (
        "chen.pro@partner.example",
        "owner@globex.example",
        "owner@acme.example",
        "admin@acme.example",
        "member@acme.example",
    ):
        assert email not in text
    # Prices, cards and balances are the invitee's business, not the owner's.
    for detail in ("15.99", "159.90", "4242", "5454", "balance"):
        assert detail not in text


def test_a_pending_domain_reveals_nobody(auth, client):
    auth.sign_in()
    add_domain(client, "partner.example")
    assert "chen.pro@partner.example" not in text_of(client.get(PEOPLE))


def test_people_already_invited_are_shown_as_invited_and_cannot_be_chosen(auth, client, app):
    invite(app, "ana.pro@acme.example")
    invite(app, "ben.pro@acme.example", expires_in_days=-1)  # expired: can be invited again
    invite(app, "dora@acme.example", status=InvitationStatus.REVOKED)
    invite(app, "emil.pro@acme.example", business="Globex")  # another business's invitation
    auth.sign_in()
    page = client.get(PEOPLE)
    rows = rows_of(page)
    assert "Invited on" in rows["ana.pro@acme.example"]
    for email in ("ben.pro@acme.example", "dora@acme.example", "emil.pro@acme.example"):
        assert "Not invited" in rows[email]
    html = page.get_data(as_text=True)
    assert 'value="ana.pro@acme.example"' not in html
    assert 'value="ben.pro@acme.example"' in html
    assert "1 is already invited." in text_of(page)
    assert "Continue with all 4 people not yet invited" in text_of(page)


def test_a_cancelled_subscription_reads_as_free_basic(auth, client, app):
    with app.app_context():
        ana = db.session.execute(
            select(User).where(User.email == "ana.pro@acme.example")
        ).scalar_one()
        subscription = db.session.execute(
            select(Subscription).where(Subscription.account_id == ana.account_id)
        ).scalar_one()
        subscription.cancelled_at = utcnow()
        db.session.commit()
    auth.sign_in()
    assert "Basic (free)" in rows_of(client.get(PEOPLE))["ana.pro@acme.example"]


def test_without_a_verified_domain_the_page_says_to_verify_one_first(auth, client):
    auth.sign_in("owner@globex.example")
    page = client.get(PEOPLE)
    text = text_of(page)
    assert "Verify one of your company's domains first" in text
    assert "acme.example" not in text and "partner.example" not in text
    assert rows_of(page) == {}


def test_globex_with_its_own_domain_sees_only_its_own_people(auth, client, app):
    with app.app_context():
        globex = db.session.execute(select(Account).where(Account.name == "Globex")).scalar_one()
        db.session.add(
            VerifiedDomain(
                account_id=globex.id,
                domain="globex.example",
                verification_code="invite-wizard-verify=x",
                verified_at=utcnow(),
            )
        )
        db.session.commit()
    auth.sign_in("owner@globex.example")
    text = text_of(client.get(PEOPLE))
    assert "Nobody with an address on globex.example has their own account." in text
    assert "acme.example" not in text


def test_people_stay_listed_only_while_the_domain_is_verified(auth, client, app):
    auth.sign_in()
    assert "ana.pro@acme.example" in text_of(client.get(PEOPLE))
    with app.app_context():
        row = db.session.get(VerifiedDomain, domain_row(app, "acme.example").id)
        row.verified_at = None
        db.session.commit()
    assert "ana.pro@acme.example" not in text_of(client.get(PEOPLE))


def test_the_number_of_queries_does_not_grow_with_the_people_found(auth, client, app):
    auth.sign_in()
    with app.app_context(), count_statements(db.engine) as few:
        client.get(PEOPLE)
    with app.app_context():
        for i in range(60):
            account = Account(kind=AccountKind.INDIVIDUAL, name=f"Person {i}")
            db.session.add(account)
            db.session.flush()
            db.session.add(
                User(account_id=account.id, email=f"p{i}@acme.example", password_hash="x")
            )
        db.session.commit()
    with app.app_context(), count_statements(db.engine) as many:
        page = client.get(PEOPLE)
    assert "65 people with addresses on acme.example" in text_of(page)
    assert many["n"] == few["n"]


def test_a_long_list_comes_in_pages_of_a_hundred(auth, client, app):
    with app.app_context():
        for i in range(120):
            account = Account(kind=AccountKind.INDIVIDUAL, name=f"Person {i:03}")
            db.session.add(account)
            db.session.flush()
            db.session.add(
                User(account_id=account.id, email=f"p{i:03}@acme.example", password_hash="x")
            )
        db.session.commit()
    auth.sign_in()
    first = client.get(PEOPLE)
    assert len(rows_of(first)) == 100
    text = text_of(first)
    assert "Showing 1 to 100 of 125." in text and "Page 1 of 2" in text
    assert "Continue with all 125 people not yet invited" in text
    second = client.get(PEOPLE + "?page=2")
    assert len(rows_of(second)) == 25
    assert set(rows_of(first)).isdisjoint(rows_of(second))
    assert 'id="person-101"' in second.get_data(as_text=True)
    assert len(rows_of(client.get(PEOPLE + "?page=99"))) == 25
