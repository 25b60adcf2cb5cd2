"""A small SAML identity provider on pysaml2's `saml2.server.Server`: the development IdP's engine.

The app's development identity provider (`dev_idp.py`, demo mode only) and the tests' real
identity provider in its own process (`tests/sso/saml_idp.py`) run this same code, each with
its own key. It trusts the service provider named in the AuthnRequest (its entity ID and ACS
URL), which a production identity provider never would: it is for trying things out.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import decode_base64_and_inflate
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.samlp import authn_request_from_string
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .saml import sp_metadata_xml

PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # nosec B105: a SAML URN


@dataclass(frozen=True)
class IdpIdentity:
    """Who this identity provider is: its entity ID, sign-in URL and key pair (PEM files)."""

    entity_id: str
    sso_url: str
    key_file: str
    cert_file: str


@dataclass(frozen=True)
class Person:
    """Someone the identity provider vouches for."""

    email: str
    first_name: str = ""
    last_name: str = ""
    extra: Mapping[str, tuple[str, ...]] | None = None  # e.g. a user-type or group attribute


@dataclass(frozen=True)
class PendingRequest:
    """An AuthnRequest as the identity provider read it."""

    id: str
    sp_entity_id: str
    acs_url: str
    relay_state: str
    saml_request: str


def _config(identity: IdpIdentity, sp_metadata: str = "") -> IdPConfig:
    settings = {
        "entityid": identity.entity_id,
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin"]),
        "key_file": identity.key_file,
        "cert_file": identity.cert_file,
        "delete_tmpfiles": True,
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [
                        (identity.sso_url, BINDING_HTTP_REDIRECT),
                        (identity.sso_url, BINDING_HTTP_POST),
                    ]
                },
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
            }
        },
    }
    if sp_metadata:
        settings["metadata"] = {"inline": [sp_metadata]}
    config = IdPConfig()
    config.load(settings)
    return config


def idp_metadata_xml(identity: IdpIdentity) -> str:
    """The identity provider's metadata: entity ID, sign-in URL and signing certificate."""
    return create_metadata_string(None, config=_config(identity), valid=0).decode()


def read_request(identity: IdpIdentity, saml_request: str, relay_state: str = "") -> PendingRequest:
    """The AuthnRequest sent with the HTTP-Redirect binding, checked by pysaml2 against its SP."""
    message = authn_request_from_string(decode_base64_and_inflate(saml_request))
    if message is None or message.issuer is None or not message.assertion_consumer_service_url:
        raise ValueError("not an AuthnRequest with an issuer and an ACS URL")
    sp_entity_id = message.issuer.text.strip()
    acs_url = message.assertion_consumer_service_url
    server = Server(config=_config(identity, sp_metadata_xml(sp_entity_id, acs_url)))
    parsed = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    return PendingRequest(parsed.id, sp_entity_id, acs_url, relay_state, saml_request)


def _ava(person: Person) -> dict[str, list[str]]:
    attributes = {
        "mail": [person.email],
        "givenName": [person.first_name],
        "sn": [person.last_name],
    }
    for name, values in (person.extra or {}).items():
        attributes[name] = list(values)
    return {name: values for name, values in attributes.items() if any(values)}


def response_xml(
    identity: IdpIdentity,
    request: PendingRequest,
    person: Person,
    *,
    sign_response: bool = True,
    sign_assertion: bool = True,
) -> str:
    """The SAML Response for `request` vouching for `person`, signed with the IdP's own key."""
    server = Server(
        config=_config(identity, sp_metadata_xml(request.sp_entity_id, request.acs_url))
    )
    response = server.create_authn_response(
        identity=_ava(person),
        in_response_to=request.id,
        destination=request.acs_url,
        sp_entity_id=request.sp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=person.email),
        authn={"class_ref": PASSWORD_CONTEXT},
        sign_response=sign_response,
        sign_assertion=sign_assertion,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    return str(response)


def encoded(xml: str) -> str:
    """A response as the HTTP-POST binding carries it (the SAMLResponse form field)."""
    return base64.b64encode(xml.encode()).decode()
