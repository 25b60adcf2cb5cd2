"""The development mailbox (being built: see issue 4)."""

from flask import Blueprint, abort

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")


@bp.route("/")
def index():
    abort(404)
