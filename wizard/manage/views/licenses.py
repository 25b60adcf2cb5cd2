"""The licenses page: seats purchased, in use, held by pending Licensed invitations, and free;
the owner changes the number through the platform's payment page (admins may look).

Nothing changes here: the page says what a new number would do, and the payment page (or the
development billing page in demo mode) makes the change.
"""

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from ...accounts.billing import license_change, payment_url, support
from ...common.access import manager_required, safe_next
from ...models import Role
from ..forms import LicenseSeatsForm
from ..roles import owner_of
from ..seats import seat_count

bp = Blueprint("licenses", __name__, url_prefix="/users/licenses")


@bp.route("/")
@manager_required
def index():
    """The seats now and, for the owner, the new number to ask about (a GET form)."""
    form = LicenseSeatsForm(formdata=request.args if "seats" in request.args else None)
    seats = seat_count(current_user.account)
    is_owner = current_user.role == Role.OWNER
    # The page that sent the owner here to buy licenses (a refused resend, the wizard's
    # licenses step), kept through the number and the payment, and where paying leads back to.
    back = safe_next(request.args.get("return_to"))
    if is_owner and "seats" in request.args and form.validate():
        change = license_change(current_user.account, form.seats.data)
        pay = payment_url(
            current_user.account_id, seats=form.seats.data, return_to=back or url_for(".index")
        )
        return render_template(
            "manage/licenses/change.html",
            change=change, pay_url=pay, support=support(), back=back,
        )
    if form.seats.data is None and not form.errors:
        form.seats.data = seats.purchased
    status = 400 if form.errors else 200
    # An admin is told whom to ask for more licenses, by name and address.
    owner = None if is_owner else owner_of(current_user.account_id)
    return render_template(
        "manage/licenses/index.html",
        form=form, seats=seats, is_owner=is_owner, owner=owner, back=back,
    ), status
