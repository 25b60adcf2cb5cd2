"""Finding a business's identity provider (by an address's verified domain, or by its slug),
and remembering which messages were already accepted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..domains.verification import DomainRefused, normalise_domain, verified_domain_names
from ..extensions import db
from ..models import Account, IdentityProvider, SsoSeenMessage, VerifiedDomain
from ..models.types import utcnow

# How long a message id is kept when the protocol gives no end of validity.
DEFAULT_REMEMBER = timedelta(hours=24)


def domain_of_address(email: str) -> str | None:
    """The IDNA form of an address's domain, or None when it has none worth looking up."""
    _local, at, domain = (email or "").strip().rpartition("@")
    if not at:
        return None
    try:
        return normalise_domain(domain)
    except DomainRefused:
        return None


def on_verified_domain(account_id: int, email: str) -> bool:
    """Whether the address is on one of the business's verified domains."""
    domain = domain_of_address(email)
    return domain is not None and domain in verified_domain_names(account_id)


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider of the business that verified the address's domain, if any."""
    domain = domain_of_address(email)
    if domain is None:
        return None
    return db.session.execute(
        select(IdentityProvider)
        .join(VerifiedDomain, VerifiedDomain.account_id == IdentityProvider.account_id)
        .where(
            VerifiedDomain.domain == domain,
            VerifiedDomain.verified_at.is_not(None),
            IdentityProvider.enabled.is_(True),
        )
    ).scalar_one_or_none()


def provider_for_slug(slug: str) -> IdentityProvider | None:
    """The provider behind /sso/<slug>, enabled or not (the page says which)."""
    return db.session.execute(
        select(IdentityProvider).where(IdentityProvider.slug == (slug or "").lower())
    ).scalar_one_or_none()


def provider_of(account_id: int) -> IdentityProvider | None:
    """The business's provider, if it has set one up."""
    return db.session.execute(
        select(IdentityProvider).where(IdentityProvider.account_id == account_id)
    ).scalar_one_or_none()


def slugify(name: str) -> str:
    """"Acme Corp" → "acme-corp"; letters and digits only, at most 50 characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug or "business"


def free_slug(account: Account) -> str:
    """A slug made from the business's name that no other business has taken."""
    base = slugify(account.name)
    taken = set(
        db.session.execute(
            select(IdentityProvider.slug).where(IdentityProvider.slug.like(f"{base}%"))
        ).scalars()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def remember_once(
    provider: IdentityProvider, message_id: str, valid_until: datetime | None
) -> bool:
    """Record that a message was accepted; False when it was already (a replay).

    An INSERT against the unique (provider, message id): two copies racing each other cannot
    both get in, whichever database. Commits. Expired ids are swept on the way."""
    now = utcnow()
    provider_id = provider.id
    db.session.execute(delete(SsoSeenMessage).where(SsoSeenMessage.expires_at < now))
    # Kept a day past the message's own end, for providers whose clocks run a little behind.
    expires_at = max(valid_until or now, now) + DEFAULT_REMEMBER
    if len(message_id) > 255:  # ids are short in practice; a long one is kept as its hash
        message_id = "sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    db.session.add(
        SsoSeenMessage(provider_id=provider_id, message_id=message_id, expires_at=expires_at)
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
