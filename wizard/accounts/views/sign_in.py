"""Signing in and out."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ...common.access import keeps_input_on_csrf_error, safe_next
from ...common.forms import EmptyForm, normalise_email
from ...common.security import start_session
from ...extensions import db, limiter
from ...models import User
from .. import attempts
from ..attempts import network_of
from ..auth import home_for
from ..forms import SignInForm
from ..invited import invitation_behind
from ..passwords import password_matches

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    """Only attempts that did not sign anybody in count against the limits."""
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed
)
@keeps_input_on_csrf_error
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or home_for(current_user))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email, network = normalise_email(form.email.data)[:254], network_of(request.remote_addr)
        if attempts.refused(email, network):
            abort(429)
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        matches = password_matches(user.password_hash if user else None, form.password.data)
        if matches and user.deactivated_at is None:
            start_session()
            login_user(user)
            if session.get("lang") in current_app.config["LANGUAGES"]:
                user.locale = session["lang"]  # the choice made on the sign-in page sticks
                db.session.commit()
            return redirect(safe_next(form.next.data) or home_for(user))
        if matches:  # only someone who knows the password learns that they are turned off
            form.password.errors.append(
                _("Your business has deactivated your account, so you cannot sign in. "
                  "Ask its owner or your IT department.")
            )
        else:
            attempts.failed(email, network)
            # The same words whether the address is unknown or the password wrong.
            form.password.errors.append(
                _("The email address or password is not right. Check them and try again.")
            )
    invited = invitation_behind(safe_next(form.next.data))
    if invited is not None and not form.email.data:
        form.email.data = invited.invitation.email  # on the way to an invitation: its address
    return render_template("accounts/sign_in.html", form=form, invited=invited)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.session_version += 1  # kills copies of the old cookie too
        db.session.commit()
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("auth.sign_in"))
