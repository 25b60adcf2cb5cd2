"""The settings page's "Test the connection": what a round trip brought back, kept to show.

A test signs nobody in and creates nobody: it records what the provider sent, what the
mapping makes of it, and what would stop a real sign-in, on the provider's row.
"""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import IdentityProvider
from ..models.types import utcnow
from .mapping import claims_from
from .protocol import Received, SsoRefused
from .providers import on_verified_domain

# Enough to recognise every attribute without keeping a whole directory entry.
MAX_ATTRIBUTES = 50
MAX_VALUES = 10


def record_test(provider: IdentityProvider, received: Received) -> None:
    """Keep what a test round trip received and what it maps to. Commits."""
    attributes = [
        [name, [str(v)[:200] for v in list(values)[:MAX_VALUES]]]
        for name, values in sorted(received.attributes.items())[:MAX_ATTRIBUTES]
    ]
    result: dict[str, Any] = {"subject": received.subject[:500], "attributes": attributes}
    try:
        claims = claims_from(provider.mapping, received)
    except SsoRefused:
        result["problem"] = "no_email"
    else:
        result["claims"] = {
            "email": claims.email,
            "first_name": claims.first_name,
            "last_name": claims.last_name,
            "user_type": str(claims.user_type) if claims.user_type else None,
            "role": str(claims.role) if claims.role else None,
        }
        if not on_verified_domain(provider.account_id, claims.email):
            result["problem"] = "outside_domains"
    provider.test_result = result
    provider.tested_at = utcnow()
    db.session.commit()


def record_test_failure(provider: IdentityProvider, reason: str) -> None:
    """A test round trip the provider's answer could not pass. Commits."""
    provider.test_result = {"refused": reason}
    provider.tested_at = utcnow()
    db.session.commit()


def start_test(provider: IdentityProvider) -> None:
    """A test round trip begins: until it comes back, the page says it is waiting. Commits."""
    provider.test_result = {"waiting": True}
    provider.tested_at = utcnow()
    db.session.commit()
