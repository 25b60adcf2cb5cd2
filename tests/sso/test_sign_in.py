"""Signing in with SSO: the work address finds the business's provider (issue 19)."""

from tests.helpers import h1_of, text_of, title_of


def test_an_address_without_single_sign_on_is_told_what_to_do_and_kept(client, acme_sso):
    page = client.get("/sso?email=chen.pro%40partner.example")
    assert page.status_code == 200
    assert title_of(page).startswith("Error: Sign in with single sign-on")
    assert "partner.example does not use single sign-on here" in text_of(page)
    assert 'value="chen.pro@partner.example"' in page.get_data(as_text=True)


def test_a_malformed_address_gets_the_usual_message(client, acme_sso):
    page = client.get("/sso?email=not-an-address")
    assert "Enter an email address in the right format" in text_of(page)


def test_the_page_itself_asks_for_the_work_address(client):
    page = client.get("/sso")
    assert h1_of(page) == "Sign in with single sign-on"
    assert "Error" not in title_of(page)


def test_a_businesss_own_link_says_where_it_leads(client, acme_sso):
    page = client.get("/sso/acme")
    assert h1_of(page) == "Sign in to Acme Corp"


def test_an_unknown_businesss_link_is_not_found(client):
    assert client.get("/sso/no-such-business").status_code == 404


def test_an_international_domain_is_named_as_the_person_typed_it(client, acme_sso):
    page = client.get("/sso", query_string={"email": "bü@ü.example"})
    assert "ü.example does not use single sign-on here" in text_of(page)
    assert "xn--" not in text_of(page)
