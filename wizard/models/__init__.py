"""The data model: accounts and people, invitations, mail, money and the audit trail."""

from .account import (
    Account,
    AccountKind,
    BillingPeriod,
    OtherUser,
    PersonalLink,
    ResponseNotices,
    Role,
    Subscription,
    User,
    UserType,
    VerifiedDomain,
)
from .audit import AuditEvent
from .invitation import Invitation, InvitationBatch, InvitationStatus, RefundRecord, WizardDraft
from .mail import DeliveryStatus, OutboxEmail

__all__ = [
    "Account",
    "AccountKind",
    "AuditEvent",
    "BillingPeriod",
    "DeliveryStatus",
    "Invitation",
    "InvitationBatch",
    "InvitationStatus",
    "OtherUser",
    "OutboxEmail",
    "PersonalLink",
    "RefundRecord",
    "ResponseNotices",
    "Role",
    "Subscription",
    "User",
    "UserType",
    "VerifiedDomain",
    "WizardDraft",
]
