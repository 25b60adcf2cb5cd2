"""The quick guide, as a page and as a PDF (being built: see issue 7)."""

from flask import Blueprint, abort

bp = Blueprint("guide", __name__, url_prefix="/guide")


@bp.route("/")
def page():
    abort(404)


@bp.route("/quick-guide.pdf")
def pdf():
    abort(404)
