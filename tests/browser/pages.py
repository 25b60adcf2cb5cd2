"""What every browser test checks on a page, and the moves people make: sign in, tab, shoot."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

from wizard.demo import DEMO_PASSWORD

WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

_axe = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's violations of WCAG 2.2 A and AA on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_22_A_AA}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def describe_violations(violations: list[dict]) -> str:
    """One block per rule: what is wrong, how serious, and the elements, as a person reads it."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def headings(page, level: int = 1) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(f"h{level}").all_inner_texts()]


def check_page(page, h1: str | None = None, screenshot: str | None = None) -> str:
    """The checks every page gets: one h1 (the title starts with it), unique ids, no axe
    violations at WCAG 2.2 A/AA (when JavaScript is on: axe needs it). Returns the h1."""
    page.wait_for_load_state()
    found = headings(page)
    assert len(found) == 1, f"{page.url}: expected exactly one h1, found {found}"
    if h1 is not None:
        assert found[0] == h1, f"{page.url}: h1 is {found[0]!r}, expected {h1!r}"
    title = re.sub(r"^(?:Error|Fehler): ", "", page.title())  # "Error: " in either language
    assert title.startswith(found[0]), f"{page.url}: title {title!r} does not start with the h1"
    duplicates = page.evaluate(
        """() => { const seen = new Set(), twice = new Set();
                   for (const e of document.querySelectorAll('[id]'))
                     (seen.has(e.id) ? twice : seen).add(e.id);
                   return [...twice]; }"""
    )
    if duplicates:
        page.findings.append(f"{page.url} ({found[0]!r}): ids used more than once: {duplicates}")
    if page.javascript and _first_of_its_kind(page):
        # Kept, not raised: the journey goes on, and the test fails at its end with every
        # page's findings at once (see pytest_runtest_call in conftest.py).
        violations = axe_violations(page)
        if violations:
            page.findings.append(
                f"{page.url} ({found[0]!r}): axe found {len(violations)} WCAG 2.2 A/AA "
                "violation(s):\n" + describe_violations(violations)
            )
    if screenshot and page.javascript:  # the no-JavaScript journeys look the same
        shoot(page, screenshot)
    return found[0]


# The kinds of element on a page: tag, classes, role, type and state attributes.
_SHAPE = """() => [...new Set([...document.querySelectorAll('body *')].map(e =>
  [e.tagName, e.className, e.getAttribute('role'), e.type, e.getAttribute('aria-invalid'),
   e.getAttribute('aria-current'), e.disabled].join(' ')))].sort().join('\\n')"""
_axe_seen: set[tuple[str, str, int]] = set()


def _first_of_its_kind(page) -> bool:
    """axe takes seconds a page on two busy cores, so a page whose address pattern, title and
    kinds of element were already checked in this run is not checked again: the same markup
    and styles give the same findings. Rows of data repeat kinds, they do not add them."""
    path = re.sub(
        r"/\d+(?=/|$)",
        "/<id>",
        re.sub(r"/invitation/[^/]+", "/invitation/<token>", urlsplit(page.url).path),
    )
    key = (path, page.title(), hash(page.evaluate(_SHAPE)))
    if key in _axe_seen:
        return False
    _axe_seen.add(key)
    return True


def shoot(page, name: str) -> None:
    """docs/screenshots/<name>.png, when SCREENSHOTS=1 (make screenshots)."""
    if os.environ.get("SCREENSHOTS"):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def switch_to_german(page) -> None:
    """Press Deutsch in the language switch and wait for the page to come back in German: on
    a loaded machine, typing before it arrives goes into the old page and is lost."""
    with page.expect_navigation():
        page.locator("#language-switch").get_by_role("button", name="Deutsch").click()
    page.wait_for_selector("html[lang='de']", state="attached")


def sign_out(page) -> None:
    page.locator("header").get_by_role("button", name="Sign out").click()


# --- Keyboard -------------------------------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '',
          text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
          outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth}`,
          outlineWidth: parseFloat(s.outlineWidth) || 0,
          boxShadow: s.boxShadow,
          onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                    && r.left < window.innerWidth + window.scrollX};
}"""


def focused(page) -> dict | None:
    """The element that has keyboard focus, with what makes the focus visible."""
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """Something has focus, it is on screen, and it shows an outline or a box-shadow."""
    element = focused(page)
    assert element, f"{page.url}: nothing has keyboard focus"
    visible = (element["outline"] != "none" and element["outlineWidth"] > 0) or (
        element["boxShadow"] not in ("", "none")
    )
    assert visible, f"{page.url}: focus on {element} shows no outline or box-shadow"
    assert element["onScreen"], f"{page.url}: the focused element is off screen: {element}"
    return element


def press_until(page, matches, key: str = "Tab", limit: int = 40) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches, checking the focus is
    visible at every stop on the way."""
    path = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = assert_focus_visible(page)
        path.append(element["text"] or element["id"] or element["tag"])
        if matches(element):
            return element
    raise AssertionError(f"{page.url}: {key} x{limit} never reached the target; went {path}")


def press_and_load(page, key: str) -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def is_field(field_id: str):
    return lambda element: element["id"] == field_id


def has_text(text: str):
    return lambda element: element["text"] == text
