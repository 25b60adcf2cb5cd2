"""The owner's wizard for inviting existing Pro users into the business account."""

from flask import Blueprint, render_template

from ..auth import manager_required

bp = Blueprint("wizard", __name__, url_prefix="/users/add")


@bp.route("/")
@manager_required
def start():
    return render_template("wizard/start.html")
