"""What the SCIM core tests share: Acme, a clock, and reading people and mail back."""

from datetime import UTC, datetime

from sqlalchemy import select

from wizard.extensions import db
from wizard.models import Account, AuditEvent, OutboxEmail, ScimIdentity, User
from wizard.scim.provisioning import ScimFields

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def acme() -> Account:
    return db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()


def fields(email: str, **changes) -> ScimFields:
    """What an identity provider sends for a person, as the api hands it over."""
    values = {
        "user_name": email,
        "external_id": f"ext-{email}",
        "given_name": "Gus",
        "family_name": "New",
        "display_name": "",
        "email": email,
        "user_type": "",
        "active": True,
    }
    values.update(changes)
    return ScimFields(**values)


def person(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def identity(scim_id: str) -> ScimIdentity | None:
    db.session.expire_all()
    return db.session.get(ScimIdentity, scim_id)


def mails(kind: str, to: str | None = None) -> list[OutboxEmail]:
    query = select(OutboxEmail).where(OutboxEmail.kind == kind)
    if to:
        query = query.where(OutboxEmail.to_address == to)
    return list(db.session.scalars(query))


def actions(account_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.account_id == account_id)
            .order_by(AuditEvent.id)
        )
    )
