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
