"""What the two protocols hand to the rest of single sign-on, and how they say no.

Both `saml.py` and `oidc.py` finish a sign-in by returning a `Received` or raising
`SsoRefused` with one of the `REFUSALS` codes; setting a provider up fails with
`SsoSetupError`, whose message is shown to the owner as it is. Nothing here touches the
request or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# Why a sign-in was refused. The refusal page and the audit log name the reason by this code;
# the protocol modules never invent a new one without adding it here.
REFUSALS = (
    "unsigned",  # SAML: neither the response nor the assertion carries a valid signature
    "bad_signature",  # does not verify with the provider's key (altered, or another key)
    "wrapped",  # SAML: signature wrapping, an unsigned assertion beside or around a signed one
    "wrong_audience",  # SAML audience / OIDC `aud` is not this app
    "wrong_destination",  # SAML Destination or Recipient is not this app's ACS URL
    "expired",  # assertion or ID token no longer valid
    "not_yet_valid",  # assertion valid only later (NotBefore) or token issued in the future
    "replayed",  # a response, assertion or token this app has already accepted
    "unknown_request",  # SAML InResponseTo this app did not issue (or already used)
    "wrong_state",  # OIDC `state` missing or not the one this browser was given
    "wrong_nonce",  # OIDC `nonce` in the ID token is not the one sent
    "wrong_issuer",  # SAML Issuer / OIDC `iss` is not the configured provider
    # OIDC `alg: none` or an algorithm the provider did not announce; SAML signed or digested
    # with SHA-1 (or anything outside saml.SIGNATURE_ALGORITHMS / DIGEST_ALGORITHMS)
    "unsupported_algorithm",
    "unknown_key",  # a token signed by a key the provider does not publish
    "no_email",  # the provider did not say which email address signed in
    "provider_error",  # the provider answered with an error or could not be reached
)


@dataclass(frozen=True)
class Received:
    """What an identity provider asserted about the person who signed in, once proven.

    `attributes` holds every attribute or claim received, by the provider's own name, each
    with its values (SAML attributes are multi-valued; a single OIDC claim becomes a
    one-element tuple). `subject` is the SAML NameID or the OIDC `sub`. `message_id` is
    what makes the message unique (assertion ID, or the ID token's `jti`/nonce) for the
    replay check; `valid_until` is when it stops being acceptable anyway.
    """

    subject: str
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    message_id: str = ""
    valid_until: datetime | None = None  # UTC


class SsoRefused(Exception):
    """The provider's answer cannot be trusted; nothing is created, the reason is logged."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REFUSALS:
            raise ValueError(f"unknown refusal reason {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail  # for the audit log and the operator, never shown to the person


class SsoSetupError(Exception):
    """A provider's settings cannot work (bad metadata, unreachable issuer...).

    `message` is written for the owner (already translated by the caller's locale when raised
    inside a request) and says what to do next.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
