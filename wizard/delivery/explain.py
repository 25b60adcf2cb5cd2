"""Why an email was not delivered, in the reader's language.

The worker stores what happened in English, one language for the database and the logs
(wizard/delivery/rules.py, claims.py, worker.py). These patterns put the app's own words
into the reader's language when a page or an export shows them; what the mail server said
("550 5.1.1 …") is its own text and stays as it was written.
"""

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext


def _status(word: str) -> str:
    return {
        "accepted": _("accepted"),
        "declined": _("declined"),
        "expired": _("expired"),
        "revoked": _("revoked"),
        "pending": _("pending"),
    }.get(word, word)


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Gave up after (\d+) attempts?: (.*)", re.S),
        lambda m: ngettext(
            "Gave up after %(num)s attempt: %(reason)s",
            "Gave up after %(num)s attempts: %(reason)s",
            int(m[1]),
            reason=explain(m[2]),
        ),
    ),
    (
        re.compile(r"Lost the mail server: (.*)", re.S),
        lambda m: _("Lost the connection to the mail server: %(reason)s", reason=m[1]),
    ),
    (
        re.compile(r"Refused: a header contained a line break"),
        lambda m: _("Refused: a name or subject contained a line break"),
    ),
    (
        re.compile(r"Not sent: not a usable email address"),
        lambda m: _("Not sent: the address cannot receive email"),
    ),
    (
        re.compile(r"Not sent: the invitation no longer exists"),
        lambda m: _("Not sent: the invitation no longer exists"),
    ),
    (
        re.compile(r"Not sent: the invitation is (\w+)"),
        lambda m: _("Not sent: the invitation is %(status)s", status=_status(m[1])),
    ),
    (
        re.compile(r"Not sent: could not prepare it \((.*)\)", re.S),
        lambda m: _("Not sent: the email could not be prepared (%(reason)s)", reason=m[1]),
    ),
]


def explain(stored: str | None) -> str:
    """The stored reason as the reader should see it ("" for none)."""
    text = stored or ""
    for pattern, words in _PATTERNS:
        if match := pattern.fullmatch(text):
            return words(match)
    return text
