"""The invitee's side: the emailed link (being built: see issue 5)."""

from flask import Blueprint, abort

bp = Blueprint("invite", __name__, url_prefix="/invitation")


@bp.route("/<token>")
def show(token: str):
    abort(404)
