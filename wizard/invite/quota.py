"""The daily quota: how many emails one account may send to the people it invites in 24 hours.

A generous limit (INVITATIONS_PER_DAY, 50,000 by default: two of the largest batches with a
heads-up message each, with room to spare) that an honest owner never meets, but that caps
what a stolen session or a runaway script can do to the people on the other end and to the
sender's reputation. Invitations, resent invitations and heads-up messages sent from the app
all count: the heads-up's subject and body are the owner's own words, so they are the
easiest to abuse. It is counted from the audit trail ("invited", "resent", and "contacted"
from the app), so it holds across processes and restarts, and the wizard can say how many are
left before anyone presses Send.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import Account, AuditEvent

WINDOW = timedelta(hours=24)
HEADS_UP_FROM_THE_APP = and_(
    AuditEvent.action == "contacted", AuditEvent.details["how"].as_string() == "app"
)
COUNTED = or_(AuditEvent.action.in_(("invited", "resent")), HEADS_UP_FROM_THE_APP)


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int
    oldest_counted: datetime | None  # the earliest send still inside the window

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def allows(self, count: int) -> bool:
        return count <= self.remaining

    @property
    def frees_up_at(self) -> datetime | None:
        """When the earliest counted send leaves the window, and room starts to grow again."""
        return self.oldest_counted + WINDOW if self.oldest_counted else None


def invitation_quota(account_id: int, now: datetime) -> Quota:
    """How many emails to invitees the account has sent in the last 24 hours, and how many
    more it may send."""
    return _quota(account_id, now, COUNTED, "INVITATIONS_PER_DAY")


# Heads-up messages the app sent to addresses outside the account's verified domains (marked
# when sent): the owner's own words to strangers, the likeliest spam, so capped much lower.
OUTSIDE_HEADS_UP = and_(HEADS_UP_FROM_THE_APP, AuditEvent.details["outside"].as_boolean())


def heads_up_outside_quota(account_id: int, now: datetime) -> Quota:
    """How many heads-up messages to addresses outside the account's verified domains it has
    sent in the last 24 hours, against HEADS_UP_OUTSIDE_DOMAINS_PER_DAY."""
    return _quota(account_id, now, OUTSIDE_HEADS_UP, "HEADS_UP_OUTSIDE_DOMAINS_PER_DAY")


def _quota(account_id: int, now: datetime, counted, setting: str) -> Quota:
    used, oldest = db.session.execute(
        select(func.count(), func.min(AuditEvent.created_at)).where(
            AuditEvent.account_id == account_id,
            AuditEvent.created_at > now - WINDOW,
            counted,
        )
    ).one()
    return Quota(current_app.config[setting], used, oldest)


class QuotaExceeded(Exception):
    """Sending these would go past the account's quota for the day; nothing was done."""

    def __init__(self, quota: Quota):
        super().__init__(quota)
        self.quota = quota


@dataclass(frozen=True)
class HeadsUpCap:
    """The cap on heads-up messages outside the verified domains, for one sending."""

    quota: Quota
    outside: int  # how many of the people to contact are outside the verified domains

    @property
    def fits(self) -> bool:
        return self.quota.allows(self.outside)


class HeadsUpCapExceeded(Exception):
    """These heads-up messages would go past the cap for addresses outside the verified
    domains; nothing was sent."""

    def __init__(self, cap: HeadsUpCap):
        super().__init__(cap)
        self.cap = cap


def lock_account(account_id: int) -> None:
    """Serialise sending per account (PostgreSQL), so two tabs sending at the same moment
    cannot both use the last of the quota or of the free licenses. SQLite has one writer.
    The same lock as manage.seats.locked_account (FOR NO KEY UPDATE), which says why."""
    db.session.execute(
        select(Account.id).where(Account.id == account_id).with_for_update(key_share=True)
    )
