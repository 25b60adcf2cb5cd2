"""The owner, in a real browser: from Users through every wizard step to the Pending tab,
with the emails arriving at a real SMTP server."""

from tests.browser.journeys import (
    INVITED,
    check_and_send,
    deliver,
    heads_up,
    invitation_to,
    licenses,
    open_the_wizard,
    pending,
    show_email,
    who,
)


def test_the_owner_invites_people_through_every_step_and_sees_them_pending(tab, server):
    open_the_wizard(tab)
    who(tab)
    heads_up(tab, people=len(INVITED))
    licenses(tab)
    check_and_send(tab, people=len(INVITED))
    text = pending(tab)

    for address in INVITED:
        assert address in text
    deliver(server)
    for address in INVITED:
        invitation_to(server, address)
    show_email(tab, invitation_to(server, "ana.pro@acme.example"), "10-invitation-email")
