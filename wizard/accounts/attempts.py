"""Failed sign-ins that cannot be used to keep a chosen person out.

Failures are counted per (address, network): /24 for IPv4, /64 for IPv6, so somebody
guessing from elsewhere uses up their own network's attempts (SIGN_IN_LIMIT_PER_ADDRESS),
never those of the person's own network. Across all networks a much higher backstop
(SIGN_IN_LIMIT_PER_ADDRESS_ALL_NETWORKS) only slows guessing: past it, a network that has
itself failed for the address is refused, while one with no failures still gets in with
the right password. When an address collects SIGN_IN_ALERT_AFTER failures in the backstop's
window, its person is told by email, at most as often as SIGN_IN_ALERT_EMAILS allows.

The counts live in the rate limiter's store (RATELIMIT_STORAGE_URI: memory, or Redis
shared by every process and instance).
"""

import ipaddress
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse
from sqlalchemy import select

from ..accept.link import person_locale
from ..delivery.outbox import queue_email
from ..extensions import db, limiter
from ..models import User


def network_of(address: str | None) -> str:
    """The client's network: its /24 (IPv4) or /64 (IPv6); the address itself when unknown."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@lru_cache(maxsize=32)
def _limit(text: str) -> RateLimitItem:
    return parse(text)


def _setting(name: str) -> RateLimitItem:
    return _limit(str(current_app.config[name]))


def _keys(email: str, network: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return ("sign-in", email, network), ("sign-in-all", email)


def refused(email: str, network: str) -> bool:
    """Whether a sign-in as `email` from `network` is refused before its password is checked."""
    if not current_app.config["RATELIMIT_ENABLED"] or not email:
        return False
    per_network, everywhere = _keys(email, network)
    strategy = limiter.limiter
    here = _setting("SIGN_IN_LIMIT_PER_ADDRESS")
    if not strategy.test(here, *per_network):
        return True
    if strategy.test(_setting("SIGN_IN_LIMIT_PER_ADDRESS_ALL_NETWORKS"), *everywhere):
        return False
    # Past the backstop: only networks that have failed for this address wait.
    _reset, remaining = strategy.get_window_stats(here, *per_network)
    return remaining < here.amount


def failed(email: str, network: str) -> None:
    """Count a failed sign-in as `email` from `network`; tell the person when many failed."""
    if not current_app.config["RATELIMIT_ENABLED"] or not email:
        return
    per_network, everywhere = _keys(email, network)
    strategy = limiter.limiter
    strategy.hit(_setting("SIGN_IN_LIMIT_PER_ADDRESS"), *per_network)
    backstop = _setting("SIGN_IN_LIMIT_PER_ADDRESS_ALL_NETWORKS")
    strategy.hit(backstop, *everywhere)
    _reset, remaining = strategy.get_window_stats(backstop, *everywhere)
    failures = backstop.amount - remaining
    if failures >= int(current_app.config["SIGN_IN_ALERT_AFTER"]):
        _tell_the_person(email, failures)


def _tell_the_person(email: str, failures: int) -> None:
    """Email the person (in their language) that someone is trying to sign in as them, at
    most as often as SIGN_IN_ALERT_EMAILS allows; nothing for an address without an account."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        return
    if not limiter.limiter.hit(_setting("SIGN_IN_ALERT_EMAILS"), "sign-in-alert", email):
        return
    queue_email(
        "sign_in_attempts",
        user.email,
        account_id=user.account_id,
        locale=person_locale(user),
        context={
            "name": user.display_name,
            "email": user.email,
            "failures": failures,
        },
    )
    db.session.commit()
