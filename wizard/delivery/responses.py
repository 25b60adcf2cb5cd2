"""Telling owners and admins that people answered their invitations: an email for each answer,
or one summary a day (queued by the delivery worker's pass), or nothing, as each one chose on
their account page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select, update

from ..accept.link import person_locale
from ..extensions import db
from ..models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationStatus,
    ResponseNotices,
    Role,
    User,
    UserType,
)
from ..models.types import utcnow
from .outbox import queue_email

MANAGERS = (Role.OWNER, Role.ADMIN)


def _who(name: str | None, email: str) -> str:
    return f"{name} ({email})" if name else email


def still_manages(inviter: User, account_id: int) -> bool:
    """Whether the person who invited is still an owner or admin of the business: news of its
    members is for those who manage it (not for someone removed or made a member since)."""
    return inviter.account_id == account_id and inviter.role in MANAGERS


def tell_inviter(
    invitation: Invitation,
    business: Account,
    *,
    joined_as: UserType | None,
    locale: str,
    message: str = "",
    reason: str | None = None,
    new_account: bool = False,
) -> None:
    """Queue the email for one answer to the person who invited, if they want one email each
    and still manage the business: accepted (`joined_as` the user type they got) or declined
    (`joined_as` None, with their message and what the app knows of why, e.g.
    "changed_address")."""
    inviter = invitation.invited_by
    if inviter.response_notices != ResponseNotices.EACH or not still_manages(
        inviter, invitation.account_id
    ):
        return
    accepted = joined_as is not None
    context = {
        "inviter_name": inviter.display_name,
        "invitee_email": invitation.email,
        "invitee_name": invitation.name,
        "business": business.name,
    }
    if accepted:
        context["user_type"] = str(joined_as)
        context["new_account"] = new_account
    else:
        context["message"] = message
        context["reason"] = reason or ""
    queue_email(
        "invitation_accepted" if accepted else "invitation_declined",
        inviter.email,
        account_id=invitation.account_id,
        locale=locale,
        invitation_id=invitation.id,
        context=context,
    )


def queue_daily_summaries(*, now: datetime | None = None) -> int:
    """Once a UTC day per person who chose a summary: yesterday's accepts and declines of their
    invitations, in one email (none when nobody answered). The worker whose UPDATE stamps the
    person queues it, so several workers queue it once."""
    now = now or utcnow()
    today = now.date()
    candidates = db.session.scalars(
        select(User.id)
        .join(Account, Account.id == User.account_id)
        .where(
            User.response_notices == ResponseNotices.DAILY,
            User.role.in_(MANAGERS),
            or_(User.response_summary_on.is_(None), User.response_summary_on < today),
        )
    ).all()
    if not candidates:
        return 0
    mine = db.session.scalars(
        update(User)
        .where(
            User.id.in_(candidates),
            or_(User.response_summary_on.is_(None), User.response_summary_on < today),
        )
        .values(response_summary_on=today)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).all()
    queued = sum(_queue_summary(user_id, today) for user_id in mine)
    db.session.commit()
    return queued


def _queue_summary(user_id: int, today: date) -> int:
    person = db.session.get(User, user_id)
    day = today - timedelta(days=1)
    start = datetime.combine(day, time.min, tzinfo=utcnow().tzinfo)
    answered = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.account_id == person.account_id,
            Invitation.invited_by_id == person.id,
            Invitation.status.in_((InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)),
            Invitation.responded_at >= start,
            Invitation.responded_at < start + timedelta(days=1),
        )
        .order_by(Invitation.responded_at, Invitation.id)
    ).all()
    if not answered:
        return 0
    messages = _recorded(answered, "declined")
    joined_as = _joined_as([i for i in answered if i.status == InvitationStatus.ACCEPTED])
    accepted = [
        {"who": _who(i.name, i.email), "user_type": joined_as[i.id]}
        for i in answered
        if i.status == InvitationStatus.ACCEPTED
    ]
    declined = [
        {
            "who": _who(i.name, i.email),
            "message": (messages.get(i.id) or {}).get("message", ""),
            "reason": i.decline_reason or "",
        }
        for i in answered
        if i.status == InvitationStatus.DECLINED
    ]
    queue_email(
        "responses_summary",
        person.email,
        account_id=person.account_id,
        locale=person_locale(person),
        context={
            "inviter_name": person.display_name,
            "business": person.account.name,
            "day": day.isoformat(),
            "accepted": accepted,
            "declined": declined,
        },
    )
    return 1


def _recorded(invitations: list[Invitation], action: str) -> dict[int, dict]:
    """The details of each invitation's `action` audit event: {invitation id: details}."""
    if not invitations:
        return {}
    return dict(
        db.session.execute(
            select(AuditEvent.invitation_id, AuditEvent.details).where(
                AuditEvent.invitation_id.in_([i.id for i in invitations]),
                AuditEvent.action == action,
            )
        ).all()
    )


def _joined_as(accepted: list[Invitation]) -> dict[int, str]:
    """The user type each person joined with, which is not always the one offered (no license
    was free: Basic). What acceptance recorded; where it recorded none (SCIM accepts the
    invitation itself), the member's row."""
    if not accepted:
        return {}
    recorded = _recorded(accepted, "accepted")
    members = dict(
        db.session.execute(
            select(User.id, User.user_type).where(
                User.id.in_([i.accepted_user_id for i in accepted if i.accepted_user_id])
            )
        ).all()
    )
    return {
        i.id: str(
            (recorded.get(i.id) or {}).get("user_type")
            or members.get(i.accepted_user_id)
            or i.user_type
        )
        for i in accepted
    }


def set_response_notices(user_id: int, choice: ResponseNotices) -> None:
    """Save how this person hears about answers to their invitations."""
    db.session.get(User, user_id).response_notices = choice
    db.session.commit()
