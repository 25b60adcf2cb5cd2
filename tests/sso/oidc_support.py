"""Signing in at an OpenID Connect provider as a person would, and the test client's values.

The providers themselves are started by the fixtures in oidc_fixtures.py.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

CLIENT_ID = "wizard"
CLIENT_SECRET = "wizard-test-secret"  # nosec B105 - the test provider's own client
# Where the provider may send people back: a protocol test's own, and the app's (built from
# the tests' BASE_URL) for the businesses the view tests configure.
PROTOCOL_REDIRECT_URI = "http://rp.test/oidc/callback"
APP_REDIRECT_URIS = tuple(
    f"http://invite.test/sso/{slug}/oidc/callback" for slug in ("acme", "globex")
)


class _FirstForm(HTMLParser):
    """The first form on a page: its action and its fields' values."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._done = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
        elif tag == "input" and self.action is not None and not self._done:
            if attributes.get("name"):
                self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._done = True


def sign_in_at_provider(authorization_url: str, login: str, redirect_uri: str) -> str:
    """Go through the provider's own login and consent forms as a person would.

    Returns the URL the provider sends the browser back to (the callback, with its query).
    """
    browser = requests.Session()
    response = browser.get(authorization_url, allow_redirects=False, timeout=10)
    for _step in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(redirect_uri):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        form = _FirstForm()
        form.feed(response.text)
        if form.action is None:
            raise AssertionError(
                f"no form and no redirect at {response.url}: {response.text[:500]}"
            )
        fields = form.fields
        if "login" in fields:
            fields.update(login=login, password="any password")  # nosec B105 - dev login form
        response = browser.post(
            urljoin(response.url, form.action), data=fields, allow_redirects=False, timeout=10
        )
    raise AssertionError("the provider never sent the browser back")


def callback_args(callback_url: str) -> dict[str, str]:
    """The query of the callback URL, as the view would read it from request.args."""
    return dict(parse_qsl(urlsplit(callback_url).query))
