"""The demo data of DESIGN.md, with dates relative to today; safe to run again."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from .accounts.passwords import hash_password
from .extensions import db
from .models import (
    Account,
    AccountKind,
    BillingPeriod,
    IdentityProvider,
    OtherUser,
    Role,
    Subscription,
    User,
    UserType,
    VerifiedDomain,
)
from .models.types import utcnow

# The documented demo password.
DEMO_PASSWORD = "correct-horse-battery"  # nosec B105


@dataclass(frozen=True)
class ProPlan:
    period: BillingPeriod
    price: str
    days_left: int
    card: str
    balance: str = "0.00"
    add_ons: int = 0  # large meetings, webinars: a plan with any cannot join a business
    # The account's other users: (email, name, language).
    other_users: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Individual:
    email: str
    name: str
    locale: str = "en"
    plan: ProPlan | None = None


INDIVIDUALS = [
    Individual(
        "ana.pro@acme.example",
        "Ana Pro",
        plan=ProPlan(BillingPeriod.MONTHLY, "15.99", 20, "Visa •••• 4242"),
    ),
    Individual(
        "ben.pro@acme.example",
        "Ben Pro",
        locale="de",
        plan=ProPlan(BillingPeriod.YEARLY, "159.90", 265, "Mastercard •••• 5454"),
    ),
    Individual(
        "chen.pro@partner.example",
        "Chen Pro",
        plan=ProPlan(BillingPeriod.YEARLY, "159.90", 200, "Visa •••• 1881"),
    ),
    Individual("dora@acme.example", "Dora Basic"),
    Individual(
        "emil.pro@acme.example",
        "Emil Pro",
        plan=ProPlan(BillingPeriod.MONTHLY, "15.99", 12, "Visa •••• 0005", balance="15.99"),
    ),
    Individual(
        "fay.pro@acme.example",
        "Fay Pro",
        plan=ProPlan(
            BillingPeriod.MONTHLY,
            "15.99",
            25,
            "Amex •••• 0008",
            other_users=(
                ("finn@fay-family.example", "Finn", "en"),
                ("flora@fay-family.example", "Flora", "de"),
            ),
        ),
    ),
    Individual(
        "gil.pro@studio.example",
        "Gil Pro",
        plan=ProPlan(BillingPeriod.MONTHLY, "15.99", 18, "Visa •••• 0013", add_ons=2),
    ),
]


def _period(period: BillingPeriod, days_left: int, today: date) -> tuple[date, date]:
    end = today + timedelta(days=days_left)
    start = end - timedelta(days=365 if period == BillingPeriod.YEARLY else 30)
    return start, end


def _user(email: str, **fields) -> User:
    """Find a demo user by address or create one; either way, set the demo's fields."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, password_hash=fields.pop("password_hash"))
        db.session.add(user)
    else:
        fields.pop("password_hash")
    for key, value in fields.items():
        setattr(user, key, value)
    return user


def _business(name: str, seats: int) -> Account:
    account = db.session.execute(
        select(Account).where(Account.kind == AccountKind.BUSINESS, Account.name == name)
    ).scalar_one_or_none()
    if account is None:
        account = Account(kind=AccountKind.BUSINESS, name=name)
        db.session.add(account)
    account.license_seats = seats
    db.session.flush()
    return account


def seed_demo(today: date | None = None, password_hash: str | None = None) -> None:
    """Create or refresh the demo accounts. Existing demo users keep their passwords."""
    today = today or utcnow().date()
    pw = password_hash or hash_password(DEMO_PASSWORD)

    acme = _business("Acme Corp", seats=10)
    globex = _business("Globex", seats=5)
    for email, name, role, user_type, account in [
        ("owner@acme.example", "Olivia Owner", Role.OWNER, UserType.LICENSED, acme),
        ("admin@acme.example", "Adam Admin", Role.ADMIN, UserType.LICENSED, acme),
        ("member@acme.example", "Mia Member", Role.MEMBER, UserType.BASIC, acme),
        ("owner@globex.example", "Gloria Globex", Role.OWNER, UserType.LICENSED, globex),
        # So that Gloria can hand Globex over, leave it, and join Acme Corp.
        ("admin@globex.example", "Gustav Globex", Role.ADMIN, UserType.LICENSED, globex),
    ]:
        _user(
            email,
            name=name,
            role=role,
            user_type=user_type,
            account_id=account.id,
            locale="en",
            password_hash=pw,
        )

    domain = db.session.execute(
        select(VerifiedDomain).where(
            VerifiedDomain.account_id == acme.id, VerifiedDomain.domain == "acme.example"
        )
    ).scalar_one_or_none()
    if domain is None:
        db.session.add(
            VerifiedDomain(
                account_id=acme.id,
                domain="acme.example",
                verification_code="invite-wizard-verify=demo-acme",
                verified_at=utcnow(),
            )
        )

    for person in INDIVIDUALS:
        _seed_individual(person, today, pw)
    if current_app.config.get("DEMO_MODE"):
        _seed_demo_sso(acme)
    db.session.commit()


def _seed_demo_sso(acme: Account) -> None:
    """Acme signs in through the development identity provider (/dev/idp/, demo mode only)."""
    from .sso.dev_idp import development_identity, idp_metadata_xml
    from .sso.providers import provider_of, slugify

    if provider_of(acme.id) is not None:
        return  # the owner may have changed it: a second run leaves it alone
    identity = development_identity(current_app.instance_path, current_app.config["BASE_URL"])
    db.session.add(
        IdentityProvider(
            account_id=acme.id,
            protocol="saml",
            enabled=True,
            slug=slugify(acme.name),
            idp_metadata_xml=idp_metadata_xml(identity),
            idp_entity_id=identity.entity_id,
        )
    )


def _seed_individual(person: Individual, today: date, pw: str) -> None:
    existing = db.session.execute(
        select(User).where(User.email == person.email)
    ).scalar_one_or_none()
    if existing is not None and not existing.account.is_business:
        account = existing.account
    else:
        # New, or moved into a business by an earlier demo: give them their own account back.
        account = Account(
            kind=AccountKind.INDIVIDUAL, name=person.name, default_locale=person.locale
        )
        db.session.add(account)
        db.session.flush()
    _user(
        person.email,
        name=person.name,
        role=Role.OWNER,
        user_type=UserType.LICENSED if person.plan else UserType.BASIC,
        account_id=account.id,
        locale=person.locale,
        password_hash=pw,
    )
    subscription = db.session.execute(
        select(Subscription).where(Subscription.account_id == account.id)
    ).scalar_one_or_none()
    if person.plan is None:
        if subscription is not None:
            db.session.delete(subscription)
        return
    if subscription is None:
        subscription = Subscription(account_id=account.id)
        db.session.add(subscription)
    plan = person.plan
    subscription.plan = "pro"
    subscription.billing_period = plan.period
    subscription.price = Decimal(plan.price)
    subscription.currency = "USD"
    subscription.period_start, subscription.period_end = _period(plan.period, plan.days_left, today)
    subscription.payment_method_label = plan.card
    subscription.outstanding_balance = Decimal(plan.balance)
    _seed_other_users(account.id, plan.other_users)
    subscription.add_ons = plan.add_ons
    subscription.cancelled_at = None


def _seed_other_users(account_id: int, wanted: tuple[tuple[str, str, str], ...]) -> None:
    """Exactly the demo's other users on the account (removed ones come back)."""
    for existing in db.session.scalars(
        select(OtherUser).where(OtherUser.account_id == account_id)
    ):
        db.session.delete(existing)
    for email, name, locale in wanted:
        db.session.add(OtherUser(account_id=account_id, email=email, name=name, locale=locale))
