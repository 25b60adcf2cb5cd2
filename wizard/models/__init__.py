"""The data model: accounts and people, invitations, mail, money and the audit trail."""

from .account import (
    Account,
    AccountKind,
    BillingPeriod,
    Role,
    Subscription,
    User,
    UserType,
    VerifiedDomain,
)
from .audit import AuditEvent
from .invitation import Invitation, InvitationBatch, InvitationStatus, RefundRecord, WizardDraft
from .mail import DeliveryStatus, OutboxEmail
from .sso import IdentityProvider, Protocol, Provisioning, SsoMember, SsoSeenMessage

__all__ = [
    "Account",
    "AccountKind",
    "AuditEvent",
    "BillingPeriod",
    "DeliveryStatus",
    "Invitation",
    "InvitationBatch",
    "IdentityProvider",
    "InvitationStatus",
    "OutboxEmail",
    "Protocol",
    "Provisioning",
    "RefundRecord",
    "Role",
    "SsoMember",
    "SsoSeenMessage",
    "Subscription",
    "User",
    "UserType",
    "VerifiedDomain",
    "WizardDraft",
]
