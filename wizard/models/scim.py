"""SCIM 2.0 provisioning: the people a business's identity provider pushed in, and its tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .account import User
from .types import Email, Timestamp, UTCDateTime, utcnow


class ScimIdentity(db.Model):
    """One SCIM User resource: what the provider said about a person, and who they are here.

    `user_id` is the member once there is one; `invitation_id` the invitation sent to someone
    who already had an individual account (they choose refund details, then `user_id` is set).
    `active` is what the provider asked for; whether the member really is active is
    `provisioning.is_member_active`. `version` is bumped on every change (the ETag).
    """

    __tablename__ = "scim_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID: the SCIM id
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    user_name: Mapped[str] = mapped_column(String(254))
    # userName lower-cased: SCIM's userName is case-insensitive (RFC 7643 §4.1.1).
    user_name_key: Mapped[str] = mapped_column(String(254))
    external_id: Mapped[str | None] = mapped_column(String(254))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # Normalised: trimmed and lower-case, as User.email.
    email: Mapped[Email]
    # The SCIM userType as the provider sent it ("" when none); "Licensed" (any case) maps to
    # a Licensed member, anything else to Basic (provisioning.wants_license).
    user_type: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # The member held a license when the provider deactivated them (given by hand, whatever
    # the userType): reactivating gives it back when one is free (members.reactivate).
    license_held: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # The member, loaded with a page of identities in one more query (for `active`).
    user: Mapped[User | None] = relationship(lazy="selectin")

    __table_args__ = (
        UniqueConstraint("account_id", "user_name_key", name="uq_scim_user_name_per_account"),
        # The filters SCIM clients send (userName, externalId, emails.value eq/sw) are
        # queries over these, per account.
        Index("ix_scim_identity_account_external", "account_id", "external_id"),
        Index("ix_scim_identity_account_email", "account_id", "email"),
        Index("ix_scim_identity_account_created", "account_id", "created_at", "id"),
    )


class ScimToken(db.Model):
    """A bearer token a business's identity provider uses; only its SHA-256 hash is stored."""

    __tablename__ = "scim_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's last four characters, so the owner can tell which one a provider holds.
    hint: Mapped[str] = mapped_column(String(8), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
