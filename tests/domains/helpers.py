"""Small factories for the domain tests."""

import re
import secrets
from datetime import timedelta

from sqlalchemy import select

from tests.helpers import submit
from wizard.extensions import db
from wizard.models import Account, Invitation, InvitationStatus, User, UserType, VerifiedDomain
from wizard.models.types import utcnow

DOMAINS = "/users/domains/"
PEOPLE = "/users/domains/people"


def add_domain(client, domain: str, **kw):
    return submit(client, DOMAINS, {"domain": domain}, **kw)


def domain_row(app, domain: str, business: str = "Acme Corp") -> VerifiedDomain | None:
    with app.app_context():
        row = db.session.execute(
            select(VerifiedDomain)
            .join(Account, Account.id == VerifiedDomain.account_id)
            .where(VerifiedDomain.domain == domain, Account.name == business)
        ).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def check(client, domain_id: int, **kw):
    return submit(client, f"/users/domains/{domain_id}/check", page=DOMAINS, **kw)


def invite(
    app,
    email: str,
    *,
    business: str = "Acme Corp",
    expires_in_days: int = 30,
    status: InvitationStatus = InvitationStatus.PENDING,
) -> None:
    """An invitation as the wizard would have written it."""
    with app.app_context():
        account = db.session.execute(select(Account).where(Account.name == business)).scalar_one()
        inviter = (
            db.session.execute(select(User).where(User.account_id == account.id).order_by(User.id))
            .scalars()
            .first()
        )
        db.session.add(
            Invitation(
                account_id=account.id,
                email=email,
                user_type=UserType.BASIC,
                status=status,
                invited_by_id=inviter.id,
                token_nonce=secrets.token_hex(16),
                token_hash=secrets.token_hex(32),
                expires_at=utcnow() + timedelta(days=expires_in_days),
                created_at=utcnow() - timedelta(days=1),
            )
        )
        db.session.commit()


def flashes(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<div class="flash[^"]*"[^>]*>(.*?)</div>', html, flags=re.S)
    ]
