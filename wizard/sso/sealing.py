"""The OpenID Connect client secret, stored encrypted with a key derived from SECRET_KEY.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`): the database alone does not give
the secret away. When SECRET_KEY changes, old secrets no longer open: `unseal` then says so,
and the owner enters the secret again on the settings page.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from .protocol import SsoSetupError


def _fernet() -> Fernet:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    # A key of its own for this one use, so it is never the session's signing key itself.
    derived = hashlib.sha256(b"sso-client-secret:" + key).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret: str) -> str:
    """The secret, encrypted for storing."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    """The secret again; SsoSetupError when it cannot be opened (SECRET_KEY changed)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SsoSetupError(
            "The stored client secret cannot be read any more (the app's secret key has "
            "changed). Enter the client secret again on the single sign-on page."
        ) from exc
