"""A small SAML identity provider on pysaml2's `saml2.server.Server`: the development IdP's engine.

The app's development identity provider (`dev_idp.py`, demo mode only) and the tests' real
identity provider in its own process (`tests/sso/saml_idp.py`) run this same code, each with
its own key. It trusts the service provider named in the AuthnRequest (its entity ID and ACS
URL), which a production identity provider never would: it is for trying things out. The
app's own instance (`development_identity`) serves it at /dev/idp/ in demo mode only, to this
machine only (`views/dev_idp.py`), like the development mailbox.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


# ---------------------------------------------------------------- the app's development IdP

# Who the development identity provider lets you sign in as (demo mode): the demo people on
# acme.example, someone with no account yet, and someone outside Acme's verified domain.
DEMO_PEOPLE = (
    Person("ana.pro@acme.example", "Ana", "Pro"),
    Person("ben.pro@acme.example", "Ben", "Pro"),
    Person("dora@acme.example", "Dora", "Basic"),
    Person("member@acme.example", "Mia", "Member"),
    Person("nora.new@acme.example", "Nora", "New"),
    Person("chen.pro@partner.example", "Chen", "Pro"),
)


def _make_key_pair(key_file: Path, cert_file: Path) -> None:
    """A self-signed RSA key pair for the development IdP, made once per instance folder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Development identity provider")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def development_identity(instance_path: str, base_url: str) -> IdpIdentity:
    """The development IdP of this installation: served at /dev/idp/, key in the instance folder."""
    folder = Path(instance_path) / "dev_idp"
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    if not key_file.exists() or not cert_file.exists():
        _make_key_pair(key_file, cert_file)
    base = base_url.rstrip("/")
    return IdpIdentity(
        f"{base}/dev/idp/metadata", f"{base}/dev/idp/sso", str(key_file), str(cert_file)
    )
