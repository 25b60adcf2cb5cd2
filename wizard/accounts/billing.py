"""Paying: the platform's payment page (BILLING_URL) or, in demo mode, the development billing
page that stands in for it, and what "Pay" and "Change licenses" do there.

The payment page gets its work as query parameters (documented in the README):
`account` (the account's id), then either `amount` and `currency` (paying the balance) or
`seats` (the new number of licenses), or `cancel=add_ons` (cancelling the add-ons of an
individual's plan), and `return_to` (where to send the person afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, url_for
from sqlalchemy import select

from ..common import audit
from ..extensions import db
from ..manage.seats import SeatChange, locked_account, seat_change, seat_count
from ..models import Account, Subscription


@dataclass(frozen=True)
class Support:
    """Whom to ask when there is no payment page: SUPPORT_URL and/or SUPPORT_EMAIL."""

    url: str | None
    email: str | None


def support() -> Support:
    """The configured ways to reach the platform's support team (either may be unset)."""
    config = current_app.config
    return Support(config.get("SUPPORT_URL") or None, config.get("SUPPORT_EMAIL") or None)


def uses_development_billing() -> bool:
    """The development billing page stands in only in demo mode and only without BILLING_URL."""
    config = current_app.config
    return bool(config.get("DEMO_MODE")) and not config.get("BILLING_URL")


def payment_url(account_id: int, *, return_to: str, **work: object) -> str | None:
    """The payment page for this piece of work (amount and currency, or seats), or None when
    there is none: then the page names the support team instead of a dead link.

    `return_to` is a path of this app; BILLING_URL gets it as an absolute address.
    """
    params = {"account": account_id, **{k: v for k, v in work.items() if v is not None}}
    if billing_url := current_app.config.get("BILLING_URL"):
        base = current_app.config["BASE_URL"].rstrip("/")
        parts = urlsplit(billing_url)
        query = parse_qsl(parts.query) + list(params.items()) + [("return_to", base + return_to)]
        return urlunsplit(parts._replace(query=urlencode(query)))
    if uses_development_billing():
        return url_for("billing.pay", return_to=return_to, **params)
    return None


def balance_payment_url(subscription: Subscription, return_to: str) -> str | None:
    """Where to pay an individual account's outstanding balance."""
    return payment_url(
        subscription.account_id,
        amount=str(subscription.outstanding_balance),
        currency=subscription.currency,
        return_to=return_to,
    )


def add_ons_cancel_url(subscription: Subscription, return_to: str) -> str | None:
    """Where to cancel the add-ons of an individual account's plan."""
    return payment_url(subscription.account_id, cancel="add_ons", return_to=return_to)


def subscription_of(account_id: int) -> Subscription | None:
    """The account's own plan (individual accounts), if it has one."""
    return db.session.execute(
        select(Subscription).where(Subscription.account_id == account_id)
    ).scalar_one_or_none()


def license_change(account: Account, seats: int) -> SeatChange:
    """What going to `seats` licenses would do to the account's members and invitations."""
    return seat_change(seat_count(account), seats)


def pay_balance(account_id: int, actor_id: int) -> Decimal:
    """Development billing: the whole outstanding balance is paid (audited); the amount paid."""
    subscription = db.session.execute(
        select(Subscription).where(Subscription.account_id == account_id).with_for_update()
    ).scalar_one_or_none()
    paid = subscription.outstanding_balance if subscription is not None else Decimal("0.00")
    if paid > 0:
        subscription.outstanding_balance = Decimal("0.00")
        audit.record(
            "balance_paid",
            account_id=account_id,
            actor_id=actor_id,
            details={"amount": str(paid), "currency": subscription.currency},
        )
    db.session.commit()
    return paid


def cancel_add_ons(account_id: int, actor_id: int) -> int:
    """Development billing: every add-on of the plan is cancelled (audited); how many were."""
    subscription = db.session.execute(
        select(Subscription).where(Subscription.account_id == account_id).with_for_update()
    ).scalar_one_or_none()
    cancelled = subscription.add_ons if subscription is not None else 0
    if cancelled > 0:
        subscription.add_ons = 0
        audit.record(
            "add_ons_cancelled", account_id=account_id, actor_id=actor_id,
            details={"add_ons": cancelled},
        )
    db.session.commit()
    return cancelled


def change_license_seats(account_id: int, actor_id: int, seats: int) -> SeatChange:
    """Development billing: the business now has `seats` licenses, unless Licensed members
    use more (then nothing changes). Under the account's lock, so it races nothing."""
    account = locked_account(account_id)
    change = seat_change(seat_count(account), seats)
    if change.allowed and seats != account.license_seats:
        audit.record(
            "licenses_changed",
            account_id=account_id,
            actor_id=actor_id,
            details={"from": account.license_seats, "to": seats},
        )
        account.license_seats = seats
        db.session.commit()
    else:
        db.session.rollback()
    return change
