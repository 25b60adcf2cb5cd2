"""Writing the audit trail: every kind of event the app records is declared here, once.

The audit log's labels and its "What happened" filter are checked against ACTIONS (see
tests/manage/test_audit_kinds.py), so a new kind cannot reach the log without words.
"""

from typing import Any

from ..extensions import db
from ..models import AuditEvent

ACTIONS = (
    "business_created",
    "invited",
    "contacted",
    "resent",
    "revoked",
    "accepted",
    "declined",
    "resend_requested",
    "license_assigned",
    "license_removed",
    "reminders_turned_on",
    "reminders_turned_off",
    "password_changed",
    "domain_added",
    "domain_verified",
    "domain_removed",
    "sso_joined",
    "sso_started",
    "sso_refused",
    "sso_settings_changed",
    "sso_turned_on",
    "sso_turned_off",
    "licenses_changed",
    "balance_paid",
    "other_user_removed",
    "password_reset",
    "role_changed",
    "ownership_offered",
    "ownership_withdrawn",
    "ownership_transferred",
    "ownership_refused",
    "member_removed",
    "address_changed",
    "scim_created",
    "scim_invited",
    "scim_updated",
    "scim_deactivated",
    "scim_reactivated",
    "scim_deleted",
    "scim_no_license",
    "scim_token_created",
    "scim_token_revoked",
)

# details["by"] for what the invited person did from their link, signed out: nobody's
# account is the actor, yet it was not the system either.
BY_INVITEE = "invitee"
# details["by"] for what the business's identity provider did over SCIM.
BY_SCIM = "scim"


def check_action(action: str) -> str:
    """The action, if it is one the app declares; otherwise a programming error."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: declare it in wizard/common/audit.py")
    return action


def record(
    action: str,
    *,
    account_id: int,
    actor_id: int | None,
    subject_email: str | None = None,
    invitation_id: int | None = None,
    details: dict[str, Any] | None = None,
    by_invitee: bool = False,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (no commit). `by_invitee`: done by the
    invited person from their link without signing in (the log names the invited address)."""
    details = dict(details or {})
    if by_invitee:
        details["by"] = BY_INVITEE
    event = AuditEvent(
        action=check_action(action),
        account_id=account_id,
        actor_id=actor_id,
        subject_email=subject_email,
        invitation_id=invitation_id,
        details=details,
    )
    db.session.add(event)
    return event
