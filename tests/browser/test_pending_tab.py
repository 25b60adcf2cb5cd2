"""The owner's Pending tab after a batch: a person's history, resending (the old emailed link
dies, the new one works) and revoking (the link says it was withdrawn)."""

from tests.browser.journeys import click, invitation_link, send_invitations
from tests.browser.pages import check_page, sign_in

ANA = "ana.pro@acme.example"
BEN = "ben.pro@acme.example"


def row_link(tab, address: str, name: str):
    return tab.locator("main tr", has_text=address).get_by_role("link", name=name)


def test_resending_replaces_the_emailed_link_and_revoking_withdraws_it(tab, second_tab, server):
    owner = second_tab
    send_invitations(owner, [ANA, BEN])
    first_link = invitation_link(server, ANA)
    ben_link = invitation_link(server, BEN)

    owner.goto("/users/pending/")
    row_link(owner, ANA, "History").click()
    check_page(owner, f"Invitation to {ANA}", screenshot="40-pending-history")
    owner.locator("main").get_by_role("link", name="Resend invitation").click()
    check_page(owner, "Resend 1 invitation?", screenshot="41-pending-confirm-resend")
    click(owner, "Resend 1 invitation")
    check_page(owner, "Pending")

    server.inbox.messages.clear()
    new_link = invitation_link(server, ANA)
    assert new_link != first_link
    tab.goto(first_link)
    check_page(tab, "This invitation link has expired")
    tab.goto(new_link)
    check_page(tab, "Join Acme Corp")

    owner.goto("/users/pending/")
    row_link(owner, BEN, "Revoke").click()
    check_page(owner, "Revoke 1 invitation?", screenshot="42-pending-confirm-revoke")
    click(owner, "Revoke 1 invitation")
    check_page(owner, "Pending")
    assert owner.locator("main tr", has_text=BEN).count() == 0  # no longer waiting
    owner.goto("/users/pending/?status=revoked")
    assert "Revoked" in owner.locator("main tr", has_text=BEN).inner_text()
    tab.goto(ben_link)
    check_page(tab, "This invitation was withdrawn", screenshot="25-invitee-revoked")


def test_the_audit_log_and_the_domains_page_are_accessible(tab, server):
    sign_in(tab, "owner@acme.example")
    tab.locator("main").get_by_role("link", name="Audit log").click()
    check_page(tab, "Audit log")

    tab.goto("/users/domains/")
    check_page(tab, "Your company's domains")
    tab.locator("#add-domain-button").click()  # nothing typed: the error state
    check_page(tab, "Your company's domains")
