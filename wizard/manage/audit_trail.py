"""Reading the audit trail: the owner's audit log page, its CSV export, and the words for
each action."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from ..common.audit import BY_INVITEE, BY_SCIM
from ..common.paging import Page, paginate
from ..extensions import db
from ..models import AuditEvent, User
from ..sso.advice import sso_refusal_in_words


@dataclass(frozen=True)
class AuditFilter:
    person: str = ""
    action: str = ""
    page: int = 1


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_name: str
    actor_email: str

    @property
    def by_invitee(self) -> bool:
        """Done by the invited person from their link, signed out (no account was the actor)."""
        return not self.actor_email and (self.event.details or {}).get("by") == BY_INVITEE

    @property
    def by_scim(self) -> bool:
        """Done by the business's identity provider over SCIM (no account was the actor)."""
        return not self.actor_email and (self.event.details or {}).get("by") == BY_SCIM

    @property
    def about(self) -> str:
        """Whom or what the event is about: the person's address, or the domain."""
        return self.event.subject_email or (self.event.details or {}).get("domain") or ""

    def who(self, system: str) -> tuple[str, str]:
        """(name, address) of whoever did it; the invitee by address; else `system`."""
        if self.actor_email:
            return self.actor_name, self.actor_email
        if self.by_invitee:
            return _("%(email)s (invitee)", email=self.event.subject_email or ""), ""
        if self.by_scim:
            return _("Your identity provider (SCIM)"), ""
        return system, ""


def action_label(action: str, labels: dict[str, str] | None = None) -> str:
    """What happened, in words (actions written by parts of the app not known here read as
    their name). Pass `action_labels()` when labelling many rows."""
    labels = labels if labels is not None else action_labels()
    return labels.get(action) or action.replace("_", " ").capitalize()


def action_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "contacted": _("Told in advance"),
        "resent": _("Invitation resent"),
        "revoked": _("Invitation revoked"),
        "accepted": _("Accepted"),
        "declined": _("Declined"),
        "resend_requested": _("Asked for a new invitation"),
        "license_assigned": _("License assigned"),
        "license_removed": _("License removed"),
        "reminders_turned_on": _("Automatic reminders turned on"),
        "reminders_turned_off": _("Automatic reminders turned off"),
        "password_changed": _("Password changed"),
        "password_reset": _("Password reset by email"),
        "role_changed": _("Role changed"),
        "ownership_offered": _("Asked to take over ownership"),
        "ownership_withdrawn": _("Ownership handover taken back"),
        "ownership_transferred": _("Became the owner"),
        "ownership_refused": _("Refused to take over ownership"),
        "member_removed": _("Removed from the business"),
        "address_changed": _("Address changed"),
        "business_created": _("Business account created"),
        "domain_added": _("Domain added"),
        "domain_verified": _("Domain verified"),
        "domain_removed": _("Domain removed"),
        "sso_joined": _("Joined via single sign-on"),
        "sso_started": _("Signed in with single sign-on, choosing refund details"),
        "sso_refused": _("Single sign-on refused"),
        "sso_settings_changed": _("Single sign-on settings changed"),
        "sso_turned_on": _("Single sign-on turned on"),
        "sso_turned_off": _("Single sign-on turned off"),
        "licenses_changed": _("Number of licenses changed"),
        "balance_paid": _("Outstanding balance paid"),
        "add_ons_cancelled": _("Add-ons cancelled"),
        "other_user_removed": _("User removed from the account"),
        "scim_created": _("Provisioned by SCIM"),
        "scim_invited": _("Invited by SCIM (has an account of their own)"),
        "scim_updated": _("Changed by SCIM"),
        "scim_deactivated": _("Deactivated by SCIM"),
        "scim_reactivated": _("Reactivated by SCIM"),
        "scim_deleted": _("Removed by SCIM"),
        "scim_no_license": _("SCIM asked for a license, none was free"),
        "scim_token_created": _("SCIM token created"),
        "scim_token_revoked": _("SCIM token revoked"),
    }


def scim_attribute_words() -> dict[str, str]:
    """What an identity provider changed over SCIM, named as the Users page names it."""
    return {
        "userName": _("user name"),
        "externalId": _("the provider's own id"),
        "name": _("name"),
        "email": _("email address"),
        "userType": _("user type"),
    }


def refund_method_label(method: str | None, card: str = "") -> str:
    if method == "refund":
        if card:
            return _("Refund to the original payment method (%(card)s)", card=card)
        return _("Refund to the original payment method")
    if method == "credit":
        return _("Credit transferred to the business account")
    return ""


def describe(action: str, details: dict[str, Any] | None) -> str:
    """The one detail of an event worth reading in the log, or nothing."""
    details = details or {}
    if action == "resent" and details.get("expires_at"):
        expires = datetime.fromisoformat(details["expires_at"])
        return _("New link valid until %(date)s.", date=format_date(expires, "long"))
    if action == "accepted" and details.get("via") == "sso":
        return _("Joined via single sign-on, after choosing refund details. %(more)s",
                 more=describe("accepted", {**details, "via": None})).strip()
    if action == "sso_refused" and details.get("reason"):
        return _("Reason: %(reason)s.", reason=sso_refusal_in_words(details["reason"]))
    if action == "scim_updated" and details.get("changed"):
        words = scim_attribute_words()
        what = ", ".join(words.get(name, name) for name in details["changed"])
        return _("Changed: %(what)s.", what=what)
    if action in ("scim_token_created", "scim_token_revoked") and details.get("hint"):
        return _("Token ending in %(hint)s.", hint=details["hint"])
    typed = ("invited", "accepted", "sso_joined", "sso_started", "scim_invited")
    if action in typed and details.get("user_type") in ("basic", "licensed"):
        kind = _("Basic") if details["user_type"] == "basic" else _("Licensed")
        method = refund_method_label(details.get("refund_method"))
        if details.get("no_free_license"):
            return _(
                "User type: %(user_type)s. No license was free when they joined, so they "
                "joined as a Basic user.",
                user_type=kind,
            )
        if method:
            return _("User type: %(user_type)s. %(method)s.", user_type=kind, method=method)
        return _("User type: %(user_type)s.", user_type=kind)
    if action == "contacted" and details.get("how") == "app" and details.get("outside"):
        return _(
            "The heads-up message was sent from this app, to an address outside your "
            "verified domains."
        )
    if action == "contacted" and details.get("how") == "app":
        return _("The heads-up message was sent from this app.")
    if action == "contacted" and details.get("how") == "own":
        return _("The sender told them in their own way.")
    if action == "revoked" and details.get("told"):
        return _("They were told by email.")
    if action == "domain_removed" and details.get("was_verified"):
        return _("It was verified.")
    if action == "licenses_changed" and "to" in details:
        return _("From %(old)s to %(new)s.", old=details.get("from"), new=details["to"])
    if action == "declined" and details.get("reason") == "changed_address":
        return _("They changed the address of their own account instead of joining.")
    if action == "declined" and details.get("message"):
        return _("Message: “%(message)s”", message=details["message"])
    return ""


def _filtered(account_id: int, f: AuditFilter) -> Select:
    query = (
        select(AuditEvent, User.name, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.account_id == account_id)
    )
    if f.person:
        needle = f.person.strip().lower()
        query = query.where(
            or_(
                User.email.contains(needle, autoescape=True),
                func.lower(User.name).contains(needle, autoescape=True),
                AuditEvent.subject_email.contains(needle, autoescape=True),
            )
        )
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def filterable_actions(chosen: str = "") -> list[str]:
    """The actions the filter offers: every one the app writes (and one chosen by address).

    Not a DISTINCT over the log: that reads every event of the account on each page view.
    """
    actions = list(action_labels())
    if chosen and chosen not in actions:
        actions.append(chosen)
    return actions


@dataclass(frozen=True)
class AuditLog:
    page: Page
    actions: list[str]


def audit_log(account_id: int, f: AuditFilter) -> AuditLog:
    """One page of the account's audit trail, newest first, as filtered, and the actions
    it can be filtered by."""
    # Without a person to look for, counting needs no join with the people.
    count = None
    if not f.person:
        count = select(AuditEvent.id).where(AuditEvent.account_id == account_id)
        if f.action:
            count = count.where(AuditEvent.action == f.action)
    page = paginate(_filtered(account_id, f), f.page, count=count, count_in_page=bool(f.person))
    rows = [AuditRow(event, name or "", email or "") for event, name, email in page.items]
    return AuditLog(
        Page(rows, page.number, page.per_page, page.total), filterable_actions(f.action)
    )


def audit_export(account_id: int, f: AuditFilter) -> Iterator[AuditRow]:
    """Every event matching the filter, streamed from one statement."""
    query = _filtered(account_id, f).execution_options(yield_per=1000)
    for event, name, email in db.session.execute(query):
        yield AuditRow(event, name or "", email or "")
