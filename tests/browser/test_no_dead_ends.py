"""Blocked invitees get unblocked in a real browser (issue 20): emil pays his balance on the
development billing page and joins; fay removes her two other users and joins."""

import pytest

from tests.browser.journeys import click, invitation_link, send_invitations, status_on_pending_tab
from tests.browser.pages import check_page
from wizard.demo import DEMO_PASSWORD


@pytest.fixture
def demo(server):
    server.app.config["DEMO_MODE"] = True  # the development billing page stands in
    yield server
    server.app.config["DEMO_MODE"] = False


def sign_in_from_the_link(tab, link: str, email: str) -> None:
    tab.goto(link)
    click(tab, "Sign in to continue", role="link")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    click(tab, "Sign in")


def join_with_a_refund(tab) -> None:
    click(tab, "Continue to refund details", role="link")
    tab.get_by_role("radio").first.check()
    click(tab, "Confirm and join Acme Corp")
    check_page(tab, "You are in Acme Corp")


def test_emil_pays_his_balance_and_joins(tab, second_tab, demo):
    emil = "emil.pro@acme.example"
    send_invitations(second_tab, [emil])
    sign_in_from_the_link(tab, invitation_link(demo, emil), emil)
    check_page(tab, "Pay your outstanding balance first")
    click(tab, "Pay $15.99", role="link")
    check_page(tab, "Development billing", screenshot="40-development-billing")
    click(tab, "Pay $15.99")
    check_page(tab, "Join Acme Corp")
    assert "Thank you: $15.99 is paid." in tab.locator("body").inner_text()
    join_with_a_refund(tab)
    assert "Accepted" in status_on_pending_tab(second_tab, emil)


def test_fay_removes_her_other_users_and_joins(tab, second_tab, demo):
    fay = "fay.pro@acme.example"
    send_invitations(second_tab, [fay])
    link = invitation_link(demo, fay)
    sign_in_from_the_link(tab, link, fay)
    check_page(tab, "Remove the other users from your account first")
    click(tab, "Go to the other users on your account", role="link")
    check_page(tab, "My account", screenshot="41-account-other-users")
    for name in ("Finn", "Flora"):
        click(tab, f"Remove {name}", role="link")
        check_page(tab, f"Remove {name} from your account?", screenshot="42-remove-other-user")
        click(tab, f"Remove {name}")
        check_page(tab, "My account")
        assert f"{name} is removed from your account." in tab.locator("body").inner_text()
    assert "Nobody else uses your account." in tab.locator("main").inner_text()
    tab.goto(link)
    check_page(tab, "Join Acme Corp")
    join_with_a_refund(tab)
    assert "Accepted" in status_on_pending_tab(second_tab, fay)
