"""A person's own account: their plan and subscription, or their business membership."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Subscription

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@login_required
def overview():
    subscription = db.session.execute(
        select(Subscription).where(Subscription.account_id == current_user.account_id)
    ).scalar_one_or_none()
    return render_template("account/overview.html", subscription=subscription)
