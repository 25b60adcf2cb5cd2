"""Gil cancels his add-ons and joins, in a real browser (issue 20): the blocker page leads to
the development billing page, "Cancel 2 add-ons" clears them and brings him back, and he
accepts. Then issue 20's pages that had no German picture, read in German with axe:
development billing (add-ons and balance), My account with add-ons, changing the address
instead of joining, and the handover answer."""

import pytest

from tests.browser.journeys import click, invitation_link, send_invitations, status_on_pending_tab
from tests.browser.pages import check_page, sign_in, sign_out
from tests.browser.test_no_dead_ends import join_with_a_refund, sign_in_from_the_link

GIL = "gil.pro@studio.example"


@pytest.fixture
def demo(server):
    server.app.config["DEMO_MODE"] = True  # the development billing page stands in
    yield server
    server.app.config["DEMO_MODE"] = False


def german(tab) -> None:
    tab.get_by_role("button", name="Deutsch", exact=True).click()


def english(tab) -> None:
    tab.get_by_role("button", name="English", exact=True).click()


def test_gil_cancels_his_add_ons_and_joins(tab, second_tab, demo):
    send_invitations(second_tab, [GIL], user_type="Licensed")
    sign_in_from_the_link(tab, invitation_link(demo, GIL), GIL)
    check_page(tab, "Cancel the add-ons on your plan first", screenshot="add-ons-1-blocked-en")
    click(tab, "Cancel add-ons", role="link")
    check_page(tab, "Development billing", screenshot="add-ons-2-dev-billing-en")
    assert "Your plan has 2 add-ons" in tab.locator("main").inner_text()
    click(tab, "Cancel 2 add-ons")
    check_page(tab, "Join Acme Corp")
    assert "Done: 2 add-ons are cancelled." in tab.locator("body").inner_text()
    join_with_a_refund(tab)
    assert "Accepted" in status_on_pending_tab(second_tab, GIL)


def test_my_account_shows_the_add_ons_and_cancels_them(tab, demo):
    sign_in(tab, GIL)
    tab.goto("/account/")
    check_page(tab, "My account", screenshot="add-ons-3-account-en")
    click(tab, "Cancel add-ons", role="link")
    click(tab, "Cancel 2 add-ons")
    check_page(tab, "My account")
    assert "Add-ons" not in tab.locator("main").inner_text()


def test_issue_20s_pages_read_in_german(tab, second_tab, demo):
    send_invitations(second_tab, [GIL, "emil.pro@acme.example"], user_type="Licensed")
    gil_link = invitation_link(demo, GIL)
    emil_link = invitation_link(demo, "emil.pro@acme.example")
    sign_out(second_tab)

    sign_in(tab, GIL)
    german(tab)
    tab.goto(gil_link)
    check_page(tab, "Kündigen Sie zuerst die Add-ons Ihres Tarifs",
               screenshot="add-ons-1-blocked-de")
    tab.locator("#cancel-add-ons").click()
    check_page(tab, "Entwicklungs-Abrechnung", screenshot="add-ons-2-dev-billing-de")
    tab.goto("/account/")
    check_page(tab, "Mein Konto", screenshot="add-ons-3-account-de")
    tab.goto(gil_link)
    tab.locator("#change-address").click()
    check_page(tab, screenshot="change-address-de")
    english(tab)
    check_page(tab, screenshot="change-address-en")
    sign_out(tab)

    sign_in(tab, "emil.pro@acme.example")
    tab.goto(emil_link)
    tab.locator("#pay-balance").click()
    check_page(tab, "Development billing", screenshot="dev-billing-balance-en")
    german(tab)
    check_page(tab, "Entwicklungs-Abrechnung", screenshot="dev-billing-balance-de")
    english(tab)
    sign_out(tab)

    sign_in(tab, "owner@globex.example")
    tab.goto("/users/ownership")
    tab.get_by_label("Gustav Globex (admin@globex.example)").check()
    click(tab, "Ask them to take over")
    sign_out(tab)
    sign_in(tab, "admin@globex.example")
    check_page(tab, "Become the owner of Globex?", screenshot="handover-answer-en")
    german(tab)
    check_page(tab, screenshot="handover-answer-de")
    assert "Globex" in tab.locator("h1").inner_text()
    english(tab)
