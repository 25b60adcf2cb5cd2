"""The development billing page: in demo mode it stands in for the platform's payment page
(BILLING_URL), like the development mailbox stands in for a mail server. A 404 otherwise.

It takes the same query parameters as BILLING_URL (see wizard/accounts/billing.py): the
balance to pay (`amount`, `currency`), the new number of licenses (`seats`) or the add-ons to
cancel (`cancel=add_ons`), for the signed-in
person's own account only, and `return_to`, a path of this app to go back to.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ...common.access import keeps_input_on_csrf_error, safe_next
from ...common.forms import EmptyForm
from ...common.ids import as_number
from ...common.layout import money, with_link
from ...models import Role
from .. import billing

bp = Blueprint("billing", __name__, url_prefix="/dev/billing")


@bp.before_request
def only_in_demo_mode():
    if not current_app.config.get("DEMO_MODE"):
        abort(404)


def _return_to() -> str:
    return safe_next(request.values.get("return_to")) or url_for("account.overview")


@bp.route("/", methods=["GET", "POST"])
@login_required
@keeps_input_on_csrf_error
def pay():
    """GET: what is to be paid. POST ("Pay"): paid, and back to where the person came from."""
    if request.values.get("account", type=as_number) != current_user.account_id:
        abort(404)  # someone else's account, or none: as if there were no such page
    if (seats := request.values.get("seats", type=as_number)) is not None:
        return _licenses(seats)
    if request.values.get("cancel") == "add_ons":
        return _add_ons()
    form = EmptyForm()
    subscription = billing.subscription_of(current_user.account_id)
    if subscription is None:
        abort(404)
    if form.validate_on_submit():
        paid = billing.pay_balance(current_user.account_id, current_user.id)
        if paid > 0:
            flash(_("Thank you: %(amount)s is paid. Your account has no outstanding balance.",
                    amount=money(paid, subscription.currency)), "success")
        return redirect(_return_to())
    return render_template("accounts/dev_billing.html", form=form, subscription=subscription,
                           seats=None, return_to=_return_to())


def _licenses(seats: int):
    if not current_user.account.is_business or current_user.role != Role.OWNER or seats < 0:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        change = billing.change_license_seats(current_user.account_id, current_user.id, seats)
        if change.allowed:
            flash(ngettext("Done: your business now has %(num)d license.",
                           "Done: your business now has %(num)d licenses.", seats), "success")
        else:
            flash(with_link(_("Nothing was changed: Licensed members use more licenses than "
                              "that. Take licenses back first."),
                            _("Go to the Users page"), url_for("users.index")), "error")
        return redirect(_return_to())
    return render_template("accounts/dev_billing.html", form=form, seats=seats,
                           change=billing.license_change(current_user.account, seats),
                           return_to=_return_to())


def _add_ons():
    subscription = billing.subscription_of(current_user.account_id)
    if subscription is None or current_user.account.is_business:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        cancelled = billing.cancel_add_ons(current_user.account_id, current_user.id)
        if cancelled:
            flash(ngettext("Done: %(num)d add-on is cancelled. Your plan has no add-ons now.",
                           "Done: %(num)d add-ons are cancelled. Your plan has no add-ons now.",
                           cancelled), "success")
        return redirect(_return_to())
    return render_template("accounts/dev_billing.html", form=form, subscription=subscription,
                           seats=None, add_ons=True, return_to=_return_to())
