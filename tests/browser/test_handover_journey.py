"""The Globex owner is unblocked in a real browser (issue 20): invited to Acme Corp while she
owns Globex, she follows her blocker page to the handover, Globex's admin accepts it and
removes her, and she joins Acme Corp. Every page is checked (one h1, axe)."""

from tests.browser.journeys import click, invitation_link, send_invitations
from tests.browser.pages import check_page, sign_in, sign_out

GLORIA = "owner@globex.example"


def test_the_globex_owner_hands_over_is_removed_and_joins(tab, second_tab, server):
    send_invitations(second_tab, [GLORIA])
    link = invitation_link(server, GLORIA)
    sign_in(tab, GLORIA)
    tab.goto(link)
    check_page(tab, "You are already in another business account",
               screenshot="45-blocked-owner-of-another-business")
    click(tab, "Hand over ownership of Globex", role="link")
    check_page(tab, "Hand over ownership of Globex", screenshot="46-hand-over-ownership")
    tab.get_by_label("Gustav Globex (admin@globex.example)").check()
    click(tab, "Ask them to take over")
    check_page(tab)
    assert "We have asked Gustav Globex to accept." in tab.locator("main").inner_text()

    sign_out(second_tab)
    sign_in(second_tab, "admin@globex.example")
    # Signing in, the admin is taken to the question first.
    check_page(second_tab, "Become the owner of Globex?", screenshot="47-accept-ownership")
    click(second_tab, "Accept and become the owner")
    second_tab.goto("/users/")
    check_page(second_tab, "Users")
    second_tab.locator("main a[id^=remove-]", has_text="Gloria Globex").click()
    check_page(second_tab, "Remove Gloria Globex from Globex?", screenshot="48-remove-member")
    click(second_tab, "Remove Gloria Globex")
    assert "Gloria Globex" not in second_tab.locator("main table").inner_text()

    tab.goto(link)
    check_page(tab, "Join Acme Corp")
    click(tab, "Join Acme Corp")
    assert "You are now a member of Acme Corp." in tab.locator("main").inner_text()
