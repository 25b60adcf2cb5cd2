"""User Management: the business's members, with the way in to the wizard."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..auth import manager_required
from ..extensions import db
from ..models import User
from ..scoping import scoped
from ..seats import seat_count

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/")
@manager_required
def index():
    members = db.session.execute(scoped(User).order_by(User.role, User.email)).scalars().all()
    return render_template(
        "users/index.html", members=members, seats=seat_count(current_user.account)
    )
