"""The SCIM User resource as this app publishes it, and its translation to and from the database.

The published schema holds only what the app keeps (RFC 7643 §4.1 lets a service provider
publish a subset): userName, name.givenName and name.familyName, displayName, one work email,
userType, active and externalId. A client such as a compliance checker that reads the schema
then never expects a value back that the app drops.

Requests are read against the full standard User with the enterprise extension first, so the
attributes Okta and Entra ID send by default (title, phoneNumbers, department, manager…) are
accepted and left aside, while an attribute no schema defines is a 400.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from scim2_models import (
    URN,
    ComplexAttribute,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Meta,
    Patch,
    Required,
    Resource,
    ResourceType,
    ScimProvider,
    ServiceProviderConfig,
    Uniqueness,
)
from scim2_models import AuthenticationScheme as Scheme
from scim2_models import Bulk as BulkSupport
from scim2_models import ChangePassword as PasswordSupport
from scim2_models import Sort as SortSupport
from scim2_models import User as StandardUser

from ..models import ScimIdentity
from .provisioning import ScimFields

SCIM_JSON = "application/scim+json"
MAX_RESULTS = 200  # the most a page of a list holds, whatever `count` asks (RFC 7644 §3.4.2.4)
# Everything a client may send: the standard User with the enterprise extension.
Incoming = StandardUser[EnterpriseUser]


class UserName(ComplexAttribute):
    family_name: str | None = None
    """The family name."""

    given_name: str | None = None
    """The given name."""


class WorkEmail(ComplexAttribute):
    class Type(StrEnum):
        work = "work"

    value: Annotated[str | None, Required.true] = None
    """The member's address; on one of the business's verified domains."""

    type: Type | None = None
    """Always work: the address the member signs in with (a member has one address, so it
    is the primary one; a client's `primary` is read and not echoed)."""


class User(Resource[Any]):
    """A person the identity provider manages in this business."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """Unique in the business, case-insensitively; usually the person's address."""

    name: UserName | None = None
    """The components of the person's name."""

    display_name: str | None = None
    """The name shown on the Users page."""

    user_type: str | None = None
    """"Licensed" for a member with a license (where one is free), anything else Basic."""

    active: Annotated[bool | None, Required.true] = None
    """Always has a value here (true when a creation leaves it out). False: the member
    cannot sign in and holds no license; also false until an invited
    person with an account of their own accepts."""

    emails: Annotated[list[WorkEmail] | None, Required.true] = None
    """The member's one address."""


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=BulkSupport(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=PasswordSupport(supported=False),
        sort=SortSupport(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            Scheme(
                type=Scheme.Type.oauthbearertoken,
                name="Bearer token",
                description="The token made on the SCIM page of the business's settings.",
                primary=True,
            )
        ],
    )


def provider() -> ScimProvider:
    return ScimProvider(
        models=[User],
        resource_types=[ResourceType.from_resource(User)],
        config=service_provider_config(),
    )


def meta_version(identity: ScimIdentity) -> str:
    return f'W/"{identity.version}"'


def to_resource(identity: ScimIdentity, *, active: bool, location: str) -> User:
    """The resource a client reads for an identity."""
    name = None
    if identity.given_name or identity.family_name:
        name = UserName(
            given_name=identity.given_name or None, family_name=identity.family_name or None
        )
    return User(
        id=identity.id,
        external_id=identity.external_id,
        user_name=identity.user_name,
        name=name,
        display_name=identity.display_name or None,
        user_type=identity.user_type or None,
        active=active,
        emails=[WorkEmail(value=identity.email, type=WorkEmail.Type.work)],
        meta=Meta(
            resource_type="User",
            created=identity.created_at,
            last_modified=identity.updated_at,
            location=location,
            version=meta_version(identity),
        ),
    )


def dump(resource: Resource[Any], context: Context = Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return resource.model_dump(scim_ctx=context)


def chosen_email(user: Any) -> str:
    """The primary address, or the first one, or "" (then userName stands for it)."""
    emails = [email for email in (user.emails or []) if getattr(email, "value", None)]
    primary = [email for email in emails if getattr(email, "primary", False)]
    chosen = (primary or emails or [None])[0]
    return str(chosen.value) if chosen is not None else ""


def fields_from(user: Any, *, keep_active: bool | None = None) -> ScimFields:
    """The ScimFields of a validated resource (a request's, or one a PATCH produced)."""
    name = user.name
    active = user.active if user.active is not None else keep_active
    return ScimFields(
        user_name=(user.user_name or "").strip(),
        external_id=user.external_id or None,
        given_name=(getattr(name, "given_name", None) or "").strip(),
        family_name=(getattr(name, "family_name", None) or "").strip(),
        display_name=(user.display_name or "").strip(),
        email=chosen_email(user) or (user.user_name or "").strip(),
        user_type=(user.user_type or "").strip(),
        active=True if active is None else bool(active),
    )


def as_incoming(identity: ScimIdentity, *, active: bool) -> Any:
    """The identity as a full standard User, for a PATCH to apply its operations to."""
    mine = to_resource(identity, active=active, location="")
    payload = dump(mine, Context.RESOURCE_REPLACEMENT_REQUEST)
    payload.pop("meta", None)
    return Incoming.model_validate(payload)


# Standard attributes a client may send that the app accepts and does not keep. Entra ID
# PATCHes them by default with paths such as `phoneNumbers[type eq "work"].value` or
# `addresses[type eq "work"].formatted`, and the enterprise `manager` as a bare id; applied
# to a resource without them, such a path targets nothing (a 400), so they are set aside.
NOT_KEPT = {
    "addresses", "entitlements", "ims", "locale", "nickname", "phonenumbers", "photos",
    "preferredlanguage", "profileurl", "roles", "timezone", "title", "x509certificates",
}
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
CORE_PREFIX = "urn:ietf:params:scim:schemas:core:2.0:user:"


def _not_kept(path: Any) -> bool:
    if not isinstance(path, str):
        return False
    lowered = path.strip().lower()
    if lowered.startswith(ENTERPRISE):
        return True
    lowered = lowered.removeprefix(CORE_PREFIX)
    return re.split(r"[.\[]", lowered, maxsplit=1)[0] in NOT_KEPT


def without_ops_on_what_is_not_kept(body: Any) -> Any:
    """A PatchOp body without the operations on NOT_KEPT attributes or the enterprise
    extension; None when no operation is left. Anything else is left for validation."""
    if not isinstance(body, dict):
        return body
    key = next((k for k in body if isinstance(k, str) and k.lower() == "operations"), None)
    operations = body.get(key) if key else None
    if not isinstance(operations, list) or not operations:
        return body
    kept = [op for op in operations if not (isinstance(op, dict) and _not_kept(op.get("path")))]
    return {**body, key: kept} if kept else None
