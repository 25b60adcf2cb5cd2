"""The quick guide, as a page and as a PDF: public, personalised for owners and admins."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..models import Account
from .quick_guide import INVITEES, WHOLE, attachment_disposition, page_context, quick_guide_pdf

bp = Blueprint("guide", __name__, url_prefix="/guide")


def _managed_account() -> Account | None:
    """The business account the reader manages, if any: only its owner or admins see it."""
    if current_user.is_authenticated and current_user.can_manage_users:
        return current_user.account
    return None


@bp.route("/")
def page():
    return render_template("guide/page.html", **page_context(_managed_account()))


@bp.route("/invitees")
def invitees():
    """The short guide for people who are invited: public, the same for everyone."""
    return render_template("guide/invitees.html", **page_context(None))


@bp.route("/quick-guide.pdf")
def pdf():
    return _pdf_response(WHOLE)


@bp.route("/invitees.pdf")
def invitees_pdf():
    return _pdf_response(INVITEES)


def _pdf_response(part: str):
    guide = quick_guide_pdf(str(get_locale()), _managed_account(), part)
    response = current_app.response_class(guide.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment_disposition(guide.filename)
    response.set_etag(guide.etag)
    # Always revalidate (a 304 costs nothing); a personalised copy stays in the browser.
    response.cache_control.no_cache = True
    if guide.personalised:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)
