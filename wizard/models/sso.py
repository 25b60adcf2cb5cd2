"""Single sign-on: a business's identity provider, the people who came through it, and the
messages already accepted (so none is accepted twice)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .account import Account
from .types import Timestamp, UTCDateTime, utcnow


class Protocol(enum.StrEnum):
    SAML = "saml"
    OIDC = "oidc"


class Provisioning(enum.StrEnum):
    JIT = "jit"  # anyone on the verified domains becomes a member at their first sign-in
    INVITED = "invited"  # only people with a pending invitation, or members already




class IdentityProvider(db.Model):
    """One per business: SAML 2.0 or OpenID Connect, reached at /sso/<slug>."""

    __tablename__ = "identity_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)
    protocol: Mapped[str] = mapped_column(String(10), default=Protocol.SAML.value)
    enabled: Mapped[bool] = mapped_column(default=False)
    # The business's own sign-in address, /sso/<slug>; made from its name, unique.
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    provisioning: Mapped[str] = mapped_column(String(10), default=Provisioning.JIT.value)

    # Attribute (SAML) or claim (OIDC) names; the optional ones are empty when not used.
    email_attribute: Mapped[str] = mapped_column(String(200), default="email")
    first_name_attribute: Mapped[str] = mapped_column(String(200), default="given_name")
    last_name_attribute: Mapped[str] = mapped_column(String(200), default="family_name")
    user_type_attribute: Mapped[str] = mapped_column(String(200), default="")
    licensed_value: Mapped[str] = mapped_column(String(200), default="")
    role_attribute: Mapped[str] = mapped_column(String(200), default="")
    admin_value: Mapped[str] = mapped_column(String(200), default="")

    # SAML 2.0: the provider's metadata (its certificate and sign-in URL come from it).
    idp_metadata_xml: Mapped[str | None] = mapped_column(Text)
    metadata_url: Mapped[str] = mapped_column(String(2000), default="")
    idp_entity_id: Mapped[str] = mapped_column(String(1000), default="")

    # OpenID Connect: discovery from the issuer; the secret is stored encrypted (sealing.py)
    # and never shown again.
    issuer: Mapped[str] = mapped_column(String(1000), default="")
    client_id: Mapped[str] = mapped_column(String(255), default="")
    client_secret_sealed: Mapped[str] = mapped_column(Text, default="")

    # The last test-connection round trip: when, and what came back (attributes as received,
    # the fields they map to, or the problem), shown on the settings page.
    tested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    test_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("protocol in ('saml', 'oidc')", name="sso_protocol_known"),
        CheckConstraint("provisioning in ('jit', 'invited')", name="sso_provisioning_known"),
    )

    @property
    def mapping(self) -> dict[str, str]:
        """The attribute mapping as the pure rules in wizard/sso/mapping.py read it."""
        return {
            "email_attribute": self.email_attribute,
            "first_name_attribute": self.first_name_attribute,
            "last_name_attribute": self.last_name_attribute,
            "user_type_attribute": self.user_type_attribute,
            "licensed_value": self.licensed_value,
            "role_attribute": self.role_attribute,
            "admin_value": self.admin_value,
        }

    @property
    def is_configured(self) -> bool:
        """Whether the chosen protocol has what a sign-in needs."""
        if self.protocol == Protocol.SAML:
            return bool(self.idp_metadata_xml)
        return bool(self.issuer and self.client_id and self.client_secret_sealed)


class SsoMember(db.Model):
    """A person who has signed in through a business's provider: how they came, and when."""

    __tablename__ = "sso_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    subject: Mapped[str] = mapped_column(String(1000), default="")
    # True when single sign-on brought them into the business (not already a member before).
    joined_via_sso: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SsoSeenMessage(db.Model):
    """An assertion or token already accepted: a second arrival is a replay."""

    __tablename__ = "sso_seen_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_provider.id", ondelete="CASCADE")
    )
    message_id: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[Timestamp] = mapped_column(index=True)

    __table_args__ = (
        UniqueConstraint("provider_id", "message_id", name="uq_sso_message_once"),
    )
