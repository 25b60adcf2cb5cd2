"""The audit log of User Management: who did what, and when."""

from flask import Blueprint, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...common.access import manager_required
from ...common.ids import as_number
from ...models.types import utcnow
from ..audit_trail import action_label, action_labels, audit_export, audit_log, describe
from ..csv_export import csv_response
from ..forms import AuditFilterForm

bp = Blueprint("audit_log", __name__, url_prefix="/users/audit-log")


@bp.context_processor
def audit_helpers():
    labels = action_labels()
    return {
        "action_label": lambda action: action_label(action, labels),
        "describe": describe,
        "number": format_decimal,
    }


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("person", "action") and v}


@bp.route("/")
@manager_required
def index():
    form = AuditFilterForm(formdata=request.args)
    page = request.args.get("page", type=as_number)
    log = audit_log(current_user.account_id, form.to_filter(page))
    labels = action_labels()
    form.action.choices = [SelectChoice("", _("Anything"))] + [
        SelectChoice(a, action_label(a, labels)) for a in log.actions
    ]
    return render_template("manage/audit/index.html", filters=form, log=log, args=_args())


@bp.route("/export.csv")
@manager_required
def export():
    wanted = AuditFilterForm(formdata=request.args).to_filter()
    header = [
        _("When"),
        _("Who"),
        _("Who (email address)"),
        _("What happened"),
        _("About"),
        _("Details"),
    ]
    labels, system = action_labels(), _("System")
    cells = (
        [
            row.event.created_at,
            *row.who(system),
            action_label(row.event.action, labels),
            row.about,
            describe(row.event.action, row.event.details),
        ]
        for row in audit_export(current_user.account_id, wanted)
    )
    return csv_response(f"audit-log-{utcnow():%Y-%m-%d}.csv", header, cells)
