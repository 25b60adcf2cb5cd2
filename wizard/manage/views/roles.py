"""Roles and ownership on the Users page: admin or member, handing the business over,
answering a handover, and removing someone from the business."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, manager_required, roles_required
from ...common.forms import EmptyForm
from ...common.ids import as_number
from ...common.layout import with_link
from ...models import Role
from .. import roles as svc
from ..actions import NotFound
from ..forms import HandOverAnswerForm, HandOverForm, RoleForm

bp = Blueprint("roles", __name__, url_prefix="/users")

owner_required = roles_required(Role.OWNER)


def _refusal_message(change: svc.Change) -> str:
    name = change.member.display_name
    return {
        svc.Refusal.NOT_OWNER: _("Only the owner of %(business)s can do that.",
                                 business=current_user.account.name),
        svc.Refusal.IS_OWNER: _owner_first(_("%(name)s is the owner. The owner cannot be "
                                             "changed or removed: they hand ownership to an "
                                             "admin first.", name=name)),
        svc.Refusal.NOT_ADMIN: with_link(
            _("%(name)s is not an admin. Make them an admin first, then hand ownership to "
              "them.", name=name),
            _("Make %(name)s an admin", name=name),
            url_for("roles.change_role", user_id=change.member.id, to="admin"),
        ),
        svc.Refusal.YOURSELF: _("You cannot remove yourself."),
        svc.Refusal.NO_OFFER: _("There is no handover waiting for you: the owner took it back, "
                                "or it was answered already."),
        svc.Refusal.UNCHANGED: _("Nothing changed: %(name)s already has that role.", name=name),
    }[change.refusal]


def _owner_first(message: str) -> str:
    """The owner is linked to the handover; anyone else is told who does it."""
    if current_user.role != Role.OWNER:
        return message
    return with_link(message, _("Hand over ownership"), url_for("roles.ownership"))


def _member_or_404(user_id: int):
    try:
        return svc.find_person(current_user.account_id, user_id)
    except NotFound:
        abort(404)


@bp.route("/<id:user_id>/role", methods=["GET", "POST"])
@owner_required
@keeps_input_on_csrf_error
def change_role(user_id: int):
    """GET (?to=admin or member): what the new role means, to confirm. POST: change it."""
    member = _member_or_404(user_id)
    form = RoleForm(role=request.args.get("to"))
    role = form.role.data if form.role.data in ("admin", "member") else None
    if role is None:
        return redirect(url_for("users.index"))
    if form.validate_on_submit():
        change = svc.change_role(current_user.account_id, current_user.id, user_id, Role(role))
        if change.done and role == "admin":
            flash(_("%(name)s is now an admin.", name=member.display_name), "success")
        elif change.done:
            flash(_("%(name)s is now a member.", name=member.display_name), "success")
        else:
            flash(_refusal_message(change), "error")
        return redirect(url_for("users.index"))
    return render_template("manage/roles/change_role.html", form=form, member=member, role=role)


@bp.route("/<id:user_id>/remove", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
def remove(user_id: int):
    """GET: what removing means for the person and their data. POST: remove them."""
    member = _member_or_404(user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        change = svc.remove_from_business(current_user.account_id, current_user.id, user_id)
        if change.done:
            flash(_("%(name)s is no longer in %(business)s. We have told them by email.",
                    name=member.display_name, business=current_user.account.name), "success")
        else:
            flash(_refusal_message(change), "error")
        return redirect(url_for("users.index"))
    return render_template("manage/roles/remove.html", form=form, member=member)


@bp.route("/ownership", methods=["GET", "POST"])
@owner_required
@keeps_input_on_csrf_error
def ownership():
    """The owner chooses an admin to hand the business over to (they must accept)."""
    account_id = current_user.account_id
    admins = svc.admins_of(account_id)
    form = HandOverForm(admin=request.args.get("admin", type=as_number))
    form.admin.choices = [(a.id, f"{a.display_name} ({a.email})") for a in admins]
    if form.validate_on_submit():
        change = svc.offer_ownership(account_id, current_user.id, form.admin.data)
        if change.done:
            flash(_("We have asked %(name)s to accept. You stay the owner until they do.",
                    name=change.member.display_name), "success")
        else:
            flash(_refusal_message(change), "error")
        return redirect(url_for(".ownership"))
    return render_template("manage/roles/ownership.html", form=form, admins=admins,
                           offered=svc.offered_to(account_id), withdraw_form=EmptyForm())


@bp.route("/ownership/withdraw", methods=["POST"])
@owner_required
def withdraw():
    if EmptyForm().validate_on_submit():
        change = svc.withdraw_offer(current_user.account_id, current_user.id)
        if change is not None:
            flash(_("You took the handover back. %(name)s can no longer accept it.",
                    name=change.member.display_name), "success")
    return redirect(url_for(".ownership"))


@bp.route("/ownership/answer", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
def answer():
    """The admin the business is offered to accepts or refuses it."""
    form = HandOverAnswerForm()
    if form.validate_on_submit() and form.answer.data in ("accept", "refuse"):
        accept = form.answer.data == "accept"
        change = svc.answer_offer(current_user.account_id, current_user.id, accept=accept)
        if not change.done:
            flash(_refusal_message(change), "error")
        elif accept:
            flash(_("You are now the owner of %(business)s.",
                    business=current_user.account.name), "success")
        else:
            flash(_("You said no. You stay an admin, and the owner has been told."), "success")
        return redirect(url_for("users.index"))
    if current_user.ownership_offered_at is None or current_user.role != Role.ADMIN:
        flash(_refusal_message(svc.Change(current_user, svc.Refusal.NO_OFFER)), "info")
        return redirect(url_for("users.index"))
    owner = svc.owner_of(current_user.account_id)
    return render_template("manage/roles/answer.html", form=form, owner=owner)
