"""The bearer tokens a business's identity provider sends with every SCIM request.

A token is shown once, when it is made; only its SHA-256 hash is stored (a token is 256 random
bits, so a fast hash is enough: there is nothing to guess). Owners make, rotate and revoke
them on the SCIM page; a revoked token stops working at once.
"""

from __future__ import annotations

from datetime import datetime

from ..models import Account, ScimToken, User

PREFIX = "scim_"


def create_token(account: Account, by_user: User, *, now: datetime) -> str:
    """A new token for the business: returns the plain token (shown once), stores its hash,
    records the audit line. Adds to the caller's transaction; does not commit."""
    raise NotImplementedError


def revoke_token(account: Account, token_id: int, *, now: datetime) -> ScimToken | None:
    """Revoke one of the business's tokens (None when it has no such token). Adds to the
    caller's transaction; does not commit."""
    raise NotImplementedError


def account_for_token(plain: str, *, now: datetime) -> Account | None:
    """The business a presented token belongs to, or None (unknown, malformed or revoked).

    Looks the hash up and compares it in constant time; sets last_used_at (at most once a
    minute) and commits that alone, so call it before anything else in the request."""
    raise NotImplementedError
