"""Setting up a business's identity provider: saving checked settings, turning it on and off.

The protocol modules check what the owner gives (`saml.read_idp_metadata`,
`saml.fetch_idp_metadata`, `oidc.discover`); their SsoSetupError messages reach the owner as
they are, on the field they are about. The client secret is sealed (sealing.py) and never
given back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..common import audit
from ..domains.verification import verified_domain_names
from ..extensions import db
from ..models import Account, IdentityProvider, Protocol, Provisioning
from .protocol import SsoSetupError
from .providers import free_slug, provider_of
from .sealing import seal

MAPPING_FIELDS = (
    "email_attribute",
    "first_name_attribute",
    "last_name_attribute",
    "user_type_attribute",
    "licensed_value",
    "role_attribute",
    "admin_value",
)


@dataclass(frozen=True)
class SettingsInput:
    """What the owner chose on the settings page, as typed (secret empty: keep the stored one)."""

    protocol: str
    provisioning: str
    metadata_xml: str = ""
    metadata_url: str = ""
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    mapping: dict[str, str] | None = None


class SettingsProblem(Exception):
    """A setting that cannot work: `field` names the form field; `message` is the protocol
    module's own words for the owner, or empty, and then `code` says which of ours applies."""

    def __init__(self, field: str, message: str = "", code: str = "") -> None:
        super().__init__(message or code)
        self.field = field
        self.message = message
        self.code = code


class Switch(enum.StrEnum):
    ON = "on"
    OFF = "off"
    NO_DOMAIN = "no_domain"  # at least one verified domain first
    NOT_SET_UP = "not_set_up"  # the chosen protocol's settings are missing


def settings_for(account: Account) -> IdentityProvider:
    """The business's provider, or a new one (not yet saved) with the defaults."""
    return provider_of(account.id) or IdentityProvider(
        account_id=account.id,
        slug=free_slug(account),
        protocol=Protocol.SAML.value,
        provisioning=Provisioning.JIT.value,
        enabled=False,
        email_attribute="email",
        first_name_attribute="given_name",
        last_name_attribute="family_name",
    )


def has_verified_domain(account_id: int) -> bool:
    return bool(verified_domain_names(account_id))


def _saml_metadata(values: SettingsInput, provider: IdentityProvider) -> tuple[str, str]:
    """The IdP metadata to keep and its entity ID: pasted, fetched from its URL, or kept."""
    xml = values.metadata_xml.strip()
    field = "metadata_xml"
    if xml or values.metadata_url:
        from . import saml  # the protocol module, imported when there is metadata to read
    if not xml and values.metadata_url:
        field = "metadata_url"
        try:
            xml = saml.fetch_idp_metadata(values.metadata_url)
        except SsoSetupError as error:
            raise SettingsProblem(field, error.message) from error
    if not xml:
        if provider.idp_metadata_xml:
            return provider.idp_metadata_xml, provider.idp_entity_id
        raise SettingsProblem(field, code="no_metadata")
    try:
        summary = saml.read_idp_metadata(xml)
    except SsoSetupError as error:
        raise SettingsProblem(field, error.message) from error
    return xml, summary.entity_id


def _check_oidc(values: SettingsInput, provider: IdentityProvider) -> str:
    """The issuer as its discovery document names it (a pasted trailing slash or spaces gone)."""
    from . import oidc  # the protocol module: imported when used, as the views do

    if not values.issuer:
        raise SettingsProblem("issuer", code="no_issuer")
    if not values.client_id:
        raise SettingsProblem("client_id", code="no_client_id")
    if not values.client_secret and not provider.client_secret_sealed:
        raise SettingsProblem("client_secret", code="no_client_secret")
    try:
        return oidc.discover(values.issuer)["issuer"]
    except SsoSetupError as error:
        raise SettingsProblem("issuer", error.message) from error


def save_settings(account_id: int, actor_id: int, values: SettingsInput) -> IdentityProvider:
    """Check and keep the provider's settings (one per business). Commits.

    Raises SettingsProblem, changing nothing, when a setting cannot work."""
    account = db.session.get(Account, account_id)
    provider = settings_for(account)
    protocol = Protocol(values.protocol)
    if protocol == Protocol.SAML:
        xml, entity_id = _saml_metadata(values, provider)
        provider.idp_metadata_xml, provider.idp_entity_id = xml, entity_id
        provider.metadata_url = values.metadata_url
    else:
        provider.issuer, provider.client_id = _check_oidc(values, provider), values.client_id
        if values.client_secret:
            provider.client_secret_sealed = seal(values.client_secret)
    provider.protocol = protocol.value
    provider.provisioning = Provisioning(values.provisioning).value
    for name, value in (values.mapping or {}).items():
        if name in MAPPING_FIELDS:
            setattr(provider, name, value or "")
    provider.updated_by_id = actor_id
    db.session.add(provider)
    audit.record(
        "sso_settings_changed",
        account_id=account_id,
        actor_id=actor_id,
        details={"protocol": protocol.value, "provisioning": provider.provisioning},
    )
    db.session.commit()
    return provider


def switch(account_id: int, actor_id: int, *, on: bool) -> Switch:
    """Turn single sign-on on (with a verified domain and complete settings) or off. Commits."""
    provider = provider_of(account_id)
    if on:
        if not has_verified_domain(account_id):
            return Switch.NO_DOMAIN
        if provider is None or not provider.is_configured:
            return Switch.NOT_SET_UP
    elif provider is None:
        return Switch.OFF
    if provider.enabled != on:
        provider.enabled = on
        audit.record("sso_turned_on" if on else "sso_turned_off", account_id=account_id,
                     actor_id=actor_id, details={"protocol": provider.protocol})
        db.session.commit()
    return Switch.ON if on else Switch.OFF
