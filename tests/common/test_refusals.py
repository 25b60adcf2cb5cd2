"""Who is turned away from the business pages, and how: a person on an individual account, and
a member where only the owner or an admin may go. Both get a page that says why (403), never
"not found" (404), which would send them looking for a mistyped address. The pages' own tests
(tests/security, tests/manage) check every route; these are the rules, first and fast."""

import pytest
from sqlalchemy import update

from tests.helpers import text_of
from wizard.extensions import db
from wizard.models import Role, User


@pytest.mark.parametrize("path", ["/users/", "/users/add/", "/users/pending/"])
def test_an_individual_account_is_told_it_needs_a_business_account(client, auth, path):
    auth.sign_in("ana.pro@acme.example")
    response = client.get(path)
    assert response.status_code == 403
    assert "You need a business account for this" in text_of(response)


@pytest.mark.parametrize("path", ["/users/", "/users/add/", "/users/pending/"])
def test_a_member_is_told_only_the_owner_or_an_admin_may(client, auth, path):
    auth.sign_in("member@acme.example")
    response = client.get(path)
    assert response.status_code == 403
    assert "Only owners and admins can manage users" in text_of(response)


def test_the_owner_goes_on(client, auth):
    auth.sign_in()
    assert client.get("/users/").status_code == 200


@pytest.mark.parametrize("path", ["/users/ownership", "/users/single-sign-on/scim/"])
def test_an_admin_on_an_owner_only_page_is_told_whom_to_ask(client, auth, path):
    auth.sign_in("admin@acme.example")
    response = client.get(path)
    assert response.status_code == 403
    text = text_of(response)
    assert "Only the owner can do this" in text
    assert "for the owner of Acme Corp, Olivia Owner. You are an admin." in text
    assert 'href="mailto:owner@acme.example"' in response.get_data(as_text=True)
    assert "which is not an owner or admin" not in text  # they are an admin


def test_a_member_on_an_owner_only_page_is_told_as_on_every_business_page(client, auth):
    auth.sign_in("member@acme.example")
    response = client.get("/users/ownership")
    assert response.status_code == 403
    assert "Only owners and admins can manage users" in text_of(response)


def test_the_owner_named_is_the_owner_of_the_admins_own_business(client, auth):
    auth.sign_in("admin@globex.example")
    text = text_of(client.get("/users/ownership"))
    assert "for the owner of Globex" in text
    assert "Olivia Owner" not in text and "owner@acme.example" not in text


def test_the_owner_named_is_whoever_owns_it_now_not_its_first_member(app, client, auth):
    with app.app_context():  # Olivia handed Acme over to Adam: she is an admin now
        for email, role in (("owner@acme.example", Role.ADMIN), ("admin@acme.example", Role.OWNER)):
            db.session.execute(update(User).where(User.email == email).values(role=role))
        db.session.commit()
    auth.sign_in("owner@acme.example")
    text = text_of(client.get("/users/ownership"))
    assert "for the owner of Acme Corp, Adam Admin. You are an admin." in text
