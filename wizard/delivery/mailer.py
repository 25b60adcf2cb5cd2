"""Rendering email: one function for every kind of message, text and HTML from templates.

Templates are rendered straight from the Jinja environment, without the page context
processors: an email must not depend on the request (its Host header, the signed-in user),
and the delivery worker has no request at all. Links come from BASE_URL.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

from flask import Response, current_app
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from ..accept.link import reader_plan
from ..accept.tokens import invitation_url
from ..accounts.links import ENDPOINTS, link_token
from ..common.layout import user_type_label
from ..extensions import db
from ..models import PersonalLink

# Kinds whose subject an operator can replace (config key -> the kinds it covers).
SUBJECT_SETTINGS = {"invitation": "MAIL_INVITATION_SUBJECT", "reminder": "MAIL_REMINDER_SUBJECT"}

# Kinds whose words depend on what the reader has today (Pro, a free account, no account):
# `reader_plan` is "pro", "free", "other_business" or "none"; a preview has none, and reads
# for everyone.
READER_KINDS = frozenset({"invitation", "reminder", "invitation_withdrawn"})

# For the HTML of an email shown inside the app (development mailbox, previews): no script,
# no plugins, no same-origin access; links open in a new, unsandboxed tab.
EMAIL_FRAME_CSP = "; ".join(
    [
        "sandbox allow-popups allow-popups-to-escape-sandbox",
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "frame-ancestors 'self'",
    ]
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class _KeepUnknown(dict):
    """Formatting values for a configured subject: an unknown %(name)s stays as written."""

    def __missing__(self, key: str) -> str:
        return f"%({key})s"


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute link to a page of the app for an email, from BASE_URL (never the Host)."""
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def product_name() -> str:
    """The name emails are signed with: the display name of MAIL_DEFAULT_SENDER."""
    return _display_name(str(current_app.config.get("MAIL_DEFAULT_SENDER") or ""))


def abuse_contact() -> str:
    """Where the heads-up footer says to report abuse: ABUSE_CONTACT, else the sender's address."""
    configured = str(current_app.config.get("ABUSE_CONTACT") or "").strip()
    return configured or _parsed(str(current_app.config.get("MAIL_DEFAULT_SENDER") or ""))[1]


def _display_name(sender: str) -> str:
    return _parsed(sender)[0] or "Business Invite Wizard"


@lru_cache(maxsize=8)
def _parsed(sender: str) -> tuple[str, str]:
    # Every email asks: parsing the same setting each time cost a tenth of a millisecond.
    return parseaddr(sender)


def _as_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _configured_subject(kind: str, values: Mapping[str, Any]) -> str | None:
    setting = SUBJECT_SETTINGS.get(kind)
    pattern = current_app.config.get(setting) if setting else None
    if not pattern:
        return None
    try:
        return pattern % _KeepUnknown({k: v for k, v in values.items() if isinstance(v, str)})
    except (TypeError, ValueError):  # a stray % in the setting: show it as written
        return pattern


def _template_gettext(translations) -> dict[str, Any]:
    """gettext and ngettext for one render, bound to one catalogue.

    They behave like the i18n extension's new-style functions (autoescape-aware, %%-formatting)
    but skip Flask-Babel's per-string lookup of the current catalogue, which took half of the
    time of rendering an invitation. Templates call them as `_`, `gettext` and `ngettext`.
    """

    @pass_context
    def gettext(context, string: str, **variables: Any) -> str:
        text = translations.ugettext(string)
        # Translator-written text is trusted; Markup's % escapes every variable put into it.
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704

    return {"gettext": gettext, "ngettext": ngettext}


def render_email(
    kind: str,
    *,
    locale: str,
    context: dict[str, Any],
    invitation=None,
    preview: bool = False,
    plan: str | None = None,
) -> RenderedEmail:
    """Render templates/email/<kind>_subject.txt, <kind>.txt and <kind>.html in `locale`.

    With an invitation, the template gets its link as `invitation_url`; a preview (the
    wizard's check page) gets a sample link that works nowhere. `expires_at` given as an
    ISO-8601 string reaches the templates as a datetime, ready for the `date` filter.
    `plan` is the reader's plan when the caller looked it up already (`reader_plans`).
    """
    values = email_values(
        kind, locale=locale, context=context, invitation=invitation, preview=preview, plan=plan
    )
    return render_values(kind, locale=locale, context=context, values=values)


def email_values(
    kind: str,
    *,
    locale: str,
    context: dict[str, Any],
    invitation=None,
    preview: bool = False,
    plan: str | None = None,
) -> dict[str, Any]:
    """What the templates of an email see: its context, its link, and the shared helpers."""
    values: dict[str, Any] = dict(context)
    for moment in ("expires_at", "day"):
        if moment in values:
            values[moment] = _as_datetime(values[moment])
    if preview:
        with force_locale(locale):  # the preview's stand-in link reads in the email's language
            values["invitation_url"] = "https://…/invitation/" + _(
                "(a personal link for each person)"
            )
    elif invitation is not None:
        values["invitation_url"] = invitation_url(invitation)
        if kind in READER_KINDS:
            values["reader_plan"] = plan or reader_plan(invitation.email)
    if (link_id := values.get("personal_link_id")) is not None:
        # A password reset's or a new address's link, derived now: the outbox holds no token.
        link = db.session.get(PersonalLink, link_id)
        if link is not None:
            values["link_url"] = absolute_url(ENDPOINTS[link.purpose], token=link_token(link))
    values.update(
        kind=kind,
        locale=locale,
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        absolute_url=absolute_url,
        user_type_label=user_type_label,
        product_name=product_name(),
        abuse_contact=abuse_contact(),
    )
    return values


def render_values(
    kind: str, *, locale: str, context: dict[str, Any], values: dict[str, Any]
) -> RenderedEmail:
    """Render the three templates of `kind` with `values` (from email_values)."""
    values = dict(values)
    env = current_app.jinja_env
    with force_locale(locale):
        values.update(_template_gettext(get_translations()))
        subject = _configured_subject(kind, context) or env.get_template(
            f"email/{kind}_subject.txt"
        ).render(values)
        subject = " ".join(subject.split())  # one line: no CR/LF can reach the header
        values["subject_line"] = subject
        text = env.get_template(f"email/{kind}.txt").render(values)
        html = env.get_template(f"email/{kind}.html").render(values)
    return RenderedEmail(subject=subject, text=tidy_text(text), html=html)


SIGNATURE_SEPARATOR = "-- "  # RFC 3676, 4.3: dash, dash, space, on a line of its own


def tidy_text(text: str) -> str:
    """A plain-text email as a reader should see it: no trailing spaces, never more than one
    blank line in a row, none right after the signature separator, and the separator as
    RFC 3676 writes it ("-- ": mail clients then know what follows is the signature). The
    layout's separator is the last "--" line; a "--" in a person's own words stays as it is."""
    # Lines end at "\n" only: whatever a person's name holds stays as it was (the merged
    # rendering of wizard/delivery/merge.py puts names in after this, and must agree).
    lines = [line.rstrip(" \t") for line in text.strip().split("\n")]
    separator = max((i for i, line in enumerate(lines) if line == "--"), default=-1)
    tidy: list[str] = []
    for i, line in enumerate(lines):
        if i == separator:
            line = SIGNATURE_SEPARATOR
        if not line and (not tidy or not tidy[-1] or tidy[-1] == SIGNATURE_SEPARATOR):
            continue
        tidy.append(line)
    return "\n".join(tidy) + "\n"


def sandboxed_html_response(html: str) -> Response:
    """Serve an email's HTML inside the app so that nothing in it can run (for an iframe)."""
    # Links leave the frame for a tab of their own instead of loading the app inside it.
    if "<head>" in html:
        html = html.replace("<head>", '<head><base target="_blank">', 1)
    else:
        html = '<base target="_blank">' + html
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
