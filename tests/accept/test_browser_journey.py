"""The whole invitee journey in a real browser (Debian's Chromium), from the emailed link."""

import logging
import os
import re
from pathlib import Path

import pytest

from tests.accept.factory import invitation_for, invite
from tests.conftest import make_app, reset_database, seed
from tests.helpers import served_in_a_thread
from wizard.accept import tokens
from wizard.demo import DEMO_PASSWORD
from wizard.models import UserType

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app with the demo data, on 127.0.0.1, for a browser."""
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("invite-browser")
    app = make_app(f"sqlite:///{root / 'journey.sqlite'}", root, RATELIMIT_ENABLED=False)
    with app.app_context():
        reset_database()
        seed(app)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with served_in_a_thread(app):
        yield app


@pytest.fixture(scope="module")
def chromium(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def emailed_link(app, email, **kw) -> str:
    """The link as the invitation email carries it (built from BASE_URL, never the Host)."""
    token = invite(app, email, **kw)
    with app.app_context():
        return tokens.invitation_url(invitation_for(token))


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_a_pro_user_follows_the_link_signs_in_chooses_a_refund_and_is_in(served, chromium):
    link = emailed_link(served, "ana.pro@acme.example")
    page = chromium.new_page()
    response = page.goto(link)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert h1(page) == "Join Acme Corp"
    assert "$" not in page.locator("main").inner_text()

    page.click("#sign-in")
    page.fill("#email", "ana.pro@acme.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button:has-text('Sign in')")
    assert page.url == link
    assert "$10.66" in page.locator(".invite-amount").inner_text()

    page.click("#continue")
    assert h1(page) == "Choose your refund details"
    assert page.input_value("#receipt_email") == "ana.pro@acme.example"
    # By keyboard only: choose the refund to the card, then confirm.
    page.focus("#method-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the receipt address
    page.keyboard.press("Tab")  # Confirm
    page.keyboard.press("Enter")
    page.wait_for_url(link)
    assert h1(page) == "You are in Acme Corp"
    assert "$10.66 refunded to Visa •••• 4242" in page.locator("main").inner_text()

    # Afterwards: sign out, sign in as before, and land in the business.
    page.click("header button:has-text('Sign out')")
    page.fill("#email", "ana.pro@acme.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button:has-text('Sign in')")
    assert re.search(r"Business account\s+Acme Corp", page.locator("main").inner_text())
    page.close()


def test_someone_without_an_account_joins_without_javascript(served, chromium):
    link = emailed_link(served, "gus@acme.example", user_type=UserType.BASIC)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    page.fill("#name", "Gus Newman")
    page.fill("#password", "short")
    page.click("#create-account")
    summary = page.locator(".error-summary").inner_text()
    assert "Use at least 8 characters for your password" in summary
    assert page.input_value("#name") == "Gus Newman"
    page.fill("#password", "a long enough password")
    page.click("#create-account")
    assert h1(page) == "You are in Acme Corp"
    context.close()


def test_a_wrong_account_is_told_and_can_switch(served, chromium):
    link = emailed_link(served, "dora@acme.example", user_type=UserType.BASIC)
    page = chromium.new_page()
    page.goto(f"{served.config['BASE_URL']}/sign-in")
    page.fill("#email", "fay.pro@acme.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button:has-text('Sign in')")
    response = page.goto(link)
    assert response.status == 403
    assert h1(page) == "This invitation is for dora@acme.example"
    page.click("#sign-out-and-continue")
    assert h1(page) == "Join Acme Corp"
    page.click("#sign-in")
    page.fill("#email", "dora@acme.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.click("#accept")
    assert h1(page) == "You are in Acme Corp"
    page.close()
