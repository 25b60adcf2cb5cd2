"""The owner's and the invitee's moves, shared by the journeys with and without JavaScript,
and the mail that arrives at the SMTP server."""

import re
from email.message import Message

from tests.browser.pages import check_page, shoot, sign_in, sign_out
from wizard.demo import DEMO_PASSWORD

PASTED = (
    "ana.pro@acme.example, Ben Pro <ben.pro@acme.example>; chen.pro@partner.example\n"
    "not-an-address\n"
    "ANA.PRO@acme.example\n"
    "member@acme.example\n"
)
UPLOADED = (
    b"email,name,user type\n"
    b"dora@acme.example,Dora Basic,Basic\n"
    b"gus@acme.example,Gus New,Licensed\n"
    b"emil.pro@acme.example,Emil Pro,Basic\n"
)
INVITED = [
    "ana.pro@acme.example",
    "ben.pro@acme.example",
    "chen.pro@partner.example",
    "dora@acme.example",
    "gus@acme.example",
    "emil.pro@acme.example",
]


def csv_file(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": content}


def click(tab, name: str, role: str = "button") -> None:
    tab.locator("main").get_by_role(role, name=name, exact=True).click()


def open_the_wizard(tab, email: str = "owner@acme.example") -> None:
    sign_in(tab, email)
    check_page(tab, "Users", screenshot="01-users")
    tab.get_by_role("link", name="Add users").click()
    check_page(tab, "Add existing Pro users to your business account", screenshot="02-wizard-start")
    click(tab, "Start")


def who(tab, pasted: str = PASTED, uploaded: bytes | None = UPLOADED) -> None:
    """Step 1: nothing (error), then pasted addresses and a CSV file with problems in them,
    then on without the problem lines."""
    check_page(tab, "Who do you want to invite?", screenshot="03-wizard-who")
    click(tab, "Continue")
    check_page(tab, "Who do you want to invite?")
    assert tab.title().startswith("Error: ")
    assert "Enter at least one email address" in tab.locator(".error-summary").inner_text()

    assert "Choose Basic or Licensed for the people you add" in tab.locator(
        ".error-summary"
    ).inner_text()  # nothing is chosen for the owner
    tab.get_by_label("Email addresses").fill(pasted)
    tab.get_by_role("radio", name="Basic", exact=True).check()
    if uploaded:
        tab.get_by_label("Or upload a CSV file").set_input_files(csv_file("people.csv", uploaded))
    click(tab, "Continue")
    check_page(tab, "Who do you want to invite?", screenshot="04-wizard-who-problems")
    problems = tab.locator("#problems").inner_text()
    for raw in ("not-an-address", "ANA.PRO@acme.example", "member@acme.example"):
        assert raw in problems, f"{raw} is not reported as a problem:\n{problems}"
    assert tab.get_by_label("Email addresses").input_value().strip() == pasted.strip()
    click(tab, "Continue without the entries that have problems")


def heads_up(tab, people: int) -> None:
    """Step 2: skipping without the tick is refused; then send the message from the app."""
    check_page(tab, "Tell them before the invitation arrives", screenshot="05-wizard-heads-up")
    click(tab, "Skip telling them first")
    check_page(tab, "Tell them before the invitation arrives")
    assert "Tick the box" in tab.locator(".error-summary").inner_text()
    click(tab, f"Check and send to {people} people")
    # Who gets what, before anything goes; sending happens only here.
    check_page(tab, "Check the message before it goes", screenshot="05b-wizard-heads-up-check")
    assert f"Who gets it: {people} people" in tab.locator("main").inner_text()
    click(tab, f"Send the message to {people} people")


def licenses(tab) -> None:
    check_page(tab, screenshot="06-wizard-licenses")
    assert tab.locator("main").get_by_role("table").count() >= 1
    click(tab, "Continue")


def check_and_send(tab, people: int) -> None:
    check_page(tab, screenshot="07-wizard-check")
    assert "The invitation email" in tab.locator("main").inner_text()
    click(tab, f"Send {people} invitations")
    check_page(tab, screenshot="08-wizard-sent")


def pending(tab) -> str:
    """Open the Pending tab from the sent page; its visible text."""
    tab.locator("main").get_by_role("link", name="Go to the Pending tab").click()
    check_page(tab, screenshot="09-pending")
    return tab.locator("main").inner_text()


# --- Mail ---------------------------------------------------------------------------------


def deliver(server, limit: int | None = None):
    """Run the delivery worker once, as `flask send-mail` does: the outbox goes over SMTP."""
    from wizard.delivery import deliver_due

    with server.app.app_context():
        report = deliver_due(limit=limit)
    assert not report.stopped and not report.failed and not report.retrying, report
    return report


def body(message: Message, subtype: str = "plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part in {message['Subject']!r}")


def invitation_to(server, address: str) -> Message:
    found = [m for m in server.inbox.to(address) if "/invitation/" in body(m)]
    assert found, f"no invitation arrived for {address}; inbox: " + ", ".join(
        f"{m['To']}: {m['Subject']}" for m in server.inbox.messages
    )
    return found[-1]


def link_in(message: Message, server) -> str:
    """The invitation link as the invitee sees it in the plain-text part."""
    match = re.search(re.escape(server.url) + r"/invitation/[^\s<>\"']+", body(message))
    assert match, f"no invitation link in:\n{body(message)}"
    return match.group(0)


def show_email(tab, message: Message, name: str) -> None:
    """The HTML email as a mail program would show it, for the screenshots."""
    # A blank page of its own: the app's pages carry a CSP that (rightly) blocks inline styles.
    page = tab.context.new_page()
    page.set_content(body(message, "html"))
    shoot(page, name)
    page.close()


# --- Quick ways in, for the journeys that start from an invitation ------------------------


def send_invitations(tab, addresses: list[str], user_type: str = "Basic") -> None:
    """The owner sends invitations through the wizard the short way: no heads-up."""
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/add/")
    tab.locator("#start, #start-over").first.click()
    tab.get_by_label("Email addresses").fill("\n".join(addresses))
    tab.get_by_role("radio", name=user_type, exact=True).check()
    tab.locator("#continue").click()
    tab.get_by_label("I understand that people will get the invitation").check()
    tab.locator("#skip").click()
    tab.locator("#confirm").click()
    tab.locator("#send").click()
    assert "/sent" in tab.url, f"the invitations were not sent: {tab.url}"


def invitation_link(server, address: str) -> str:
    """Deliver the outbox, then take the link from the invitation that arrived for `address`."""
    deliver(server)
    return link_in(invitation_to(server, address), server)


def status_on_pending_tab(tab, address: str) -> str:
    tab.goto("/users/pending/?status=all")  # by default it lists who has not accepted yet
    check_page(tab, "Pending")
    return tab.locator("main tr", has_text=address).inner_text()


def invitee_joins_with_a_refund(tab, owner, server, invitee: str = "ana.pro@acme.example"):
    """The owner invites; the invitee follows the emailed link, signs in, chooses a refund
    (after first forgetting to), joins, and signs in again as a member; the owner sees it."""
    send_invitations(owner, [invitee])
    link = invitation_link(server, invitee)
    show_email(tab, invitation_to(server, invitee), "10-invitation-email")

    tab.goto(link)
    check_page(tab, "Join Acme Corp", screenshot="11-invitation")
    click(tab, "Sign in to continue", role="link")
    check_page(tab, "Sign in")
    tab.get_by_label("Email address").fill(invitee)
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    click(tab, "Sign in")
    check_page(tab, "Join Acme Corp", screenshot="12-invitation-signed-in")
    assert tab.url == link
    click(tab, "Continue to refund details", role="link")

    check_page(tab, "Choose your refund details", screenshot="13-invitee-refund")
    click(tab, "Confirm and join Acme Corp")
    check_page(tab, "Choose your refund details")
    assert "Choose a refund to your card" in tab.locator(".error-summary").inner_text()
    tab.get_by_role("radio", name=re.compile(r"^Refund .* to Visa •••• 4242")).check()
    click(tab, "Confirm and join Acme Corp")

    check_page(tab, "You are in Acme Corp", screenshot="14-invitee-joined")
    assert "refunded to Visa •••• 4242" in tab.locator("main").inner_text()
    sign_out(tab)
    sign_in(tab, invitee)
    check_page(tab, "My account")
    text = tab.locator("main").inner_text()
    assert "Acme Corp" in text and "Member" in text

    assert "Accepted" in status_on_pending_tab(owner, invitee)
