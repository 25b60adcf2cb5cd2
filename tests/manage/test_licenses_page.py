"""The licenses page: seats at a glance, and what a new number would do before paying."""

import re

import pytest
from sqlalchemy import select

from tests.accept.factory import invite
from tests.helpers import h1_of, submit, text_of
from wizard.extensions import db
from wizard.models import Account, AuditEvent, UserType


def acme_seats(app) -> int:
    with app.app_context():
        return db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one(
        ).license_seats


@pytest.fixture
def five_pending(app):
    """Acme: 10 licenses, 2 Licensed members (owner, admin), 5 pending Licensed invitations."""
    for n in range(5):
        invite(app, f"person{n}@acme.example", user_type=UserType.LICENSED)


def test_the_owner_sees_purchased_in_use_pending_and_free(app, client, auth, five_pending):
    auth.sign_in()
    page = client.get("/users/licenses/")
    assert h1_of(page) == "Licenses"
    text = text_of(page)
    for fact in ("Purchased 10", "In use by Licensed members 2",
                 "Held by pending Licensed invitations 5", "Free 3"):
        assert fact in text


def test_going_below_what_pending_invitations_hold_says_who_joins_as_basic(
    app, client, auth, five_pending
):
    auth.sign_in()
    page = client.get("/users/licenses/?seats=5")
    assert h1_of(page) == "Change to 5 licenses?"
    assert ("5 pending invitations offer a license. If you go down to 5, the last 2 people to "
            "accept join as Basic users") in text_of(page)
    assert "The first 3 to accept still get a license." in text_of(page)


def test_going_below_the_licensed_members_is_refused_with_the_way_out(app, client, auth):
    auth.sign_in()
    page = client.get("/users/licenses/?seats=1")
    assert "2 Licensed members use licenses, so you cannot go below 2." in text_of(page)
    assert 'id="to-payment"' not in page.text
    assert 'href="/users/" id="to-users"' in page.text


def test_a_number_that_is_not_a_number_keeps_what_was_typed(app, client, auth):
    auth.sign_in()
    page = client.get("/users/licenses/?seats=ten")
    assert page.status_code == 400
    assert "Enter the number of licenses as a whole number, like 12" in text_of(page)
    assert 'value="ten"' in page.text


def test_in_demo_mode_the_owner_changes_the_number_on_the_billing_page(app, client, auth):
    app.config["DEMO_MODE"] = True
    auth.sign_in()
    page = client.get("/users/licenses/?seats=12")
    pay = re.search(r'href="([^"]+)" id="to-payment"', page.text).group(1).replace("&amp;", "&")
    assert "seats=12" in pay
    done = submit(client, pay, follow_redirects=True)
    assert "Done: your business now has 12 licenses." in text_of(done)
    assert acme_seats(app) == 12
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "licenses_changed")
        ).scalar_one()
        assert event.details == {"from": 10, "to": 12}


def test_the_billing_page_refuses_fewer_licenses_than_licensed_members(app, client, auth):
    app.config["DEMO_MODE"] = True
    auth.sign_in()
    with app.app_context():
        acme = db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()
    done = submit(client, f"/dev/billing/?account={acme.id}&seats=1", follow_redirects=True)
    assert "Nothing was changed" in text_of(done)
    assert acme_seats(app) == 10


def test_with_billing_url_the_new_number_goes_to_the_payment_page(app, client, auth):
    app.config["BILLING_URL"] = "https://billing.example.com/seats"
    auth.sign_in()
    page = client.get("/users/licenses/?seats=12")
    assert 'href="https://billing.example.com/seats?account=' in page.text
    assert "&amp;seats=12&amp;return_to=http%3A%2F%2Finvite.test%2Fusers%2Flicenses%2F" in page.text


def test_an_admin_may_look_but_not_change(app, client, auth):
    auth.sign_in("admin@acme.example")
    page = client.get("/users/licenses/?seats=1")
    assert h1_of(page) == "Licenses"
    assert ("Only the owner of Acme Corp, Olivia Owner, can buy or cancel licenses. If you need "
            "more, write to them at owner@acme.example") in text_of(page)
    assert 'href="mailto:owner@acme.example"' in page.text
    assert 'name="seats"' not in page.text


def test_the_wizard_and_the_users_page_link_to_the_licenses_page(app, client, auth):
    auth.sign_in()
    assert 'href="/users/licenses/" id="licenses-link"' in client.get("/users/").text


def test_a_number_out_of_range_says_the_range_once(app, client, auth):
    auth.sign_in()
    page = client.get("/users/licenses/?seats=-3")
    assert page.status_code == 400
    assert text_of(page).count("Enter a whole number from 0 to 100,000") == 2  # summary + field
    assert 'value="-3"' in page.text and 'type="text"' in page.text
