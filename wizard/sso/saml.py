"""SAML 2.0 for single sign-on, as a service provider: pysaml2 with Debian's xmlsec1.

Everything that proves a message (XML signatures, audience, recipient, destination, validity
window, InResponseTo, one assertion per response) is pysaml2's. This module configures it
strictly (responses and/or assertions signed, nothing unsolicited, SHA-256; SHA-1 signatures
and digests are refused before pysaml2 sees them), hands back what
the provider asserted as a `protocol.Received`, and names why pysaml2 said no with one of the
`protocol.REFUSALS` codes. No request, no session, no database: the views keep the
outstanding request IDs and do the replay check with the assertion ID returned here.
"""

from __future__ import annotations

import calendar
import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError  # nosec B405: the type only; parsing is defusedxml's

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.response import (
    IncorrectlySigned,
    InvalidAssertion,
    StatusError,
    UnsolicitedResponse,
    VerificationError,
)
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED
from saml2.sigver import MissingKey, SignatureError, SigverError, get_xmlsec_binary
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .protocol import Received, SsoRefused, SsoSetupError

# Clocks of the provider and this server may differ a little; more would stretch the window
# in which a stolen response can be used.
CLOCK_SKEW_SECONDS = 90
METADATA_TIMEOUT_SECONDS = 10
METADATA_MAX_BYTES = 2_000_000  # the biggest federation-free IdP metadata is a few kB

_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"
_SIGNATURE = f"{{{_DS}}}Signature"

# What a provider may sign with, checked before pysaml2 verifies: SHA-1 (rsa-sha1, dsa-sha1,
# sha1 digests) has known collisions, and xmlsec1 would still accept it.
SIGNATURE_ALGORITHMS = frozenset({
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
})
DIGEST_ALGORITHMS = frozenset({
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
})


@dataclass(frozen=True)
class IdpSummary:
    """What the settings page shows about a provider's metadata once it has been read."""

    entity_id: str
    sso_url: str


def _config(entity_id: str, acs_url: str, idp_metadata_xml: str = "") -> SPConfig:
    """pysaml2's SP settings: strict, SHA-256, the provider known only by its metadata."""
    settings = {
        "entityid": entity_id,
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin"]),
        "allow_unknown_attributes": True,
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "delete_tmpfiles": True,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED],
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
    }
    if idp_metadata_xml:
        settings["metadata"] = {"inline": [idp_metadata_xml]}
    config = SPConfig()
    config.load(settings)
    return config


def sp_metadata_xml(entity_id: str, acs_url: str) -> str:
    """This app's SP metadata for one business: its entity ID and ACS URL, to give the provider."""
    from saml2.metadata import create_metadata_string

    return create_metadata_string(None, config=_config(entity_id, acs_url), valid=0).decode()


def read_idp_metadata(xml: str) -> IdpSummary:
    """The provider's entity ID and sign-in URL; SsoSetupError saying what to fix if unusable."""
    try:
        root = fromstring(xml.encode() if isinstance(xml, str) else xml)
    except (ParseError, DefusedXmlException, ValueError):
        raise SsoSetupError(
            _(
                "This is not XML metadata. Download the metadata file (XML) from your identity "
                "provider's app settings and paste all of it here."
            )
        ) from None
    if root.find(f".//{{{_MD}}}IDPSSODescriptor") is None:
        raise SsoSetupError(
            _(
                "This metadata does not describe an identity provider (it has no "
                "IDPSSODescriptor). Make sure you copied the identity provider's metadata, not "
                "this app's."
            )
        )
    try:
        client = Saml2Client(_config("urn:metadata-check", "https://metadata.invalid/acs", xml))
    except (SAMLError, ValueError, TypeError, KeyError, AttributeError):
        raise SsoSetupError(
            _(
                "The identity provider's metadata could not be read. Download it again from the "
                "provider and paste all of it, without changes."
            )
        ) from None
    providers = list(client.metadata.identity_providers())
    if len(providers) != 1:
        raise SsoSetupError(
            _("The metadata must describe exactly one identity provider; this one has %(count)d.")
            % {"count": len(providers)}
        )
    entity_id = providers[0]
    if not client.metadata.certs(entity_id, "idpsso", use="signing"):
        raise SsoSetupError(
            _(
                "The metadata has no signing certificate, so signed answers could not be "
                "checked. Turn on signing in your identity provider and download its metadata "
                "again."
            )
        )
    services = client.metadata.single_sign_on_service(entity_id, BINDING_HTTP_REDIRECT)
    if not services:
        raise SsoSetupError(
            _(
                "The metadata has no sign-in address for the HTTP-Redirect binding. Turn on "
                "HTTP-Redirect for single sign-on in your identity provider and download its "
                "metadata again."
            )
        )
    return IdpSummary(entity_id=entity_id, sso_url=services[0]["location"])


def _refuse_private_host(host: str) -> None:
    """Metadata URLs must not make this server fetch its own or its network's internal pages."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        raise SsoSetupError(
            _("The address %(host)s could not be found. Check the metadata URL.") % {"host": host}
        ) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            raise SsoSetupError(
                _(
                    "The metadata URL points to a private network address. Download the "
                    "metadata file and paste it here instead."
                )
            )


def fetch_idp_metadata(url: str, *, allow_private_addresses: bool = False) -> str:
    """The metadata XML at `url` (http or https, 10 s, 2 MB at most); SsoSetupError if not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SsoSetupError(
            _("Enter the metadata URL in full, starting with https://, or paste the metadata XML.")
        )
    if not allow_private_addresses:
        _refuse_private_host(parts.hostname)
    try:
        with requests.get(
            url.strip(), timeout=METADATA_TIMEOUT_SECONDS, stream=True, allow_redirects=False
        ) as answer:
            answer.raise_for_status()
            body = b""
            for chunk in answer.iter_content(64 * 1024):
                body += chunk
                if len(body) > METADATA_MAX_BYTES:
                    raise SsoSetupError(
                        _("The file at this URL is too large to be metadata. Check the URL.")
                    )
    except requests.RequestException:
        raise SsoSetupError(
            _(
                "The metadata could not be downloaded from this URL. Check the URL, or download "
                "the metadata file and paste it here instead."
            )
        ) from None
    text = body.decode("utf-8", errors="replace")
    read_idp_metadata(text)  # says what is wrong before anything is saved
    return text


def begin(idp_metadata_xml: str, entity_id: str, acs_url: str, relay_state: str) -> tuple[str, str]:
    """The provider's sign-in URL carrying a fresh AuthnRequest, and that request's ID to keep."""
    summary = read_idp_metadata(idp_metadata_xml)
    client = Saml2Client(_config(entity_id, acs_url, idp_metadata_xml))
    request_id, info = client.prepare_for_authenticate(
        entityid=summary.entity_id,
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
        sigalg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    location = dict(info["headers"])["Location"]
    return location, request_id


def _has_signature_elsewhere(saml_response: str) -> bool:
    """Whether a refused 'unsigned' response still carries a signature somewhere (wrapping)."""
    import base64

    try:
        root = fromstring(base64.b64decode(saml_response, validate=False))
    except (ParseError, DefusedXmlException, ValueError):
        return False
    return root.find(f".//{_SIGNATURE}") is not None


def _refuse_weak_algorithms(saml_response: str) -> None:
    """SsoRefused("unsupported_algorithm") if any signature in the response uses a signature
    or digest algorithm outside the allow-lists. A response that does not parse is left to
    pysaml2, which refuses it with its own reason."""
    import base64

    try:
        root = fromstring(base64.b64decode(saml_response, validate=False))
    except (ParseError, DefusedXmlException, ValueError):
        return
    for signature in root.iter(_SIGNATURE):
        for method in signature.iter(f"{{{_DS}}}SignatureMethod"):
            if method.get("Algorithm") not in SIGNATURE_ALGORITHMS:
                raise SsoRefused("unsupported_algorithm", f"signed with {method.get('Algorithm')}")
        for method in signature.iter(f"{{{_DS}}}DigestMethod"):
            if method.get("Algorithm") not in DIGEST_ALGORITHMS:
                raise SsoRefused("unsupported_algorithm", f"digest {method.get('Algorithm')}")


def _reason(error: Exception, saml_response: str) -> str:
    """Which REFUSALS code names what pysaml2 objected to."""
    text = str(error)
    if isinstance(error, UnsolicitedResponse) or "requestURI I don't recall" in text:
        return "unknown_request"
    if isinstance(error, InvalidAssertion):
        return "wrapped"  # more than one assertion: a second one slipped beside the signed one
    if isinstance(error, MissingKey):
        return "wrong_issuer"
    if isinstance(error, ResponseLifetimeExceed):
        return "expired"
    if isinstance(error, ToEarly):
        return "not_yet_valid"
    if isinstance(error, StatusError):
        return "provider_error"
    if "AudienceRestrictions" in text:
        return "wrong_audience"
    if isinstance(error, VerificationError) and "recipient" in text:
        return "wrong_destination"
    if isinstance(error, SigverError | IncorrectlySigned) and (
        "missing" in text.lower() or "Neither" in text or isinstance(error, IncorrectlySigned)
    ):
        return "wrapped" if _has_signature_elsewhere(saml_response) else "unsigned"
    if isinstance(error, SignatureError | SigverError):
        return "bad_signature"
    return "provider_error"


def _time(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(str_to_time(value)), UTC) if value else None


def _valid_until(assertion) -> datetime:
    """When the assertion stops being acceptable anyway: how long its ID must be remembered."""
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        return _time(assertion.conditions.not_on_or_after)
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            return _time(data.not_on_or_after)
    return datetime.now(UTC) + timedelta(days=1)  # pysaml2 accepts an IssueInstant up to a day old


def _attributes(assertion) -> dict[str, tuple[str, ...]]:
    """Every attribute by the provider's own Name (and its FriendlyName too, when it has one)."""
    attributes: dict[str, tuple[str, ...]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = tuple(
                (value.text or "").strip() for value in attribute.attribute_value if value.text
            )
            for name in (attribute.name, attribute.friendly_name):
                if name and name not in attributes:
                    attributes[name] = values
    return attributes


def finish(
    idp_metadata_xml: str,
    entity_id: str,
    acs_url: str,
    saml_response: str,
    outstanding: Mapping[str, str],
) -> Received:
    """What the provider asserted, once pysaml2 has proven the response; SsoRefused if it cannot."""
    summary = read_idp_metadata(idp_metadata_xml)
    _refuse_weak_algorithms(saml_response)
    client = Saml2Client(_config(entity_id, acs_url, idp_metadata_xml))
    try:
        response = client.parse_authn_request_response(
            saml_response,
            BINDING_HTTP_POST,
            outstanding=dict(outstanding),
            # pysaml2 checks a SubjectConfirmation's Recipient only when given conv_info, against
            # its entity_id and the ACS URLs: naming the ACS URL there makes the check strict.
            conv_info={"entity_id": acs_url},
        )
    except Exception as error:  # pysaml2 raises bare Exception for audience and unknown requests
        raise SsoRefused(_reason(error, saml_response), str(error)[:300]) from None
    if response is None:
        raise SsoRefused("provider_error", "not a SAML response")
    if response.assertion is None:
        # pysaml2 stops without raising when the Destination is not this ACS URL.
        destination = response.response.destination if response.response is not None else None
        if destination and destination != acs_url:
            raise SsoRefused("wrong_destination", f"Destination {destination}")
        raise SsoRefused("provider_error", "no assertion")
    assertion = response.assertion
    issuers = {response.issuer(), (assertion.issuer.text or "").strip() if assertion.issuer else ""}
    if issuers - {summary.entity_id, ""} or not issuers - {""}:
        raise SsoRefused("wrong_issuer", f"Issuer {sorted(issuers)}")
    name_id = response.name_id
    return Received(
        subject=(name_id.text or "").strip() if name_id is not None else "",
        attributes=_attributes(assertion),
        message_id=assertion.id,
        valid_until=_valid_until(assertion),
    )
