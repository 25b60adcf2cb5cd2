"""The single sign-on page for owners and admins: one identity provider per business."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ...common.access import manager_required
from ..providers import provider_of
from .blueprint import bp


@bp.route("/users/single-sign-on")
@manager_required
def settings():
    provider = provider_of(current_user.account_id)
    return render_template("sso/settings.html", provider=provider)
