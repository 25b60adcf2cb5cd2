"""Single-use, expiring links emailed to one person (password reset, a new address).

Made with the same pieces as invitation links (wizard/accept/tokens.py): a random nonce, the
token an HMAC of it with the app's secret key, only the token's hash stored. The token is
never in the outbox: the email's link is derived from the row when the mail goes out. The
state of a link is decided in one place, `usable_link`, and every way it can be unusable
(unknown, used, expired) gives the same answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..accept.tokens import new_nonce, token_for, token_hash
from ..extensions import db
from ..models import PersonalLink
from ..models.types import utcnow

PASSWORD_RESET = "password_reset"  # nosec B105 - a kind of link, not a password
ADDRESS_CHANGE = "address_change"
# The page each kind of link opens (an endpoint taking `token`).
ENDPOINTS = {PASSWORD_RESET: "recovery.reset_password", ADDRESS_CHANGE: "account.confirm_address"}


def link_token(link: PersonalLink) -> str:
    """The token in a link's address (only someone with the secret key can make it)."""
    return token_for(link.token_nonce, purpose=link.purpose)


def issue_link(
    user_id: int,
    purpose: str,
    valid_for: timedelta,
    *,
    now: datetime | None = None,
    new_email: str | None = None,
    invitation_id: int | None = None,
) -> PersonalLink:
    """A new link for a person (no commit). Earlier unused links of the same kind stop
    working: only the newest email's link opens the page."""
    now = now or utcnow()
    db.session.execute(
        update(PersonalLink)
        .where(
            PersonalLink.user_id == user_id,
            PersonalLink.purpose == purpose,
            PersonalLink.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    link = PersonalLink(
        user_id=user_id,
        purpose=purpose,
        new_email=new_email,
        invitation_id=invitation_id,
        token_nonce=new_nonce(),
        created_at=now,
        expires_at=now + valid_for,
    )
    link.token_hash = token_hash(link_token(link))
    db.session.add(link)
    db.session.flush()
    return link


def usable_link(token: str, purpose: str, now: datetime | None = None) -> PersonalLink | None:
    """The link behind a token if it can still be used; None if unknown, used or expired."""
    now = now or utcnow()
    link = db.session.execute(
        select(PersonalLink).where(PersonalLink.token_hash == token_hash(token or ""))
    ).scalar_one_or_none()
    if link is None or link.purpose != purpose or link.used_at is not None:
        return None
    return link if now < link.expires_at else None


def use_link(link: PersonalLink, now: datetime) -> bool:
    """Mark a link used, once: False if another request used it first (no commit)."""
    claimed = db.session.execute(
        update(PersonalLink)
        .where(PersonalLink.id == link.id, PersonalLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1
