"""User Management: the business's members, their licenses, and the way in to the wizard."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, manager_required, safe_next
from ...common.ids import as_number
from ...common.layout import with_link
from ...scim.linking import provisioned_by_scim
from ...sso.members import joined_via_sso
from ..actions import NotFound
from ..forms import LicenseForm, MemberSearchForm
from ..licenses import (
    LicenseChange,
    assign_license,
    find_member,
    members_page,
    owners_own,
    remove_license,
)
from ..seats import seat_count

bp = Blueprint("users", __name__, url_prefix="/users")


def member_text() -> dict:
    """The words every row of the members table repeats, translated once per page rather
    than once per row; the placeholders are filled in by the template (`|format`)."""
    return {
        "roles": {"owner": _("Owner"), "admin": _("Admin"), "member": _("Member")},
        "user_types": {"basic": _("Basic"), "licensed": _("Licensed")},
        "take_back": _("Take back license"),
        "take_back_from": _("from %(name)s"),
        "give": _("Give a license"),
        "give_to": _("to %(name)s"),
        "none": _("No free license"),
        "deactivated": _("Deactivated: no license"),
        "owners_own": _("Only the owner changes this"),
        # A person an identity provider pushed without a name (SCIM allows it).
        "no_name": _("No name given"),
        "make_admin": _("Make admin"),
        "make_member": _("Make member"),
        "remove": _("Remove"),
    }


@bp.context_processor
def users_helpers():
    return {"number": format_decimal, "member_text": member_text, "owners_own": owners_own}


def users_url(back: str | None) -> str:
    """Where to return after a license change: the Users page as it was (search, page)."""
    target = safe_next(back)
    home = url_for("users.index")
    return target if target and target.startswith(home) and "/license" not in target else home


@bp.route("/")
@manager_required
def index():
    filters = MemberSearchForm(formdata=request.args)
    search = filters.q.data if filters.validate() else ""
    page = request.args.get("page", type=as_number)
    listing = members_page(current_user.account, search or "", page)
    return render_template(
        "manage/users/index.html",
        listing=listing,
        filters=filters,
        license_form=LicenseForm(back=request.full_path),
        args={"q": search} if search else {},
        via_sso=joined_via_sso(member.id for member in listing.page.items),
        via_scim=provisioned_by_scim(
            current_user.account_id, (member.id for member in listing.page.items)
        ),
    )


@bp.route("/<id:user_id>/license", methods=["POST"])
@manager_required
def give_license(user_id: int):
    form = LicenseForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
        return redirect(users_url(form.back.data))
    try:
        change = assign_license(current_user.account_id, current_user.id, user_id)
    except NotFound:
        abort(404)
    _flash_change(change)
    return redirect(users_url(form.back.data))


@bp.route("/<id:user_id>/license/remove", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
def take_back_license(user_id: int):
    """GET: what the person loses, to confirm. POST: take the license back."""
    form = LicenseForm()
    if request.method == "GET":
        form.back.data = users_url(request.args.get("back"))
    back = users_url(form.back.data)
    try:
        if form.validate_on_submit():
            _flash_change(remove_license(current_user.account_id, current_user.id, user_id))
            return redirect(back)
        member = find_member(current_user.account_id, user_id)
    except NotFound:
        abort(404)
    if owners_own(current_user, member):
        _flash_change(LicenseChange(member, False, "owners_own"))
        return redirect(back)
    if member.user_type != "licensed":
        flash(_("%(name)s has no license to take back.", name=member.display_name), "info")
        return redirect(back)
    return render_template(
        "manage/users/remove_license.html",
        form=form,
        member=member,
        seats=seat_count(current_user.account),
        back=back,
    )


def _flash_change(change: LicenseChange) -> None:
    name = change.member.display_name
    if change.changed and change.member.user_type == "licensed":
        flash(_("%(name)s now has a license.", name=name), "success")
    elif change.changed:
        flash(
            _("%(name)s is now a Basic user. Their license is free for someone else.", name=name),
            "success",
        )
    elif change.reason == "no_free_seats":
        flash(
            with_link(
                _(
                    "There is no free license for %(name)s. Take a license back from someone "
                    "else, or buy more licenses.",
                    name=name,
                ),
                _("Licenses"),
                url_for("licenses.index"),
            ),
            "error",
        )
    elif change.reason == "deactivated":
        flash(
            _(
                "%(name)s is deactivated by your identity provider, so they cannot have a "
                "license. Turn them on again there first; nothing was changed.",
                name=name,
            ),
            "error",
        )
    elif change.reason == "owners_own":
        flash(
            _(
                "Only %(name)s can change the owner's license. If it should change, ask "
                "them; nothing was changed.",
                name=name,
            ),
            "error",
        )
    elif change.reason == "already_licensed":
        flash(_("%(name)s already has a license.", name=name), "info")
    else:
        flash(_("%(name)s has no license to take back.", name=name), "info")
