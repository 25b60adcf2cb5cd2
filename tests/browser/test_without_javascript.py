"""With JavaScript switched off, everything still works: the app needs none."""

from tests.browser.journeys import (
    INVITED,
    check_and_send,
    heads_up,
    invitee_joins_with_a_refund,
    licenses,
    open_the_wizard,
    pending,
    who,
)
from tests.browser.pages import check_page, sign_in, sign_out


def test_signing_in_with_a_mistake_then_correctly_works_without_javascript(tab_without_js):
    tab = tab_without_js
    sign_in(tab, "owner@acme.example", "wrong")
    check_page(tab, "Sign in")
    assert tab.title().startswith("Error: Sign in")
    assert tab.get_by_label("Email address").input_value() == "owner@acme.example"

    tab.get_by_label("Password").fill("correct-horse-battery")
    tab.locator("main").get_by_role("button", name="Sign in").click()
    check_page(tab, "Users")

    tab.get_by_role("link", name="Add users").click()
    check_page(tab)
    assert tab.url.endswith("/users/add/")

    sign_out(tab)
    check_page(tab, "Sign in")
    assert "You are signed out." in tab.locator("main").inner_text()


def test_a_member_is_told_why_not_without_javascript(tab_without_js):
    sign_in(tab_without_js, "member@acme.example")
    check_page(tab_without_js, "My account")
    tab_without_js.goto("/users/")
    check_page(tab_without_js, "Only owners and admins can manage users")


def test_the_owner_goes_through_every_wizard_step_without_javascript(tab_without_js, server):
    tab = tab_without_js
    open_the_wizard(tab)
    who(tab)
    heads_up(tab, people=len(INVITED))
    licenses(tab)
    check_and_send(tab, people=len(INVITED))
    text = pending(tab)
    for address in INVITED:
        assert address in text


def test_the_invitee_joins_with_a_refund_without_javascript(tab_without_js, second_tab, server):
    invitee_joins_with_a_refund(tab_without_js, second_tab, server)
