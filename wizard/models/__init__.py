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
from .sso import IdentityProvider, Protocol, Provisioning, SsoMember, SsoSeenMessage
from .tally import InvitationTally, listen

# The tally's triggers are made with the invitation table (create_all) as well as by migrations.
listen(Invitation.__table__)

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
    "InvitationTally",
    "OtherUser",
    "OutboxEmail",
    "Protocol",
    "Provisioning",
    "PersonalLink",
    "RefundRecord",
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
