"""Who is turned away from the business pages, and how: a person on an individual account, and
a member where only the owner or an admin may go. Both get a page that says why (403), never
"not found" (404), which would send them looking for a mistyped address. The pages' own tests
(tests/security, tests/manage) check every route; these are the rules, first and fast."""

import pytest

from tests.helpers import text_of


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
