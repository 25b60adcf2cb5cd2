"""Heads-up messages that no invitation followed: for the operator, the sign of a business
using step 2 to send its own words to strangers (`flask --app wizard heads-up-report`).

A heads-up from the app is an audit event "contacted" with how "app"; it is answered when
the same business invited the same address at the same moment or later. The ones outside
the business's verified domains (marked "outside" when sent) are what the cap
HEADS_UP_OUTSIDE_DOMAINS_PER_DAY limits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select

from ..extensions import db
from ..models import Account, AuditEvent, Invitation
from .quota import HEADS_UP_FROM_THE_APP, OUTSIDE_HEADS_UP


@dataclass(frozen=True)
class HeadsUpTally:
    account_id: int
    business: str
    sent: int  # heads-up messages sent from the app in the period
    unanswered: int  # of those, never followed by an invitation
    unanswered_outside: int  # of those, to addresses outside the verified domains


def heads_ups_without_invitation(since: datetime) -> list[HeadsUpTally]:
    """Per business, heads-up messages sent since `since` and how many no invitation followed,
    the most unanswered first (one query)."""
    followed = exists().where(
        Invitation.account_id == AuditEvent.account_id,
        Invitation.email == AuditEvent.subject_email,
        Invitation.created_at >= AuditEvent.created_at,
    )
    unanswered = func.sum(case((~followed, 1), else_=0))
    unanswered_outside = func.sum(case((and_(~followed, OUTSIDE_HEADS_UP), 1), else_=0))
    rows = db.session.execute(
        select(Account.id, Account.name, func.count(), unanswered, unanswered_outside)
        .join(Account, Account.id == AuditEvent.account_id)
        .where(HEADS_UP_FROM_THE_APP, AuditEvent.created_at >= since)
        .group_by(Account.id, Account.name)
        .order_by(unanswered.desc(), Account.id)
    ).all()
    return [HeadsUpTally(*(int(v or 0) if i != 1 else v for i, v in enumerate(r))) for r in rows]
