"""The invitee, in a real browser: the link taken from the email that arrived at the SMTP
server, signing in, the refund choice, joining, and signing in again as a member; and each
way it can stop: an expired link, the wrong account, an outstanding balance, declining."""

from datetime import timedelta

from sqlalchemy import update

from tests.browser.journeys import (
    click,
    invitation_link,
    invitee_joins_with_a_refund,
    send_invitations,
    status_on_pending_tab,
)
from tests.browser.pages import check_page, sign_in
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Invitation
from wizard.models.types import utcnow

ANA = "ana.pro@acme.example"


def test_the_invitee_opens_the_emailed_link_chooses_a_refund_joins_and_signs_in_as_member(
    tab, second_tab, server
):
    invitee_joins_with_a_refund(tab, second_tab, server)


def test_an_expired_link_says_who_to_ask_and_asks_them(tab, second_tab, server):
    send_invitations(second_tab, ["ben.pro@acme.example"])
    link = invitation_link(server, "ben.pro@acme.example")
    with server.app.app_context():
        db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(days=1)))
        db.session.commit()

    response = tab.goto(link)
    assert response.status == 410
    check_page(tab, "This invitation link has expired", screenshot="20-invitee-expired")
    click(tab, "Ask Olivia Owner for a new link")
    check_page(tab, "This invitation link has expired")
    assert "We have asked Olivia Owner" in tab.locator("main").inner_text()


def test_signed_in_as_someone_else_nothing_is_accepted_and_they_can_switch(tab, second_tab, server):
    send_invitations(second_tab, [ANA])
    link = invitation_link(server, ANA)
    sign_in(tab, "dora@acme.example")

    tab.goto(link)
    check_page(tab, f"This invitation is for {ANA}", screenshot="21-invitee-wrong-account")
    click(tab, "Sign out and continue")
    check_page(tab, "Join Acme Corp")
    assert tab.locator("main").get_by_role("link", name="Sign in to continue").is_visible()
    assert "Pending" in status_on_pending_tab(second_tab, ANA)


def test_an_outstanding_balance_blocks_joining_and_says_to_pay_first(tab, second_tab, server):
    emil = "emil.pro@acme.example"
    send_invitations(second_tab, [emil])
    link = invitation_link(server, emil)

    tab.goto(link)
    click(tab, "Sign in to continue", role="link")
    tab.get_by_label("Email address").fill(emil)
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    click(tab, "Sign in")

    check_page(tab, "Pay your outstanding balance first", screenshot="22-invitee-balance")
    assert "$15.99" in tab.locator("main").inner_text()
    assert "Pending" in status_on_pending_tab(second_tab, emil)


def test_declining_tells_the_owner(tab, second_tab, server):
    ben = "ben.pro@acme.example"
    send_invitations(second_tab, [ben])
    link = invitation_link(server, ben)

    tab.goto(link)
    click(tab, "Decline the invitation", role="link")
    check_page(tab, screenshot="23-invitee-decline")
    tab.get_by_label("Message to the person who invited you").fill("I keep my own plan, thanks.")
    tab.locator("main form button[type=submit]").last.click()

    check_page(tab, screenshot="24-invitee-declined")
    assert "Olivia Owner has been told" in tab.locator("main").inner_text()
    assert "Declined" in status_on_pending_tab(second_tab, ben)


def test_someone_without_an_account_creates_one_and_joins(tab, second_tab, server):
    gus = "gus@acme.example"
    send_invitations(second_tab, [gus])
    link = invitation_link(server, gus)

    tab.goto(link)
    check_page(tab, "Join Acme Corp", screenshot="26-invitee-new-account")
    click(tab, "Create account and join Acme Corp")
    check_page(tab, "Join Acme Corp")
    assert "Enter your name" in tab.locator(".error-summary").inner_text()
    tab.get_by_label("Your name").fill("Gus New")
    tab.get_by_label("Choose a password").fill("a long new password")
    click(tab, "Create account and join Acme Corp")

    check_page(tab, "You are in Acme Corp")
    assert "Accepted" in status_on_pending_tab(second_tab, gus)
