"""The quick guide, as a page and as a PDF: public, personalised for owners and admins."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..models import Account
from .paper import PAPER_NAMES, other_paper, paper_for
from .quick_guide import INVITEES, WHOLE, attachment_disposition, page_context, quick_guide_pdf

bp = Blueprint("guide", __name__, url_prefix="/guide")


def _managed_account() -> Account | None:
    """The business account the reader manages, if any: only its owner or admins see it."""
    if current_user.is_authenticated and current_user.can_manage_users:
        return current_user.account
    return None


def _paper() -> str:
    """?paper=a4|letter as chosen on the guide page, else by the browser's region."""
    return paper_for(request.args.get("paper"), request.accept_languages.values())


def _paper_choice() -> dict:
    """What the guide pages offer: the download on the reader's paper, and the other one."""
    paper = _paper()
    return {"paper": paper, "other_paper": other_paper(paper), "paper_names": PAPER_NAMES}


@bp.route("/")
def page():
    return render_template(
        "guide/page.html", **page_context(_managed_account()), **_paper_choice()
    )


@bp.route("/invitees")
def invitees():
    """The short guide for people who are invited: public, the same for everyone."""
    return render_template("guide/invitees.html", **page_context(None), **_paper_choice())


@bp.route("/quick-guide.pdf")
def pdf():
    return _pdf_response(WHOLE)


@bp.route("/invitees.pdf")
def invitees_pdf():
    return _pdf_response(INVITEES)


def _pdf_response(part: str):
    guide = quick_guide_pdf(str(get_locale()), _managed_account(), part, _paper())
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
