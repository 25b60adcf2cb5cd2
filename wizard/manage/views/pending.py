"""The Pending tab of User Management: every invitation, its delivery, resend and revoke."""

import collections

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, manager_required, safe_next
from ...common.ids import as_number, id_or_none
from ...delivery.explain import explain
from ...invite.quota import QuotaExceeded, invitation_quota
from ...models import Role
from ...models.types import utcnow
from ..actions import ActionOutcome, ConcurrentChange, NotFound, parse_ids, refusal_message
from ..audit_trail import action_label, describe, refund_method_label
from ..csv_export import csv_response
from ..forms import ConfirmForm, PendingFilterForm, RemindersForm, RevokeForm
from ..history import invitation_history
from ..keyset import Cursor
from ..pending_list import export_rows, pending_list
from ..resend import SeatsExceeded, plan_resend, resend_invitations, set_reminders
from ..revoke import plan_revoke, revoke_invitations
from .pending_labels import (
    DELIVERY_CSS,
    STATUS_CSS,
    _lookup,
    blocker_labels,
    day_formatter,
    delivery_labels,
    email_kind_label,
    row_text,
    status_labels,
)

bp = Blueprint("pending", __name__, url_prefix="/users/pending")

# Seconds between refreshes of the page while emails are going out.
REFRESH_SECONDS = 15
# Refusals listed one by one after an action; the rest are counted.
REFUSALS_SHOWN = 5


@bp.context_processor
def pending_helpers():
    return {
        "status_label": _lookup(status_labels()),
        "delivery_label": _lookup(delivery_labels()),
        "email_kind_label": email_kind_label,
        "action_label": action_label,
        "describe": describe,
        "refund_method_label": refund_method_label,
        "refusal_message": refusal_message,
        "number": format_decimal,
        "row_text": row_text,
        "blocker_label": _lookup(blocker_labels()),
        "day": day_formatter(),
        "STATUS_CSS": collections.defaultdict(str, STATUS_CSS),
        "DELIVERY_CSS": collections.defaultdict(str, DELIVERY_CSS),
    }


def list_url(back: str | None) -> str:
    """Where to return after an action: the Pending list as it was (filters, page)."""
    target = safe_next(back)
    home = url_for("pending.index")
    return target if target and target.startswith(home) else home


def current_filter_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("q", "status", "delivery", "sort")}


def refreshes(sending: bool) -> bool:
    """Whether the page reloads itself: while emails go out, on the page as it first opens
    (after Send), or when asked to. Not while someone searches or filters, whose typing and
    ticked boxes a reload would throw away, unless they ask for it."""
    if not sending:
        return False
    live = request.args.get("live")
    if live:
        return live == "on"
    return not current_filter_args() and request.args.get("page", type=as_number, default=1) == 1


def cursor_from(args) -> Cursor | None:
    """The Next link's `after=` or the Previous link's `before=`; anything else is no cursor."""
    if after := id_or_none(args.get("after")):
        return Cursor(after, forward=True)
    if before := id_or_none(args.get("before")):
        return Cursor(before, forward=False)
    return None


@bp.route("/")
@manager_required
def index():
    form = PendingFilterForm(formdata=request.args)
    listing = pending_list(
        current_user.account_id,
        form.to_filter(request.args.get("page", type=as_number), cursor_from(request.args)),
    )
    live = refreshes(bool(listing.sending.waiting))
    response = make_response(
        render_template(
            "manage/pending/index.html",
            filters=form,
            listing=listing,
            live=live,
            refresh_seconds=REFRESH_SECONDS,
            reminders_form=RemindersForm(back=request.full_path),
            reminder_days=current_app.config.get("REMINDER_DAYS_BEFORE_EXPIRY", 7),
            args=current_filter_args(),
        )
    )
    if live:
        # The same as <meta http-equiv="refresh"> to every browser, without JavaScript. The
        # page says so and has a Stop updating link before the list (WCAG 2.2.1, 2.2.2).
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.route("/export.csv")
@manager_required
def export():
    form = PendingFilterForm(formdata=request.args)
    rows = export_rows(current_user.account_id, form.to_filter(None))
    header = [
        _("Email address"),
        _("Name"),
        _("Status"),
        _("Email delivery"),
        _("Delivery problem"),
        _("Told in advance"),
        _("User type"),
        _("Invited"),
        _("Sent"),
        _("Expires"),
        _("Answered"),
        _("Invited by"),
        _("Invited by (email address)"),
    ]
    status_label, delivery_label = _lookup(status_labels()), _lookup(delivery_labels())
    user_types = {"basic": _("Basic"), "licensed": _("Licensed")}
    cells = (
        [
            r.email,
            r.name,
            status_label(r.status),
            delivery_label(r.delivery) if r.delivery else "",
            explain(r.delivery_error),
            r.contacted_at,
            user_types.get(r.user_type, r.user_type),
            r.created_at,
            r.sent_at,
            r.expires_at,
            r.responded_at,
            r.inviter_name,
            r.inviter_email,
        ]
        for r in rows
    )
    filename = f"pending-invitations-{utcnow():%Y-%m-%d}.csv"
    return csv_response(filename, header, cells)


@bp.route("/<id:invitation_id>")
@manager_required
def history(invitation_id: int):
    try:
        record = invitation_history(current_user.account_id, invitation_id)
    except NotFound:
        abort(404)
    return render_template(
        "manage/pending/history.html", record=record, back=list_url(request.args.get("back"))
    )


ACTIONS = {
    "resend": (plan_resend, resend_invitations),
    "revoke": (plan_revoke, revoke_invitations),
}


@bp.route("/resend", methods=["GET", "POST"], endpoint="resend")
@bp.route("/revoke", methods=["GET", "POST"], endpoint="revoke")
@manager_required
@keeps_input_on_csrf_error
def confirm_action():
    """GET: what the action would do, to confirm. POST: do it, then back to the list."""
    action = request.endpoint.rpartition(".")[2]
    plan, act = ACTIONS[action]
    form = RevokeForm() if action == "revoke" else ConfirmForm()
    if request.method == "GET":
        ids = parse_ids(request.args.getlist("ids"))
        form.ids.data = ",".join(str(i) for i in ids)
        form.back.data = list_url(request.args.get("back"))
    else:
        ids = parse_ids(form.ids.data)
    back = list_url(form.back.data)
    if not ids:
        flash(_("Select at least one invitation first, then choose what to do."), "warning")
        return redirect(back)
    if action == "resend":
        options = {"as_basic": form.as_basic.data == "yes"}
    else:
        options = form.options()
    status = 200
    try:
        if form.validate_on_submit():
            try:
                outcome = act(current_user.account_id, current_user.id, ids, **options)
                _flash_outcome(action, outcome, told=options.get("tell", False))
                return redirect(back)
            except QuotaExceeded:
                status = 429  # the page below says how many are left today, and when more
            except SeatsExceeded:
                status = 409  # the page below says how many licenses are free, and the ways out
        chosen = plan(current_user.account_id, ids)
    except NotFound:
        abort(404)
    except ConcurrentChange:
        flash(
            _(
                "Someone changed these invitations at the same moment, so nothing was done. "
                "Check the list and try again."
            ),
            "error",
        )
        return redirect(back)
    quota = invitation_quota(current_user.account_id, utcnow()) if action == "resend" else None
    # This page again, with the same invitations chosen: where the licenses page and the
    # payment page bring the owner back to after buying licenses.
    here = url_for(f".{action}", ids=form.ids.data, back=back)
    return (
        render_template(
            f"manage/pending/confirm_{action}.html",
            form=form, plan=chosen, back=back, quota=quota, here=here,
        ),
        status,
    )


def _flash_outcome(action: str, outcome: ActionOutcome, told: bool = False) -> None:
    done = len(outcome.done)
    if done == 1 and action == "resend":
        flash(
            _(
                "The invitation to %(email)s was sent again with a new link. The old link no "
                "longer works.",
                email=outcome.done[0],
            ),
            "success",
        )
    elif done == 1:
        flash(
            _(
                "The invitation to %(email)s was revoked. Its link no longer works.",
                email=outcome.done[0],
            ),
            "success",
        )
    elif done and action == "resend":
        flash(
            ngettext(
                "%(num)d invitation was sent again.",
                "%(num)d invitations were sent again with new links. The old links no longer work.",
                done,
            ),
            "success",
        )
    elif done:
        flash(
            ngettext(
                "%(num)d invitation was revoked.",
                "%(num)d invitations were revoked. Their links no longer work.",
                done,
            ),
            "success",
        )
    if told and done:
        flash(
            ngettext(
                "An email telling them that the invitation was withdrawn is on its way.",
                "%(num)d emails telling them that their invitations were withdrawn are on "
                "their way.",
                done,
            ),
            "info",
        )
    if outcome.made_basic:
        flash(
            ngettext(
                "%(num)d of them was invited as a Basic user. You can assign a license on the "
                "Users page once one is free.",
                "%(num)d of them were invited as Basic users. You can assign licenses on the "
                "Users page once some are free.",
                len(outcome.made_basic),
            ),
            "info",
        )
    for refusal in outcome.refused[:REFUSALS_SHOWN]:
        flash(refusal_message(refusal), "warning")
    more = len(outcome.refused) - REFUSALS_SHOWN
    if more > 0:
        flash(
            ngettext(
                "%(num)d more invitation was left as it was.",
                "%(num)d more invitations were left as they were.",
                more,
            ),
            "warning",
        )


@bp.route("/reminders", methods=["POST"])
@manager_required
def reminders():
    form = RemindersForm()
    back = list_url(form.back.data)
    if current_user.role != Role.OWNER:  # a setting of the whole account: the owner's call
        flash(_("Only the account's owner can turn reminders on or off."), "error")
    elif form.validate_on_submit() and form.enabled.data in ("on", "off"):
        enabled = form.enabled.data == "on"
        set_reminders(current_user.account_id, current_user.id, enabled)
        if enabled:
            flash(_("Automatic reminders are on."), "success")
        else:
            flash(_("Automatic reminders are off. Nobody gets a reminder email."), "success")
    else:
        flash(_("Nothing was changed. Try again."), "error")
    return redirect(back)
