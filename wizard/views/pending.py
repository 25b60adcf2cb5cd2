"""The Pending tab of User Management (being built: see issue 6)."""

from flask import Blueprint, abort

bp = Blueprint("pending", __name__, url_prefix="/users/pending")


@bp.route("/")
def index():
    abort(404)
