"""What other pages say about single sign-on: who joined through it, and the business's link."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import SsoMember
from .endpoints import sign_in_url
from .providers import provider_of


def joined_via_sso(user_ids: Iterable[int]) -> set[int]:
    """Which of these people came into the business through single sign-on (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.execute(
            select(SsoMember.user_id).where(
                SsoMember.user_id.in_(ids), SsoMember.joined_via_sso.is_(True)
            )
        ).scalars()
    )


def sso_link(account_id: int) -> str:
    """The business's own single sign-on link while it is on, else "" (for guides and mail)."""
    provider = provider_of(account_id)
    return sign_in_url(provider) if provider is not None and provider.enabled else ""
