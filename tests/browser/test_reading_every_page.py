"""Every page of both journeys, read in English and in German (issue 21): the owner's, the
invitee's and the error pages, each saved as a full-page screenshot in test-artifacts/read-through/
(git-ignored) for a person to read, and each checked for what a reader would trip over:

- one h1, and a <title> that starts with it and carries no markup;
- no axe violations (check_page), and <html lang> naming the page's language;
- no sentence, date or amount from the other language (tests/i18n/reading.py);
- no "0 licenses", "1 people", "2 Lizenz" (tests/i18n/counts.py);
- no "None", "{" or "%(" leaking from the code.

Problems are collected page by page and reported together at the end of each tour.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.accept.factory import invitation_for, invite, subscription_of, user
from tests.browser.journeys import body, deliver
from tests.browser.pages import check_page
from tests.i18n.counts import count_problems
from tests.i18n.reading import problems_of_english, problems_of_german
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, Role, User

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "read-through"
LANGUAGE_BUTTON = {"en": "English", "de": "Deutsch"}
LEAKS = re.compile(r"\bNone\b|%\(|\{\{|\}\}|\{%|\{(?!name\}|business\}|inviter\}|first_name\})")

# The page without the parts that declare another language (lang="…", WCAG 3.1.2: a preview
# of the email an English invitee gets, on a German owner's page) and without the owner's own
# heads-up message, which is in whatever language the owner wrote it.
OWN_LANGUAGE_ONLY = """() => {
  const page = document.documentElement.cloneNode(true);
  for (const part of page.querySelectorAll('[lang], .message-preview__body'))
    if (part.getAttribute('lang') !== page.getAttribute('lang')) part.remove();
  return page.outerHTML;
}"""

PASTED = (
    "ana.pro@acme.example, Ben Pro <ben.pro@acme.example>\n"
    "chen.pro@partner.example\n"
    "gus@acme.example\n"
    "not-an-address\n"
    "member@acme.example\n"
)


class Reader:
    """Visits pages in one language, shoots each, and notes what reads wrong."""

    def __init__(self, tab, lang: str, journey: str) -> None:
        self.tab, self.lang, self.journey = tab, lang, journey
        self.problems: list[str] = []
        self.count = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def choose_language(self) -> None:
        if self.tab.locator("html").get_attribute("lang") != self.lang:
            with self.tab.expect_navigation():
                self.tab.get_by_role("button", name=LANGUAGE_BUTTON[self.lang], exact=True).click()

    def visit(self, path: str, name: str) -> None:
        self.tab.goto(path)
        self.choose_language()
        self.read(name)

    def read(self, name: str) -> str:
        """Check the page the tab shows now; returns its h1."""
        tab = self.tab
        tab.wait_for_load_state()
        where = f"{self.lang} {name} ({tab.url})"
        h1 = check_page(tab)  # one h1, the title starts with it, ids, axe
        self.count += 1
        tab.screenshot(
            path=str(ARTIFACTS / f"{self.journey}-{self.count:02d}-{name}-{self.lang}.png"),
            full_page=True,
        )
        title = tab.title()
        if "<" in title or ">" in title or "&lt;" in title:
            self.problems.append(f"{where}: markup in the title {title!r}")
        lang = tab.locator("html").get_attribute("lang")
        if lang != self.lang:
            self.problems.append(f"{where}: <html lang={lang!r}>")
        html = tab.evaluate(OWN_LANGUAGE_ONLY)
        if self.lang == "de":
            self.problems += problems_of_german(where, html)
        else:
            self.problems += problems_of_english(where, html)
        text = " ".join(tab.locator("body").inner_text().split())
        self.problems += [f"{where}: {p}" for p in count_problems(text, self.lang)]
        self.problems += [
            f"{where}: {m.group(0)!r} leaks in …{text[max(0, m.start() - 40):m.end() + 40]}…"
            for m in LEAKS.finditer(text)
        ]
        return h1

    def click(self, selector: str) -> None:
        with self.tab.expect_navigation():
            self.tab.locator(selector).first.click()

    def sign_in(self, email: str) -> None:
        self.tab.goto("/sign-in")
        self.choose_language()
        self.tab.locator("input[name=email]").fill(email)
        self.tab.locator("input[name=password]").fill(DEMO_PASSWORD)
        self.click("main button[type=submit]")

    def sign_out(self) -> None:
        self.click("header form[action$='sign-out'] button")

    def assert_reads_right(self) -> None:
        assert self.count > 5, "the tour saw too few pages"
        assert not self.problems, (
            f"{len(self.problems)} thing(s) read wrong on the way "
            f"(screenshots in {ARTIFACTS}):\n" + "\n".join(self.problems)
        )


def change(server, model, where, **values) -> None:
    with server.app.app_context():
        db.session.execute(update(model).where(where).values(**values))
        db.session.commit()


def invitation_id(server, token: str) -> int:
    with server.app.app_context():
        return invitation_for(token).id


# --- The owner ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_owner_reads_every_page(tab, server, lang):
    reader = Reader(tab, lang, "owner")
    reader.visit("/sign-in", "sign-in")
    reader.sign_in("owner@acme.example")
    reader.read("users")

    # The wizard, with realistic input: pasted people, some with problems.
    reader.visit("/users/add/", "wizard-start")
    reader.click("#start, #start-over")
    reader.read("wizard-people")
    tab.locator("textarea[name=addresses]").fill(PASTED)
    tab.locator("input[name=default_type][value=licensed]").check()
    reader.click("#continue")
    reader.read("wizard-people-problems")
    reader.click("#leave-out")
    reader.read("wizard-heads-up")
    reader.click("#send")
    reader.read("wizard-heads-up-check")
    reader.click("#send")
    reader.read("wizard-licenses")
    reader.click("#confirm")
    reader.read("wizard-check")
    reader.click("#send")
    reader.read("wizard-sent")

    reader.visit("/users/pending/", "pending")
    history = tab.locator("main a[href^='/users/pending/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).filter(h => /\\/\\d+(\\?|$)/.test(h))"
    )
    assert history, "no history link on the Pending tab"
    reader.visit(history[0], "pending-history")
    reader.visit("/users/pending/?status=all", "pending-all")
    reader.visit("/users/licenses/", "licenses")
    reader.visit("/users/licenses/?seats=12", "licenses-change")
    reader.visit("/users/ownership", "handover")
    with server.app.app_context():
        member = user("member@acme.example").id
    reader.visit(f"/users/{member}/role", "change-role")
    reader.visit(f"/users/{member}/remove", "remove-member")
    reader.visit("/users/audit-log/", "audit-log")
    reader.visit("/users/domains/", "domains")
    reader.visit("/users/domains/people", "domain-people")
    reader.visit("/users/single-sign-on", "single-sign-on")
    reader.visit("/account/", "my-account")
    reader.visit("/account/password", "change-password")
    reader.visit("/guide/", "guide")
    reader.visit("/guide/invitees", "guide-for-invitees")
    reader.assert_reads_right()


# --- The invitee ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_invitee_reads_every_page(tab, server, lang):
    reader = Reader(tab, lang, "invitee")
    app = server.app
    ana = invite(app, "ana.pro@acme.example")

    # Signed out: the invitation, then sign in from it, the refund, and the welcome.
    reader.visit("/sign-in", "start")
    reader.visit(f"/invitation/{ana}", "invitation-signed-out")
    reader.click("#sign-in")
    reader.read("sign-in-from-invitation")
    tab.locator("input[name=email]").fill("ana.pro@acme.example")
    tab.locator("input[name=password]").fill(DEMO_PASSWORD)
    reader.click("main button[type=submit]")
    reader.read("invitation-signed-in")
    reader.visit(f"/invitation/{ana}/refund", "refund")
    tab.locator("input[type=radio]").first.check()
    reader.click("#confirm")
    reader.read("welcome")
    reader.visit("/account/", "my-account-member")
    reader.sign_out()

    # A person with no account: the invitation makes one.
    gus = invite(app, "gus@acme.example")
    reader.visit(f"/invitation/{gus}", "invitation-no-account")

    # Declining, signed out.
    dora = invite(app, "dora@acme.example")
    reader.visit(f"/invitation/{dora}/decline", "decline")
    reader.click("#confirm-decline")
    reader.read("declined")

    # Expired and revoked.
    old = invite(app, "old@acme.example", valid_for=timedelta(days=-1))
    reader.visit(f"/invitation/{old}", "expired")
    gone = invite(app, "gone@acme.example")
    change(server, Invitation, Invitation.id == invitation_id(server, gone),
           status=InvitationStatus.REVOKED)
    reader.visit(f"/invitation/{gone}", "revoked")

    # Every blocker, signed in as the person it stops.
    with app.app_context():
        subscription_of("chen.pro@partner.example").add_ons = 2
        gloria = user("owner@globex.example")
        db.session.add(User(email="hans@globex.example", name="Hans", role=Role.MEMBER,
                            account_id=gloria.account_id, password_hash=gloria.password_hash))
        db.session.commit()
    blocked = {
        "emil.pro@acme.example": "blocked-balance",
        "fay.pro@acme.example": "blocked-other-users",
        "chen.pro@partner.example": "blocked-add-ons",
        "hans@globex.example": "blocked-other-business",
        "member@acme.example": "blocked-already-member",
    }
    for email, name in blocked.items():
        token = invite(app, email)
        reader.sign_in(email)
        reader.visit(f"/invitation/{token}", name)
        reader.sign_out()

    # The wrong account, and changing the invitation's address.
    ben = invite(app, "ben.pro@acme.example")
    reader.sign_in("dora@acme.example")
    reader.visit(f"/invitation/{ben}", "wrong-account")
    reader.sign_out()
    reader.sign_in("ben.pro@acme.example")
    reader.visit(f"/invitation/{ben}/change-address", "change-address")
    reader.sign_out()

    # Password reset, by the emailed link.
    reader.visit("/forgot-password", "forgot-password")
    tab.locator("input[name=email]").fill("dora@acme.example")
    reader.click("#send-link")
    reader.read("forgot-password-sent")
    deliver(server)
    mail = [m for m in server.inbox.to("dora@acme.example") if "/reset-password/" in body(m)]
    assert mail, "no password reset email arrived"
    link = re.search(r"/reset-password/[^\s<>\"']+", body(mail[-1])).group(0)
    reader.visit(link, "reset-password")
    reader.assert_reads_right()


# --- Errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_error_pages_read_right(tab, server, lang):
    reader = Reader(tab, lang, "errors")
    reader.visit("/sign-in", "sign-in")
    reader.visit("/no-such-page", "404")
    # 400: a form posted with a token that is not the session's (an old tab, a forged post).
    reader.visit("/sign-in", "sign-in-again")
    tab.locator("main input[name=csrf_token]").evaluate("field => field.value = 'stale'")
    tab.locator("input[name=email]").fill("owner@acme.example")
    tab.locator("input[name=password]").fill(DEMO_PASSWORD)
    reader.click("main button[type=submit]")
    reader.read("400-csrf")
    # 403: a member opens the owner's pages.
    reader.sign_in("member@acme.example")
    reader.visit("/users/licenses/", "403")
    reader.visit("/users/add/", "403-wizard")
    reader.assert_reads_right()

