"""Forgot the password, from an invitation, in a real browser (issue 20): the sign-in page
reached from the invitation names the business and fills in the invited address; "Forgot
your password?" sends a link over real SMTP; the new password signs the person in and brings
them back to the invitation, which they accept. In English (ana) and in German (ben)."""

import re

import pytest

from tests.browser.journeys import body, deliver, invitation_link, send_invitations
from tests.browser.pages import check_page

NEW_PASSWORD = "lantern-orchard-velvet-42"

WORDS = {
    "en": {
        "sign_in": "Sign in",
        "lead": "Sign in to accept the invitation from Acme Corp.",
        "forgot": "Forgot your password?",
        "sent": "we have just sent it an email with a link to choose a new password",
        "choose": "Choose a new password",
        "join": "Join Acme Corp",
        "signed_in": "Your new password is set and you are signed in.",
        "joined": "You are in Acme Corp",
    },
    "de": {
        "sign_in": "Anmelden",
        "lead": "Melden Sie sich an, um die Einladung von Acme Corp anzunehmen.",
        "forgot": "Passwort vergessen?",
        "sent": "haben wir soeben eine E-Mail mit einem Link für ein neues Passwort",
        "choose": "Wählen Sie ein neues Passwort",
        "join": "Acme Corp beitreten",
        "signed_in": "Ihr neues Passwort ist festgelegt, und Sie sind angemeldet.",
        "joined": "Sie sind jetzt bei Acme Corp",
    },
}


def reset_link_to(server, address: str) -> str:
    deliver(server)
    mails = [m for m in server.inbox.to(address) if "/reset-password/" in body(m)]
    assert mails, f"no reset email for {address}"
    return re.search(re.escape(server.url) + r"/reset-password/[^\s<>\"']+",
                     body(mails[-1])).group(0)


@pytest.mark.parametrize(("email", "lang"), [("ana.pro@acme.example", "en"),
                                             ("ben.pro@acme.example", "de")])
def test_an_invitee_who_forgot_the_password_resets_it_and_accepts(
    tab, second_tab, server, email, lang
):
    words = WORDS[lang]
    send_invitations(second_tab, [email], user_type="Licensed")
    link = invitation_link(server, email)
    tab.goto(link)
    if lang == "de":
        tab.get_by_role("button", name="Deutsch", exact=True).click()
    tab.locator("#sign-in").click()
    check_page(tab, words["sign_in"], screenshot=f"reset-1-sign-in-from-invitation-{lang}")
    assert words["lead"] in tab.locator("main").inner_text()
    assert tab.locator("#email").input_value() == email
    tab.locator("#forgot-password").click()
    check_page(tab, words["forgot"], screenshot=f"reset-2-forgot-{lang}")
    assert tab.locator("#email").input_value() == email
    tab.locator("#send-link").click()
    check_page(tab, words["forgot"])
    assert words["sent"] in tab.locator("body").inner_text()

    reset = reset_link_to(server, email)
    mail = [m for m in server.inbox.to(email) if "/reset-password/" in body(m)][-1]
    assert ("Acme Corp" in body(mail)) and (("Passwort" in body(mail)) == (lang == "de"))
    tab.goto(reset)
    check_page(tab, words["choose"], screenshot=f"reset-3-new-password-{lang}")
    tab.locator("#new_password").fill(NEW_PASSWORD)
    tab.locator("#confirm_password").fill(NEW_PASSWORD)
    tab.locator("#set-password").click()
    check_page(tab, words["join"])
    assert words["signed_in"] in tab.locator("body").inner_text()
    tab.locator("#continue").click()
    tab.get_by_role("radio").first.check()
    tab.locator("#confirm").click()
    check_page(tab, words["joined"])

    # The old password no longer works; the new one does.
    tab.locator('header form[action="/sign-out"] button').click()
    tab.goto("/sign-in")
    tab.locator("#email").fill(email)
    tab.locator("#password").fill(NEW_PASSWORD)
    tab.locator("main").locator("button[type=submit]").click()
    assert "/sign-in" not in tab.url
    reused = tab.context.new_page()
    reused.goto(reset)
    assert reused.locator("h1").inner_text() != words["choose"]  # single use
    reused.close()
