"""This app's own addresses for a provider: what the owner copies into the identity provider.

Built from BASE_URL (never the request's Host), so the values shown on the settings page are
the ones the protocol views check against. The SAML entity ID is the SP metadata's address,
as most providers expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..models import IdentityProvider


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def sp_metadata_url(provider: IdentityProvider) -> str:
    return f"{_base()}/sso/{provider.slug}/saml/metadata.xml"


def sp_entity_id(provider: IdentityProvider) -> str:
    return sp_metadata_url(provider)


def acs_url(provider: IdentityProvider) -> str:
    return f"{_base()}/sso/{provider.slug}/saml/acs"


def oidc_redirect_uri(provider: IdentityProvider) -> str:
    return f"{_base()}/sso/{provider.slug}/oidc/callback"


def sign_in_url(provider: IdentityProvider) -> str:
    """The business's own link, to hand to its people."""
    return f"{_base()}/sso/{provider.slug}"


@dataclass(frozen=True)
class SpValues:
    entity_id: str
    acs_url: str
    metadata_url: str
    redirect_uri: str
    sign_in_url: str


def sp_values(provider: IdentityProvider) -> SpValues:
    """Everything the settings page shows to copy into the provider."""
    return SpValues(
        entity_id=sp_entity_id(provider),
        acs_url=acs_url(provider),
        metadata_url=sp_metadata_url(provider),
        redirect_uri=oidc_redirect_uri(provider),
        sign_in_url=sign_in_url(provider),
    )
