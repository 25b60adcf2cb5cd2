"""The Pending tab's words: labels for statuses, delivery, blockers and email kinds, the
colours of their tags, and the per-page date formatter (kept apart from the views)."""

from datetime import UTC, date, datetime

from flask_babel import format_date, get_timezone
from flask_babel import gettext as _


def status_labels() -> dict[str, str]:
    """Each invitation status in words; built once per page or file, not once per row."""
    return {
        "pending": _("Pending"),
        "accepted": _("Accepted"),
        "declined": _("Declined"),
        "expired": _("Expired"),
        "revoked": _("Revoked"),
    }


def delivery_labels() -> dict[str, str]:
    return {
        "queued": _("Waiting to be sent"),
        "sent": _("Sent"),
        "retrying": _("Retrying"),
        "failed": _("Not delivered"),
        "none": _("No email"),
    }


def email_kind_label(kind: str) -> str:
    return {
        "invitation": _("Invitation email"),
        "reminder": _("Reminder email"),
        "heads_up": _("Heads-up message"),
        "receipt": _("Refund receipt"),
        "invitation_withdrawn": _("Email saying the invitation was withdrawn"),
        "invitation_accepted": _("Email saying the invitation was accepted"),
        "invitation_declined": _("Email saying the invitation was declined"),
        "joined_without_license": _("Email saying they joined without a license"),
        "sso_joined_without_license": _("Email saying they joined without a license"),
        "resend_requested": _("Request for a new invitation"),
        "confirm_address": _("Email to confirm a new address"),
        "responses_summary": _("Summary of the answers"),
    }.get(kind, _("Email"))  # never the kind's English code name on a German page


def row_text() -> dict[str, str]:
    """The words every row of the list repeats, translated once per page; the placeholders
    are filled in by the template (`|format`)."""
    return {
        "select": _("Select %(email)s"),
        "expires": _("Expires %(date)s"),
        "expired": _("Expired %(date)s"),
        "yes": _("Yes, %(date)s"),
        "no": _("No"),
        "reminder": _("Reminder"),
        "history": _("History"),
        "history_of": _("of %(email)s"),
        "resend": _("Resend"),
        "resend_to": _("to %(email)s"),
        "revoke": _("Revoke"),
        "revoke_of": _("the invitation to %(email)s"),
        "opened": _("Opened %(date)s"),
        "changed_address": _("Changed their address instead of joining"),
        "blocked": blocker_labels(),
    }


def blocker_labels() -> dict[str, str]:
    """What stopped an invitee when they last looked (link.Blocker values), for the owner."""
    return {
        "outstanding_balance": _("Blocked: outstanding balance"),
        "other_users": _("Blocked: other users on their account"),
        "add_ons": _("Blocked: add-ons on their plan"),
        "other_business": _("Blocked: member of another business"),
        "already_member": _("Already a member"),
    }


STATUS_CSS = {"accepted": "tag--ok", "declined": "tag--warn", "expired": "tag--warn",
              "revoked": "tag--error"}  # fmt: skip
DELIVERY_CSS = {"sent": "tag--ok", "retrying": "tag--warn", "failed": "tag--error"}


def _lookup(labels: dict[str, str]):
    return lambda key: labels.get(str(key), str(key))


def day_formatter(fmt: str = "medium"):
    """The `date` filter for the rows of one page: each calendar day (in the reader's time
    zone) is formatted once, not once per row. Fifty rows share a handful of days; Babel
    takes about 40 µs a date, and the 150 dates of a page were a third of its rendering."""
    tz = get_timezone()
    formatted: dict[date, str] = {}

    def day(moment: datetime | None) -> str:
        if not moment:
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = tz.normalize(moment.astimezone(tz)).date()
        if local not in formatted:
            formatted[local] = format_date(local, fmt)
        return formatted[local]

    return day
