"""The language switch in every page's footer."""

from flask import Blueprint, current_app, redirect, request, session
from flask_login import current_user

from ...common.access import safe_next
from ...extensions import db

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def switch():
    form_lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next")) or "/"
    # CSRFProtect has checked the token already, as for every POST.
    if form_lang in current_app.config["LANGUAGES"]:
        session["lang"] = form_lang
        if current_user.is_authenticated:
            current_user.locale = form_lang
            db.session.commit()
    return redirect(target)
