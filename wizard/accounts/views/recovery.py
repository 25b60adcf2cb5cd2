"""Forgot your password? Asking for a link, and choosing a new password from it."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user

from ...common.access import keeps_input_on_csrf_error, safe_next
from ...common.forms import normalise_email
from ...common.ids import id_or_none
from ...common.security import start_session
from ...extensions import limiter
from ...models.types import utcnow
from ..auth import home_for
from ..forms import ForgotPasswordForm, NewPasswordForm
from ..invited import invitation_behind
from ..recovery import request_password_reset, reset_link_user
from ..recovery import reset_password as reset

bp = Blueprint("recovery", __name__)


def _address_key() -> str:
    return "password-reset:" + normalise_email(request.form.get("email"))[:254]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,  # only emails asked for count
)
@keeps_input_on_csrf_error
def forgot_password():
    """The same answer whether or not the address has an account: nobody learns which."""
    link = invitation_behind(safe_next(request.args.get("next")))
    form = ForgotPasswordForm(
        email=request.args.get("email", ""),
        invitation=str(link.invitation.id) if link else "",
    )
    if form.validate_on_submit():
        invitation_id = form.invitation.data
        request_password_reset(
            form.email.data,
            invitation_id=id_or_none(invitation_id),
            now=utcnow(),
        )
        flash(
            _(
                "If %(email)s has an account, we have just sent it an email with a link to "
                "choose a new password. The link works for %(minutes)d minutes. Nothing there? "
                "Look in the spam folder, or check the address and ask again.",
                email=normalise_email(form.email.data),
                minutes=current_app.config["PASSWORD_RESET_VALID_MINUTES"],
            ),
            "success",
        )
        return redirect(url_for(".forgot_password"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def reset_password(token: str):
    """GET shows the form and changes nothing (mail scanners open links); POST sets it."""
    person = reset_link_user(token, utcnow())
    if person is None:
        return render_template("accounts/reset_link_gone.html"), 410
    form = NewPasswordForm()
    form.account_email = person.email
    if form.validate_on_submit():
        done = reset(token, form.new_password.data, utcnow())
        if done is None:
            return render_template("accounts/reset_link_gone.html"), 410
        start_session()
        login_user(done.user)
        flash(
            _(
                "Your new password is set and you are signed in. Anywhere else you were "
                "signed in, you are now signed out."
            ),
            "success",
        )
        if done.invitation_token:
            return redirect(url_for("invite.show", token=done.invitation_token))
        return redirect(home_for(done.user))
    return render_template("accounts/reset_password.html", form=form, person=person)


@bp.after_request
def keep_the_link_private(response):
    # The reset token is in the address: never send it onwards, never keep the page.
    if request.endpoint == "recovery.reset_password":
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response
