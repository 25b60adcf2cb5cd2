"""The quick guide: one Jinja source, shown as a page and rendered to a tagged PDF.

The PDF is rendered by WeasyPrint from `templates/guide/pdf.html`, which includes the same
content partials as the page. Renders are cached per app, keyed by what changes the text:
the language and, for an owner or admin, the business name, the seats and the date. The
ETag is a hash of the HTML WeasyPrint is given, so it is the same on every instance and
changes by itself when a template, a stylesheet, a translation or the configuration does.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from ..invite.drafts import STEPS
from ..manage.seats import seat_count
from ..models import Account
from ..models.types import utcnow
from ..sso.members import sso_link
from .paper import A4, CSS_PAGE_SIZE, LETTER

# Most recent renders kept per app; each PDF is about 40 KB.
CACHE_SIZE = 64

# Where the wizard's links in the guide point (endpoint names other areas own).
LINK_ENDPOINTS = {
    "guide_page": "guide.page",
    "guide_pdf": "guide.pdf",
    "invitee_page": "guide.invitees",
    "invitee_pdf": "guide.invitees_pdf",
    "wizard_start": "wizard.start",
    "users": "users.index",
    "pending": "pending.index",
}


@dataclass(frozen=True)
class Personalisation:
    """What the guide says about one business: the inputs of a personalised copy."""

    business_name: str
    seats_purchased: int
    seats_free: int
    prepared_on: date
    sso_url: str = ""  # the business's single sign-on link, while it is on

    @property
    def seats_taken(self) -> int:
        return max(self.seats_purchased - self.seats_free, 0)


@dataclass(frozen=True)
class GuidePdf:
    """A rendered quick guide, ready to send."""

    data: bytes
    etag: str
    filename: str
    personalised: bool


def personalisation_for(
    account: Account | None, today: date | None = None
) -> Personalisation | None:
    """What a copy for `account` says (the caller checks the reader manages it); None: generic."""
    if account is None or not account.is_business:
        return None
    seats = seat_count(account)
    return Personalisation(
        business_name=account.name,
        seats_purchased=seats.purchased,
        seats_free=seats.free,
        prepared_on=today or utcnow().date(),
        sso_url=sso_link(account.id),
    )


# The wizard's steps by their name in the guide (the guide also has start and sent).
GUIDE_KEY_OF_STEP = {"people": "who", "heads_up": "contact", "licenses": "impact", "check": "check"}


def step_numbers() -> dict[str, int]:
    """The guide's key of each step the wizard declares, with its number there ("Step 1 of
    4"): derived from the declared steps, so the guide can never count differently."""
    return {GUIDE_KEY_OF_STEP[step.name]: n for n, step in enumerate(STEPS, start=1)}


def guide_steps() -> list[tuple[str, str, str]]:
    """(key, name, what happens) of each step, as the guide tells it. The wizard's help area
    shows the same words, so the guide and the wizard never disagree."""
    return [
        ("start", _("Start"), _("The wizard checks that you may invite people and explains what will happen. Nothing is sent yet.")),  # noqa: E501
        ("who", _("Who to invite"), _("Type or paste addresses, one per line or separated by commas or semicolons, or upload a CSV file. Choose Basic or Licensed for everyone or per person. Each problem is shown with its line number.")),  # noqa: E501
        ("contact", _("Tell them first"), _("Send the prepared heads-up message from the app, or copy it to send yourself and mark people as contacted. You can skip this step, but you will be asked to confirm.")),  # noqa: E501
        ("impact", _("Licenses"), _("See what changes for each person, and your licenses before and after this batch. Licensed invitations beyond your free licenses are held back until you make some people Basic or buy licenses.")),  # noqa: E501
        ("check", _("Check and send"), _("Every answer with a Change link, and the invitation email exactly as they will see it. Press Send once: pressing it again never sends twice.")),  # noqa: E501
        ("sent", _("Sent"), _("How many invitations went out and what happens next. Follow each one on the Pending tab, where you can also resend or revoke.")),  # noqa: E501
    ]


def guide_context(personalisation: Personalisation | None, *, medium: str) -> dict[str, Any]:
    """The template variables of the guide, for the page (`medium="page"`) or the PDF."""
    config = current_app.config
    if medium == "pdf":
        base = config["BASE_URL"].rstrip("/")
        adapter = current_app.url_map.bind("localhost")
        links = {name: base + adapter.build(ep) for name, ep in LINK_ENDPOINTS.items()}
    else:
        links = {name: url_for(ep) for name, ep in LINK_ENDPOINTS.items()}
    return {
        "medium": medium,
        "guide_steps": guide_steps,
        "step_numbers": step_numbers(),
        "me": personalisation,
        "links": links,
        "valid_days": config["INVITATION_VALID_DAYS"],
        "batch_limit": format_decimal(config["MAX_BATCH_SIZE"]),
        "support_url": config.get("SUPPORT_URL"),
        "seat_bar_widths": _seat_bar(personalisation) if personalisation else None,
        "seat_figures": (
            {
                "purchased": format_decimal(personalisation.seats_purchased),
                "free": format_decimal(personalisation.seats_free),
            }
            if personalisation
            else None
        ),
    }


def page_context(account: Account | None) -> dict[str, Any]:
    """The guide page's template variables: personalised for `account`, else generic."""
    return guide_context(personalisation_for(account), medium="page")


# The parts of the guide a PDF can hold: the whole guide (the invitees' part is its last
# page), or the invitees' part alone.
WHOLE, INVITEES = "whole", "invitees"


def render_guide_pdf(
    locale: str, personalisation: Personalisation | None, part: str = WHOLE, paper: str = A4
) -> bytes:
    """The guide as a tagged PDF/UA-1 document in `locale` on `paper` (not cached)."""
    html = _guide_html(locale, personalisation, part, paper)
    return _pdf_from_html(html)


def quick_guide_pdf(
    locale: str, account: Account | None = None, part: str = WHOLE, paper: str = A4
) -> GuidePdf:
    """The quick guide for a reader: personalised for `account` (owner/admin), else generic,
    laid out for `paper` (A4 or LETTER). `part=INVITEES`: the short guide for invitees alone
    (never personalised)."""
    personalisation = personalisation_for(account) if part == WHOLE else None
    cache = _cache(current_app)
    key = (locale, personalisation, part, paper)
    if (cached := cache.get(key)) is not None:
        return cached
    html = _guide_html(locale, personalisation, part, paper)
    with force_locale(locale):
        filename = guide_filename(personalisation) if part == WHOLE else invitee_filename()
    if paper == LETTER:  # both copies side by side in Downloads say which is which
        filename = filename.removesuffix(".pdf") + "-us-letter.pdf"
    guide = GuidePdf(
        data=_pdf_from_html(html),
        etag=_etag_for(html),
        filename=filename,
        personalised=personalisation is not None,
    )
    cache.put(key, guide)
    return guide


def guide_filename(personalisation: Personalisation | None) -> str:
    """A file name that says what it is: adding-pro-users-to-acme-corp.pdf."""
    if personalisation is None:
        title = _("Adding Pro users to your business account")
    else:
        title = _("Adding Pro users to %(business)s", business=personalisation.business_name)
    return f"{slugify(title) or 'quick-guide'}.pdf"


def invitee_filename() -> str:
    """The invitees' guide as a file: joining-a-business-account.pdf."""
    return slugify(_("Joining a business account")) + ".pdf"


def attachment_disposition(filename: str) -> str:
    """A Content-Disposition header: a quoted ASCII name, plus filename* when it is not ASCII."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]", "-", ascii_name.removesuffix(".pdf")))
    ascii_name = f"{stem.strip('-') or 'quick-guide'}.pdf"
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens; letters of any script are kept (Müller stays)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:120].strip("-")


def css_content(sentence: str, **counters: str) -> str:
    """A translated sentence with %(name)s placeholders as a CSS `content` value, each
    placeholder becoming a CSS counter: ("Page %(page)s of %(pages)s", page="page", ...)."""
    parts = re.split(r"%\((\w+)\)s", sentence)
    values = []
    for index, part in enumerate(parts):
        if index % 2:
            values.append(f"counter({counters[part]})")
        elif part:
            values.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(values) or '""'


# --- Rendering -------------------------------------------------------------------------

def _guide_html(
    locale: str, personalisation: Personalisation | None, part: str = WHOLE, paper: str = A4
) -> str:
    with force_locale(locale):
        context = guide_context(personalisation, medium="pdf")
        context["locale"] = locale
        context["part"] = part
        context["page_size"] = CSS_PAGE_SIZE[paper]
        context["page_counter"] = css_content(
            _("Page %(page)s of %(pages)s", page="%(page)s", pages="%(pages)s"),
            page="page",
            pages="pages",
        )
        stylesheet = Path(current_app.static_folder or "static") / "css" / "guide-pdf.css"
        context["stylesheet"] = stylesheet.read_text(encoding="utf-8")
        # Straight from the Jinja environment, without the page layout's context processors:
        # the PDF needs no request, so a worker can attach it to an email.
        return current_app.jinja_env.get_template("guide/pdf.html").render(**context)


def _pdf_from_html(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which no other page needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The guide needs nothing from outside: its stylesheet is inline, its pictures are SVG.
    nothing = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=nothing).write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=hashlib.md5(html.encode(), usedforsecurity=False).digest(),
    )


def _etag_for(html: str) -> str:
    # The same on every instance: the HTML and the renderer's version decide the bytes.
    from weasyprint import __version__ as weasyprint_version

    return hashlib.sha256(f"{weasyprint_version}\n{html}".encode()).hexdigest()[:32]


def _seat_bar(me: Personalisation) -> dict[str, float]:
    """Widths (out of 300) of the taken and free parts of the seats picture."""
    if me.seats_purchased <= 0:
        return {"taken": 0.0, "free": 0.0}
    taken = round(300 * me.seats_taken / me.seats_purchased, 1)
    return {"taken": taken, "free": round(300 - taken, 1)}


class _RenderCache:
    """A small thread-safe LRU of rendered guides."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, GuidePdf] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple) -> GuidePdf | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, item: GuidePdf) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _cache(app: Flask) -> _RenderCache:
    # Per app, not per module: two apps (tests, or another BASE_URL) never share renders.
    return app.extensions.setdefault("guide_cache", _RenderCache(CACHE_SIZE))
