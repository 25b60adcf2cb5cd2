"""OpenID Connect: the authorization code flow with PKCE, state and nonce, through Authlib.

`discover` reads a provider's discovery document (the settings page checks an issuer with
it); `begin` makes the URL that sends the person to the provider and what the browser's
session must keep until they come back (`pending`); `finish` proves what came back and hands
it over as a `Received`, or raises `SsoRefused` naming the attack or failure. Authlib and
joserfc do the security work (PKCE, the token request, the ID token's signature and claims);
this module chooses what to trust: only the keys the issuer publishes, only the algorithms
it announces (never `none`), only tokens for this client, from this issuer, with this nonce.
Nothing here touches the request, the session or the database.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask_babel import gettext as _
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from wizard.sso.protocol import Received, SsoRefused, SsoSetupError

SCOPES = "openid email profile"
TIMEOUT_SECONDS = 10
MAX_DOCUMENT_BYTES = 512 * 1024  # a discovery document or key set is a few kilobytes
# Clocks differ a little between the provider and this server; tokens live minutes anyway.
LEEWAY_SECONDS = 60
# What discovery announces when it says nothing (OpenID Connect Discovery 1.0, section 3).
DEFAULT_ALGORITHMS = ("RS256",)
# Symmetric algorithms would verify with the client secret, not a published key; a provider
# configured here signs with its own key.
REFUSED_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})


def discovery_url(issuer: str) -> str:
    """Where an issuer publishes its discovery document."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def discover(issuer: str) -> dict[str, Any]:
    """The provider's discovery document; SsoSetupError saying what to check if it cannot work.

    An issuer pasted with spaces around it or a trailing slash is the one its document names
    (`document["issuer"]`, which the settings keep); any other difference is refused."""
    issuer = issuer.strip()
    try:
        document = _get_json(discovery_url(issuer))
    except requests.RequestException:
        raise SsoSetupError(
            _(
                "The identity provider at %(issuer)s could not be reached. Check the issuer "
                "URL (it is shown in your provider's OpenID Connect settings) and try again.",
                issuer=issuer,
            )
        ) from None
    except ValueError:
        raise SsoSetupError(
            _(
                "%(issuer)s did not answer with an OpenID Connect discovery document. Check "
                "that the issuer URL is the one your provider shows for OpenID Connect.",
                issuer=issuer,
            )
        ) from None
    named = document.get("issuer") if isinstance(document, dict) else None
    if not isinstance(named, str) or named.rstrip("/") != issuer.rstrip("/"):
        raise SsoSetupError(
            _(
                "The provider calls itself %(named)s, not %(issuer)s. Enter the issuer URL "
                "exactly as the provider shows it.",
                named=str(document.get("issuer", "")) if isinstance(document, dict) else "",
                issuer=issuer,
            )
        )
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document.get(key), str)
    ]
    if missing:
        raise SsoSetupError(
            _(
                "The provider's discovery document does not name its %(missing)s, so sign-in "
                "cannot work. Ask your provider's administrator to check its OpenID Connect "
                "settings.",
                missing=", ".join(missing),
            )
        )
    return document


def begin(issuer: str, client_id: str, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The provider's sign-in URL, and what the session keeps until the person comes back."""
    endpoint = discover(issuer)["authorization_endpoint"]
    pending = {
        "issuer": issuer,
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "code_verifier": secrets.token_urlsafe(64),
    }
    with _client(client_id, redirect_uri=redirect_uri) as client:
        url, _state = client.create_authorization_url(
            endpoint,
            state=pending["state"],
            nonce=pending["nonce"],
            code_verifier=pending["code_verifier"],
        )
    return url, pending


def finish(
    issuer: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    callback_args: Mapping[str, str],
    pending: Mapping[str, str] | None,
) -> Received:
    """Prove what the provider sent back to the callback; SsoRefused if it cannot be trusted."""
    _check_callback(issuer, callback_args, pending or {})
    assert pending is not None  # _check_callback refuses a missing one  # nosec B101
    try:
        metadata = discover(issuer)
    except SsoSetupError as error:
        raise SsoRefused("provider_error", error.message) from None
    with _client(client_id, client_secret, redirect_uri) as client:
        try:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=callback_args["code"],
                code_verifier=pending["code_verifier"],
            )
        except (OAuthError, requests.RequestException, ValueError, JoseError) as error:
            raise SsoRefused("provider_error", f"token request failed: {error}") from None
        if "id_token" not in token:
            raise SsoRefused("provider_error", "the token response has no id_token")
        claims = _verified_id_token(metadata, client_id, pending["nonce"], token)
        if "email" not in claims and metadata.get("userinfo_endpoint"):
            claims = {**_userinfo(client, metadata["userinfo_endpoint"], claims["sub"]), **claims}
    return _received(claims, pending["nonce"])


def _check_callback(issuer: str, args: Mapping[str, str], pending: Mapping[str, str]) -> None:
    """The callback belongs to the sign-in this browser started, at this provider."""
    expected = pending.get("state", "")
    if not expected or not hmac.compare_digest(args.get("state", ""), expected):
        raise SsoRefused("wrong_state", "the state does not match the sign-in this browser began")
    # RFC 9207: a provider that names itself in the callback must be the one we sent them to
    # (the mix-up attack); the configuration must not have changed under the sign-in either.
    if pending.get("issuer") != issuer or args.get("iss", issuer) != issuer:
        raise SsoRefused("wrong_issuer", f"callback from {args.get('iss')!r}, expected {issuer!r}")
    if "error" in args:
        detail = f"{args['error']}: {args.get('error_description', '')}"
        raise SsoRefused("provider_error", detail[:300])
    if not args.get("code"):
        raise SsoRefused("provider_error", "the callback carries no authorization code")


def _verified_id_token(
    metadata: Mapping[str, Any], client_id: str, nonce: str, token: Mapping[str, Any]
) -> dict[str, Any]:
    """The ID token's claims once its algorithm, key, signature and claims are checked."""
    raw = token["id_token"]
    announced = metadata.get("id_token_signing_alg_values_supported") or DEFAULT_ALGORITHMS
    allowed = [alg for alg in announced if alg not in REFUSED_ALGORITHMS]
    try:
        algorithm = jws.extract_compact(raw.encode()).protected.get("alg")
    except (JoseError, ValueError, AttributeError):
        raise SsoRefused("provider_error", "the ID token is not a compact JWS") from None
    if algorithm not in allowed:
        raise SsoRefused("unsupported_algorithm", f"alg {algorithm!r}, allowed {allowed}")
    try:
        keys = KeySet.import_key_set(_get_json(metadata["jwks_uri"]))
    except (requests.RequestException, ValueError, JoseError) as error:
        raise SsoRefused("provider_error", f"the provider's keys: {error}") from None
    try:
        decoded = jwt.decode(raw, keys, registry=JWSRegistry(algorithms=allowed))
    except InvalidKeyIdError:
        raise SsoRefused("unknown_key", "signed by a key the provider does not publish") from None
    except BadSignatureError:
        raise SsoRefused("bad_signature", "the ID token's signature does not verify") from None
    except JoseError as error:
        raise SsoRefused("provider_error", f"the ID token: {error}") from None
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id},
        },
        {"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
    )
    try:
        claims.validate(leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise SsoRefused("expired", f"expired at {claims.get('exp')}") from None
    except (InvalidClaimError, MissingClaimError) as error:
        raise SsoRefused(*_claim_refusal(error.claim, claims)) from None
    except JoseError as error:
        raise SsoRefused("provider_error", f"the ID token's claims: {error}") from None
    return dict(claims)


def _claim_refusal(claim: str, claims: Mapping[str, Any]) -> tuple[str, str]:
    """The refusal code for an ID token claim that did not validate."""
    reasons = {
        "iss": "wrong_issuer",
        "aud": "wrong_audience",
        "azp": "wrong_audience",
        "nonce": "wrong_nonce",
        "at_hash": "bad_signature",
        "iat": "not_yet_valid",  # issued in the future
        "nbf": "not_yet_valid",
    }
    return reasons.get(claim, "provider_error"), f"claim {claim}: {claims.get(claim)!r}"


def _userinfo(client: OAuth2Session, endpoint: str, subject: str) -> dict[str, Any]:
    """The userinfo claims, which must be about the person the ID token names."""
    try:
        response = client.get(endpoint)
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SsoRefused("provider_error", f"userinfo: {error}") from None
    if not isinstance(info, dict) or info.get("sub") != subject:
        raise SsoRefused("provider_error", "userinfo is about someone else than the ID token")
    return info


def _received(claims: Mapping[str, Any], nonce: str) -> Received:
    """The proven claims as the rest of single sign-on reads them (every value a tuple of text)."""
    attributes: dict[str, tuple[str, ...]] = {}
    for name, value in claims.items():
        values = value if isinstance(value, list) else [value]
        if all(isinstance(item, str | int | float | bool) for item in values):
            attributes[name] = tuple(_text(item) for item in values)
    # An address the provider itself has not verified is not an address it vouches for: a
    # person could type the owner's into their profile there.
    if claims.get("email_verified") is False:
        attributes.pop("email", None)
    return Received(
        subject=str(claims["sub"]),
        attributes=attributes,
        # The nonce is this app's own, fresh for every sign-in; `jti` when the provider sets one.
        message_id=str(claims.get("jti") or nonce),
        valid_until=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )


def _text(value: str | int | float | bool) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _client(
    client_id: str, client_secret: str | None = None, redirect_uri: str | None = None
) -> OAuth2Session:
    return OAuth2Session(
        client_id,
        client_secret,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # nosec B106 - a method, not a secret
        default_timeout=TIMEOUT_SECONDS,
    )


def _get_json(url: str) -> Any:
    """A small JSON document over HTTP(S), with a timeout and a size cap."""
    with requests.get(url, timeout=TIMEOUT_SECONDS, stream=True) as response:
        response.raise_for_status()
        body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"{url} answered with more than {MAX_DOCUMENT_BYTES} bytes")
    return json.loads(body)
