"""The bearer tokens a business's identity provider sends with every SCIM request.

A token is shown once, when it is made; only its SHA-256 hash is stored (a token is 256 random
bits, so a fast hash is enough: there is nothing to guess). Owners make, rotate and revoke
them on the SCIM page; a revoked token stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..common import audit
from ..extensions import db
from ..models import Account, ScimToken, User

PREFIX = "scim_"
# last_used_at is written at most this often: a busy provider does not write on every request.
USE_RECORDED_EVERY = timedelta(minutes=1)


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def create_token(account: Account, by_user: User, *, now: datetime) -> str:
    """A new token for the business: returns the plain token (shown once), stores its hash,
    records the audit line. Adds to the caller's transaction; does not commit."""
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(
        account_id=account.id,
        token_hash=token_hash(plain),
        hint=plain[-4:],
        created_by_id=by_user.id,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("scim_token_created", account_id=account.id, actor_id=by_user.id,
                 details={"hint": token.hint})
    return plain


def revoke_token(
    account: Account, token_id: int, *, now: datetime, by_user: User | None = None
) -> ScimToken | None:
    """Revoke one of the business's tokens (None when it has no such token still working).
    Adds to the caller's transaction; does not commit."""
    token = db.session.execute(
        select(ScimToken).where(
            ScimToken.id == token_id,
            ScimToken.account_id == account.id,
            ScimToken.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    if token is None:
        return None
    token.revoked_at = now
    audit.record("scim_token_revoked", account_id=account.id,
                 actor_id=by_user.id if by_user else None, details={"hint": token.hint})
    return token


def tokens_of(account_id: int) -> list[ScimToken]:
    """The business's tokens still working, newest first (revoked ones are in the audit log)."""
    return list(
        db.session.scalars(
            select(ScimToken)
            .where(ScimToken.account_id == account_id, ScimToken.revoked_at.is_(None))
            .order_by(ScimToken.created_at.desc(), ScimToken.id.desc())
        )
    )


def account_for_token(plain: str, *, now: datetime) -> Account | None:
    """The business a presented token belongs to, or None (unknown, malformed or revoked).

    Looks the hash up and compares it in constant time; sets last_used_at (at most once a
    minute) and commits that alone, so call it before anything else in the request."""
    if not isinstance(plain, str) or not plain.startswith(PREFIX) or len(plain) > 200:
        token_hash("not a token")  # the same work either way
        return None
    wanted = token_hash(plain)
    token = db.session.execute(
        select(ScimToken).where(ScimToken.token_hash == wanted)
    ).scalar_one_or_none()
    if token is None or not hmac.compare_digest(token.token_hash, wanted):
        return None
    if token.revoked_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        db.session.execute(
            update(ScimToken).where(ScimToken.id == token.id).values(last_used_at=now)
        )
        db.session.commit()
    return db.session.get(Account, token.account_id)
