"""In a real browser: from the Domains page, through verification and discovery, to a sent
batch. SQLite only, like the other browser tests; skipped with the reason without Chromium
(failed instead when REQUIRE_BROWSER is set)."""

import logging
import os
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app, reset_database, seed
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Invitation

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def no_browser(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"A browser is required here (REQUIRE_BROWSER is set): {reason}")
    pytest.skip(reason)


def check_page(page, h1: str | None = None) -> None:
    """One h1 that the title starts with, unique ids, no axe violations at WCAG 2.2 A/AA.
    Only for this area's pages: the wizard's pages are checked by the wizard's tests."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    found = [" ".join(t.split()) for t in page.locator("h1").all_inner_texts()]
    assert len(found) == 1, f"{page.url}: expected one h1, found {found}"
    assert h1 is None or found[0] == h1, f"{page.url}: h1 is {found[0]!r}"
    assert page.title().removeprefix("Error: ").startswith(found[0])
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), f"{page.url}: duplicate ids"
    options = {"runOnly": {"type": "tag", "values": WCAG_22_A_AA}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    assert not violations, f"{page.url}: " + "; ".join(
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    )


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium; or set CHROMIUM)")
    from playwright.sync_api import sync_playwright

    # Module scope: Playwright's event loop is gone before the other tests run.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("domains-browser")
    app = make_app(f"sqlite:///{root / 'browser.sqlite'}", root, RATELIMIT_ENABLED=False)
    with app.app_context():
        reset_database()
        seed(app)
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def tab(chromium, served, dns_server):
    app, url = served
    app.config["DNS_RESOLVER"] = dns_server.address
    app.config["DNS_TIMEOUT"] = 2
    context = chromium.new_context(
        base_url=url, viewport={"width": 1100, "height": 800}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "Content Security Policy" in m.text
            and page.csp_errors.append(m.text)
        ),
    )
    yield page
    context.close()
    assert not page.csp_errors, page.csp_errors


def test_from_the_domains_page_through_discovery_to_a_sent_batch(tab, served, dns_server):
    app, _url = served
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/domains/")
    check_page(tab, "Your company's domains")

    tab.get_by_label("Domain", exact=True).fill("gmail.com")
    tab.get_by_role("button", name="Add domain").click()
    check_page(tab, "Your company's domains")
    assert "public email service" in tab.locator(".error-summary").inner_text()

    tab.get_by_label("Domain", exact=True).fill("newco.example")
    tab.get_by_role("button", name="Add domain").click()
    card = tab.locator(".domain-card", has_text="newco.example")
    code = card.locator(".dns-record__value").inner_text().strip()
    assert code.startswith("invite-wizard-verify=")

    card.get_by_role("button", name=re.compile("Check the record now")).click()
    assert "did not find its TXT record" in tab.locator(".flashes").inner_text()
    dns_server.set_txt("newco.example", code)
    tab.locator(".domain-card", has_text="newco.example").get_by_role(
        "button", name=re.compile("Check the record now")
    ).click()
    check_page(tab, "Your company's domains")
    assert "newco.example is verified." in tab.locator(".flashes").inner_text()

    tab.get_by_role("link", name="Find people on your domains").click()
    check_page(tab, "People on your domains who have their own accounts")
    assert "chen.pro@partner.example" not in tab.locator("main").inner_text()
    tab.get_by_label("Ana Pro").check()
    tab.get_by_label("Dora Basic").check()
    tab.get_by_role("radio", name="Licensed", exact=True).check()
    tab.get_by_role("button", name="Continue with the selected people").click()

    tab.wait_for_url(re.compile(r"/users/add/\d+/heads-up$"))
    assert "2 people are added to your list" in tab.locator(".flashes").inner_text()
    tab.get_by_label("I understand that people will get the invitation").check()
    tab.locator("#skip").click()
    tab.wait_for_url(re.compile(r"/licenses$"))
    tab.locator("#confirm").click()
    tab.wait_for_url(re.compile(r"/check$"))
    tab.get_by_role("button", name="Send 2 invitations").click()
    tab.wait_for_url(re.compile(r"/sent$"))

    with app.app_context():
        sent = db.session.execute(
            select(Invitation.email, Invitation.user_type).order_by(Invitation.email)
        ).all()
    assert [(e, str(t)) for e, t in sent] == [
        ("ana.pro@acme.example", "licensed"),
        ("dora@acme.example", "licensed"),
    ]
    tab.goto("/users/domains/people")
    assert "2 are already invited." in tab.locator("main").inner_text()
