"""The front door: signed-in people go to their page, everyone else to sign in."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ..auth import home_for

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.sign_in"))
