"""Invitation link tokens.

Each invitation has a random 256-bit nonce. Its token is HMAC-SHA256(SECRET_KEY, nonce) in
URL-safe base64; the database stores the nonce and SHA-256(token), never the token itself, so
neither the database nor the outbox holds a working link. A new nonce (resend) kills the old
link. Looking a token up by its hash takes the same path whether it exists or not.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def new_nonce() -> str:
    """256 random bits, hex-encoded."""
    return secrets.token_hex(32)


def token_for(nonce: str, purpose: str = "invitation-link") -> str:
    """The link token for a nonce: only someone with the app's secret key can make it.

    `purpose` keeps kinds of link apart: a password-reset token is never an invitation's."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """What the database stores to find an invitation by its token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(invitation) -> str:
    """Give an invitation a fresh nonce (killing any earlier link); return the new token."""
    invitation.token_nonce = new_nonce()
    token = token_for(invitation.token_nonce)
    invitation.token_hash = token_hash(token)
    return token


def invitation_url(invitation) -> str:
    """The absolute link for an invitation, from the configured BASE_URL (never the Host)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/invitation/{token_for(invitation.token_nonce)}"
