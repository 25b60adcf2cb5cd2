"""On a phone (375 px wide) no page is wider than the screen: nothing to scroll sideways
except inside a table's own scrolling region."""

import pytest

from tests.browser.journeys import click, invitation_link, send_invitations
from tests.browser.pages import sign_in

PHONE = {"width": 375, "height": 800}
WIDTH = """() => document.documentElement.scrollWidth"""
# The element that reaches furthest right, named by tag and class, to say what to fix.
WIDEST = """() => { let best = null, right = 0;
  const scrolls = (e) => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true; } return false; };
  for (const e of document.querySelectorAll("body *")) {
    if (scrolls(e)) continue;
    const r = e.getBoundingClientRect().right;
    if (r > right) { right = r; best = e; } }
  if (!best) return "";
  return `${best.tagName.toLowerCase()}.${best.className} ends at ${Math.round(right)} px`; }"""


@pytest.fixture
def phone(chromium, server):
    context = chromium.new_context(base_url=server.url, viewport=PHONE, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def _too_wide(page, paths) -> list[str]:
    wide = []
    for path in paths:
        page.goto(path)
        width = page.evaluate(WIDTH)
        if width > PHONE["width"]:
            widest = page.evaluate(WIDEST)
            wide.append(f"{path}: {width} px ({widest})")
    return wide


def test_the_owners_pages_fit_a_phone(phone, server):
    sign_in(phone, "owner@acme.example")
    phone.goto("/users/add/")
    phone.locator("#start, #start-over").first.click()
    phone.get_by_label("Email addresses").fill(
        "Ana Pro <ana.pro@acme.example>\nben.pro@acme.example\ngus@acme.example\n"
        "chen.pro@partner.example\nnot-an-address"
    )
    phone.get_by_role("radio", name="Basic", exact=True).check()
    phone.locator("#continue").click()
    base = phone.url.rsplit("/", 1)[0]
    wide = _too_wide(phone, [f"{base}/people"])  # with the problem table
    phone.goto(f"{base}/people")
    click(phone, "Continue without the entries that have problems")
    wide += _too_wide(phone, [f"{base}/heads-up"])
    phone.get_by_label("I understand that people will get the invitation").check()
    phone.locator("#skip").click()
    wide += _too_wide(phone, [f"{base}/licenses"])
    phone.goto(f"{base}/licenses")
    phone.locator("#confirm").click()
    wide += _too_wide(phone, [f"{base}/check"])
    phone.goto(f"{base}/check")
    phone.locator("#send").click()
    wide += _too_wide(phone, [
        f"{base}/sent", "/users/", "/users/pending/", "/users/audit-log/", "/users/domains/",
        "/account/", "/account/password", "/guide/",
    ])
    assert not wide, "wider than a phone:\n" + "\n".join(wide)


def test_the_invitees_pages_fit_a_phone(phone, tab, server):
    send_invitations(tab, ["ana.pro@acme.example", "gus@acme.example"], user_type="Licensed")
    ana, gus = (invitation_link(server, a) for a in ("ana.pro@acme.example", "gus@acme.example"))
    wide = _too_wide(phone, ["/sign-in", gus, ana])
    sign_in(phone, "ana.pro@acme.example")
    wide += _too_wide(phone, [ana, f"{ana}/refund", f"{ana}/decline"])
    assert not wide, "wider than a phone:\n" + "\n".join(wide)
