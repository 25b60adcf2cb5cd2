"""Reading who signed in from what the provider sent: pure, no database, no request.

The owner names the attribute (SAML) or claim (OIDC) for each field; when that name is not
in the message, the names the common providers use are tried (Entra ID's schema URIs, the
LDAP OIDs many SAML providers send, Google's and Okta's plain names), so the defaults work
without anyone reading a provider's manual.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..models import Role, User, UserType
from .protocol import Received, SsoRefused

# The columns the claims are stored in: a longer value does not fit (PostgreSQL refuses it).
EMAIL_LENGTH = User.__table__.c.email.type.length
NAME_LENGTH = User.__table__.c.name.type.length
# Control characters (C0, DEL, C1): PostgreSQL cannot store a NUL at all, and the rest have no
# place in an address or a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
ALIASES = {
    "email_attribute": (
        "email",
        "mail",
        "emailAddress",
        "Email",
        "urn:oid:0.9.2342.19200300.100.1.3",
        _CLAIMS + "emailaddress",
        "preferred_username",
    ),
    "first_name_attribute": (
        "given_name",
        "givenName",
        "firstName",
        "first_name",
        "urn:oid:2.5.4.42",
        _CLAIMS + "givenname",
    ),
    "last_name_attribute": (
        "family_name",
        "sn",
        "surname",
        "lastName",
        "last_name",
        "urn:oid:2.5.4.4",
        _CLAIMS + "surname",
    ),
}


@dataclass(frozen=True)
class Claims:
    """Who signed in, in this app's terms. user_type/role are None when the mapping is silent."""

    email: str
    first_name: str
    last_name: str
    user_type: UserType | None = None
    role: Role | None = None

    @property
    def name(self) -> str:
        joined = " ".join(part for part in (self.first_name, self.last_name) if part)
        return joined[:NAME_LENGTH].rstrip()


def plain_text(value: str) -> str:
    """The text without control characters, as PostgreSQL can store it and a page can show it."""
    return _CONTROL.sub("", value)


def _values(attributes: Mapping[str, tuple[str, ...]], name: str) -> tuple[str, ...]:
    """An attribute's values by name; names are compared as given, then case-insensitively."""
    if not name:
        return ()
    if name in attributes:
        return tuple(v for v in attributes[name] if v is not None)
    lowered = name.lower()
    for key, values in attributes.items():
        if key.lower() == lowered:
            return tuple(v for v in values if v is not None)
    return ()


def _first(attributes: Mapping[str, tuple[str, ...]], configured: str, field: str) -> str:
    for name in (configured, *ALIASES.get(field, ())):
        for value in _values(attributes, name):
            if str(value).strip():
                return str(value).strip()
    return ""


def _name(attributes: Mapping[str, tuple[str, ...]], configured: str, field: str) -> str:
    """A name on one line, cut to fit its column: a tab or line break becomes a space, any
    other control character goes."""
    value = _first(attributes, configured, field)
    value = _CONTROL.sub(lambda found: " " if found.group().isspace() else "", value)
    return " ".join(value.split())[:NAME_LENGTH].rstrip()


def _looks_like_email(value: str) -> bool:
    """An address this app can store: one that a control character or its length would spoil
    is no address at all (the person is told the provider did not say who they are)."""
    local, at, domain = value.partition("@")
    return bool(
        local and at and "." in domain and " " not in value
        and len(value) <= EMAIL_LENGTH and not _CONTROL.search(value)
    )


def _has_value(attributes: Mapping[str, tuple[str, ...]], name: str, wanted: str) -> bool | None:
    """True/False when the mapping names both an attribute and a value; None when it is off.
    A group list counts too: "Licensed" matches when it is one of the values."""
    if not name or not wanted:
        return None
    wanted = wanted.strip().casefold()
    return any(str(v).strip().casefold() == wanted for v in _values(attributes, name))


def claims_from(mapping: Mapping[str, str], received: Received) -> Claims:
    """What the provider said about the person, read through the owner's mapping.

    Raises SsoRefused("no_email") when no usable address can be found (the SAML NameID counts
    when it is an address). Names lose control characters and are cut to fit."""
    attributes = received.attributes
    email = _first(attributes, mapping.get("email_attribute", ""), "email_attribute").lower()
    if not _looks_like_email(email) and _looks_like_email(received.subject.strip().lower()):
        email = received.subject.strip().lower()
    if not _looks_like_email(email):
        raise SsoRefused("no_email", f"no address among {sorted(attributes)}")
    licensed = _has_value(
        attributes, mapping.get("user_type_attribute", ""), mapping.get("licensed_value", "")
    )
    admin = _has_value(
        attributes, mapping.get("role_attribute", ""), mapping.get("admin_value", "")
    )
    return Claims(
        email=email,
        first_name=_name(attributes, mapping.get("first_name_attribute", ""),
                         "first_name_attribute"),
        last_name=_name(attributes, mapping.get("last_name_attribute", ""),
                        "last_name_attribute"),
        user_type=None if licensed is None else (UserType.LICENSED if licensed else UserType.BASIC),
        role=None if admin is None else (Role.ADMIN if admin else Role.MEMBER),
    )
