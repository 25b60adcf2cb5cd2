"""Signing in and out, loading the signed-in user, and guarding pages by role."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import HiddenField

from ..common.forms import (
    EmptyForm,
    StripWhitespaceForm,
    email_field,
    normalise_email,
    password_field,
)
from ..common.security import start_session
from ..extensions import db, limiter, login_manager
from ..models import Role, User
from .passwords import password_matches

bp = Blueprint("auth", __name__)


class SignInForm(StripWhitespaceForm):
    email = email_field()
    password = password_field()
    next = HiddenField()


def keeps_input_on_csrf_error(view: Callable) -> Callable:
    """Mark a view whose POST goes through form validation, so a missing or stale CSRF token
    is shown as a message on the form, with everything typed kept (see errors.py)."""
    view.keeps_input_on_csrf_error = True  # type: ignore[attr-defined]
    return view


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; anything with a scheme, host or odd slashes is dropped."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_for(user: User) -> str:
    """Where a person lands after signing in."""
    if user.can_manage_users:
        return url_for("users.index")
    return url_for("account.overview")


def _address_key() -> str:
    return "sign-in:" + normalise_email(request.form.get("email"))[:254]


def _failed(response) -> bool:
    """Only attempts that did not sign anybody in count against the limits."""
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_failed,
)
@keeps_input_on_csrf_error
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or home_for(current_user))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.execute(
            select(User).where(User.email == normalise_email(form.email.data))
        ).scalar_one_or_none()
        if password_matches(user.password_hash if user else None, form.password.data):
            start_session()
            login_user(user)
            if session.get("lang") in current_app.config["LANGUAGES"]:
                user.locale = session["lang"]  # the choice made on the sign-in page sticks
                db.session.commit()
            return redirect(safe_next(form.next.data) or home_for(user))
        # The same words whether the address is unknown or the password wrong.
        form.password.errors.append(
            _("The email address or password is not right. Check them and try again.")
        )
    return render_template("accounts/sign_in.html", form=form)


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


def roles_required(*roles: Role) -> Callable:
    """Only owners/admins of a business account; everyone else gets a page saying why."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.account.is_business:
                return render_template("errors/not_business.html"), 403
            if current_user.role not in roles:
                return render_template("errors/not_allowed.html"), 403
            return view(*args, **kwargs)

        return wrapped

    return decorator


manager_required = roles_required(Role.OWNER, Role.ADMIN)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

