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
from .scim import ScimIdentity, ScimToken
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
    "OtherUser",
    "OutboxEmail",
    "Protocol",
    "Provisioning",
    "PersonalLink",
    "RefundRecord",
    "ScimIdentity",
    "ScimToken",
    "ResponseNotices",
    "Role",
    "SsoMember",
    "SsoSeenMessage",
    "Subscription",
    "User",
    "UserType",
    "VerifiedDomain",
    "WizardDraft",
]
