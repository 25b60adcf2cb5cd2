"""What every page's layout needs: navigation, formatting filters, the page title."""

from decimal import Decimal

from flask import Flask, current_app, request, send_from_directory
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from .seat_words import batch_summary, seat_summary


def money(amount: Decimal, currency: str) -> str:
    """An amount in the reader's language: $15.99 in English, 15,99 $ in German."""
    return format_currency(amount, currency)


def with_link(message: str, text: str, href: str) -> Markup:
    """A message that asks for something to be done first, with the link to the page where
    it can be done (issue 20: no dead ends). Flashed Markup survives the session."""
    return Markup('{} <a href="{}">{}</a>').format(message, href, text)


def role_label(role: str) -> str:
    return {"owner": _("Owner"), "admin": _("Admin"), "member": _("Member")}.get(role, role)


def user_type_label(user_type: str) -> str:
    return {"basic": _("Basic"), "licensed": _("Licensed")}.get(user_type, user_type)


def page_title(text: str) -> Markup:
    """A page's <title>: words only. Screen readers read a title out, markup and all, so a
    title block that swallowed part of the page is an error in tests and in debug mode, and
    elsewhere is stripped down to its text."""
    text = escape(text)  # the block's output is escaped already (Markup): kept as it is
    if "<" not in text:
        return text
    if current_app.testing or current_app.debug:
        raise ValueError(f"Markup in a page title: {text[:80]!r}")
    return escape(text.striptags())


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, label, id) of the main navigation for the signed-in user."""
    if not current_user.is_authenticated:
        return []
    if current_user.can_manage_users:
        return [("users.index", _("Users"), "nav-users")]
    return [("account.overview", _("My account"), "nav-account")]


# Browsers ask for /favicon.ico on every site whatever the page links; a week in caches.
FAVICON_MAX_AGE = 7 * 24 * 60 * 60


def favicon():
    """The app's icon (static/favicon.ico) at the address every browser asks for."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )


def mailto(address: str) -> Markup:
    """An address a reader is asked to write to, as a link that opens their mail program."""
    return Markup('<a href="mailto:{0}">{0}</a>').format(address)


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=favicon)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["page_title"] = page_title
    app.jinja_env.filters["mailto"] = mailto
    app.jinja_env.globals.update(seat_summary=seat_summary, batch_summary=batch_summary)
    app.jinja_env.filters["number"] = format_decimal  # 20,000 in English, 20.000 in German
    app.jinja_env.filters["date"] = lambda d, fmt="long": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = (
        lambda d, fmt="medium": format_datetime(d, fmt) if d else ""
    )

    @app.context_processor
    def layout_context():
        return {
            "nav_items": nav_items(),
            "get_locale": get_locale,
            "current_path": request.path,
            "role_label": role_label,
            "user_type_label": user_type_label,
        }

