"""The development mailbox: what the app "sent" while no mail server was set up.

Only in demo mode and only to a client on this machine (loopback); a 404 otherwise. Debug
mode alone never opens it: the mailbox holds every live invitation link. Each email's HTML
is served from its own route with a sandboxing Content-Security-Policy and shown in a
sandboxed frame, so nothing in an email can run script in the app's pages.
"""

import re

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup, escape

from ..common.access import demo_mode_and_this_machine_only
from ..common.ids import as_number
from . import mailbox_entries, mailbox_message, waiting_count
from .mailer import sandboxed_html_response

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")
demo_mode_and_this_machine_only(bp)

PAGE_SIZE = 50
_URL = re.compile(r"https?://[^\s<>\"']+")


def linkified(text: str) -> Markup:
    """Plain text with its web addresses made clickable (and everything else escaped)."""

    def link(match: re.Match) -> str:
        url = match.group(0).rstrip(".,;:!?)")
        rest = match.group(0)[len(url) :]
        return f'<a href="{url}" target="_blank" rel="noreferrer">{url}</a>{rest}'

    # The text is escaped before the links go in, so only the links are markup.
    return Markup(_URL.sub(link, str(escape(text))))  # nosec B704


@bp.route("/")
def index():
    page = max(request.args.get("page", 1, type=as_number) or 1, 1)
    entries, total = mailbox_entries(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render_template(
        "delivery/mailbox/index.html",
        entries=entries,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        waiting=waiting_count(),
        in_process=bool(current_app.config.get("MAIL_DELIVER_IN_PROCESS")),
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.route("/<entry_id>")
def show(entry_id: str):
    message = mailbox_message(entry_id)
    if message is None:
        abort(404)
    return render_template(
        "delivery/mailbox/show.html", message=message, text=linkified(message.text)
    )


@bp.route("/<entry_id>/html")
def html(entry_id: str):
    message = mailbox_message(entry_id)
    if message is None or not message.html:
        abort(404)
    return sandboxed_html_response(message.html)
