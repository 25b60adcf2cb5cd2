"""A person's own account: their plan, balance and other users, or their business membership;
how they hear about answers to their invitations; and changing their password."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from ...common.access import keeps_input_on_csrf_error, roles_required
from ...common.forms import EmptyForm
from ...common.security import start_session
from ...delivery.responses import set_response_notices
from ...extensions import db, limiter
from ...models import ResponseNotices, Role, Subscription, User
from ...models.types import utcnow
from .. import billing, other_users
from ..address import AddressProblem, address_link, confirm_address_change
from ..forms import ChangePasswordForm, ResponseNoticesForm
from ..passwords import hash_password, password_matches
from ..recovery import record_password_change

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@login_required
def overview():
    return _overview()


def _overview(notices_form: ResponseNoticesForm | None = None):
    subscription = db.session.execute(
        select(Subscription).where(Subscription.account_id == current_user.account_id)
    ).scalar_one_or_none()
    if notices_form is None and current_user.can_manage_users:
        notices_form = ResponseNoticesForm(response_notices=current_user.response_notices.value)
    owes = subscription is not None and subscription.outstanding_balance > 0
    has_add_ons = subscription is not None and subscription.add_ons > 0
    return render_template(
        "accounts/overview.html",
        subscription=subscription,
        others=[] if current_user.account.is_business else other_users.other_users_of(
            current_user.account_id
        ),
        pay_url=billing.balance_payment_url(subscription, url_for(".overview")) if owes else None,
        add_ons_url=(
            billing.add_ons_cancel_url(subscription, url_for(".overview")) if has_add_ons else None
        ),
        support=billing.support(),
        notices_form=notices_form,
        owner=_owner_to_ask(),
    )


def _owner_to_ask() -> User | None:
    """A business member's owner, named with a way to write to them; nobody for the others."""
    if not current_user.account.is_business or current_user.role != Role.MEMBER:
        return None
    return db.session.execute(
        select(User)
        .where(User.account_id == current_user.account_id, User.role == Role.OWNER)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def _password_key() -> str:
    return f"change-password:{current_user.get_id().partition(':')[0]}"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["PASSWORD_CHANGE_LIMIT"],
    key_func=_password_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # only failed attempts count
)
@keeps_input_on_csrf_error
def change_password():
    """A new password ends every other session (the session version moves on); this browser
    stays signed in with a fresh session, and the person gets an email saying so."""
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if not password_matches(user.password_hash, form.current_password.data):
            form.current_password.errors.append(
                _("That is not your current password. Type it again.")
            )
        else:
            user.password_hash = hash_password(form.new_password.data)
            record_password_change(user, "password_changed")
            db.session.commit()
            start_session()
            login_user(user)
            flash(
                _(
                    "Your password is changed. Anywhere else you were signed in, you are now "
                    "signed out."
                ),
                "success",
            )
            return redirect(url_for(".overview"))
    return render_template("accounts/password.html", form=form)


@bp.route("/users/<id:other_user_id>/remove", methods=["GET", "POST"])
@login_required
@keeps_input_on_csrf_error
def remove_other_user(other_user_id: int):
    """GET: who loses what, to confirm. POST: remove them (and they are told by email)."""
    form = EmptyForm()
    if form.validate_on_submit():
        removed = other_users.remove_other_user(current_user, other_user_id)
        if removed is None:
            abort(404)
        flash(_("%(name)s is removed from your account. We have told them by email.",
                name=removed.display_name), "success")
        return redirect(url_for(".overview", _anchor="other-users"))
    other = other_users.find_other_user(current_user.account_id, other_user_id)
    if other is None:
        abort(404)
    return render_template("accounts/remove_other_user.html", form=form, other=other)


@bp.route("/notifications", methods=["POST"])
@roles_required(Role.OWNER, Role.ADMIN)
@keeps_input_on_csrf_error
def notifications():
    form = ResponseNoticesForm()
    if not form.validate_on_submit():
        return _overview(notices_form=form), 400
    set_response_notices(current_user.id, ResponseNotices(form.response_notices.data))
    flash(_("Saved. You will hear about answers to your invitations as you chose."), "success")
    return redirect(url_for(".overview", _anchor="notifications"))


@bp.route("/address/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def confirm_address(token: str):
    """From the link sent to the new address. GET changes nothing (mail scanners); POST does."""
    pending = address_link(token, utcnow())
    if pending is None:
        return render_template("accounts/address_link_gone.html"), 410
    form = EmptyForm()
    if form.validate_on_submit():
        done = confirm_address_change(token, utcnow())
        if done is None:
            return render_template("accounts/address_link_gone.html"), 410
        if done == AddressProblem.TAKEN:
            flash(_("Another account took %(email)s in the meantime. Nothing has changed.",
                    email=pending.new_email), "error")
        else:
            flash(_("Your account's address is now %(email)s. Sign in with it from now on.",
                    email=done.email), "success")
        return redirect(url_for(".overview") if current_user.is_authenticated
                        else url_for("auth.sign_in"))
    return render_template("accounts/confirm_address.html", form=form, pending=pending)
