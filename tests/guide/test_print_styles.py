"""print.css in a real browser (Chromium, print media): no navigation or buttons on paper,
and the address of each link spelled out, except in-page anchors and buttons."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app, reset_database, seed

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def printed_guide(tmp_path_factory):
    """The guide page in Chromium with print media, and a way to read computed styles."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"A browser is required here (REQUIRE_BROWSER is set): no {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    tmp = tmp_path_factory.mktemp("print")
    app = make_app(f"sqlite:///{tmp / 'print.sqlite'}", tmp)
    with app.app_context():
        reset_database()
        seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/guide/")
            page.emulate_media(media="print")
            yield page
            browser.close()
    finally:
        server.shutdown()


def style(page, selector: str, prop: str, pseudo: str = "") -> str:
    """The computed value of `prop` for the first element matching `selector`."""
    return page.eval_on_selector(
        selector,
        "(el, [prop, pseudo]) => getComputedStyle(el, pseudo || null).getPropertyValue(prop)",
        [prop, pseudo],
    )


def test_the_printed_page_has_no_header_footer_navigation_or_buttons(printed_guide):
    hidden = (".site-header", ".site-footer", ".skip-link", "#download-guide", ".guide-contents")
    for selector in hidden:
        assert style(printed_guide, selector, "display") == "none", selector


def test_printed_links_show_their_address_but_anchors_and_buttons_do_not(printed_guide):
    help_link = ".guide-section--help a[href='/guide/quick-guide.pdf']"
    assert style(printed_guide, help_link, "content", "::after") == '" (/guide/quick-guide.pdf)"'
    assert style(printed_guide, "a[href='#checklist']", "content", "::after") in ("none", "normal")
    assert style(printed_guide, "#download-guide", "content", "::after") in ("none", "normal")


def test_the_printed_page_is_black_on_white(printed_guide):
    assert style(printed_guide, "body", "color") == "rgb(0, 0, 0)"
    assert style(printed_guide, ".guide-section--help a", "color") == "rgb(0, 0, 0)"
