"""Step 3, licenses: each person's current plan (only on verified domains, the Privacy rule),
the user types chosen, and the seats they need.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..common.bulk import among
from ..extensions import db
from ..manage.seats import seat_count
from ..models import Account, AccountKind, Role, Subscription, User, VerifiedDomain, WizardDraft
from .addresses import BASIC, LICENSED, domain_of
from .batches import locales_of
from .drafts import Person, answers, licensed_count, people_of, store, types_digest, user_types
from .impact import (
    CurrentPlan,
    ImpactSummary,
    PersonImpact,
    SeatOutlook,
    expected_blockers,
    licensed_to_make_basic,
    person_impact,
    summarise,
)


def _ascii_domain(domain: str) -> str:
    try:
        return domain.strip().lower().encode("idna").decode("ascii")
    except UnicodeError:
        return domain.strip().lower()


def _verified_domains(account_id: int) -> set[str]:
    return {
        _ascii_domain(d)
        for d in db.session.scalars(
            select(VerifiedDomain.domain).where(
                VerifiedDomain.account_id == account_id, VerifiedDomain.verified_at.is_not(None)
            )
        )
    }


def outside_verified_domains(account_id: int, emails: list[str]) -> list[str]:
    """The addresses that are not on one of the account's verified domains."""
    verified = _verified_domains(account_id)
    return [email for email in emails if domain_of(email) not in verified]


def preview_locale(account: Account, email: str) -> tuple[str, bool]:
    """The language the owner previews an invitation to `email` in, and whether it is the one
    they really get: the person's own only on the account's verified domains (Privacy);
    elsewhere the account's, whoever has an account, so the preview cannot tell whether an
    address has one, or in which language. One query for the domains, one for the language."""
    if email and domain_of(email) in _verified_domains(account.id):
        return locales_of([email], account.default_locale)[email], True
    return account.default_locale, False


def plans_and_blockers(
    account_id: int, emails: list[str]
) -> tuple[dict[str, CurrentPlan], dict[str, tuple[str, ...]]]:
    """Each address's plan today, and what will stop them accepting (an outstanding balance,
    other users, add-ons, another business), both only on the account's verified domains
    (Privacy): elsewhere NOT_SHOWN and nothing, whatever we know, so the page cannot be used to
    probe addresses."""
    verified = _verified_domains(account_id)
    visible = [e for e in emails if domain_of(e) in verified]
    rows = db.session.execute(
        select(
            User.email,
            User.role,
            Account.kind,
            Subscription.plan,
            Subscription.cancelled_at,
            Subscription.outstanding_balance,
            Subscription.other_users,
            Subscription.add_ons,
        )
        .join(Account, User.account_id == Account.id)
        .outerjoin(Subscription, Subscription.account_id == Account.id)
        .where(among(User.email, visible))
    ).all()
    known, blocked = {}, {}
    for email, role, kind, plan, cancelled_at, balance, other_users, add_ons in rows:
        if kind == AccountKind.BUSINESS:
            known[email] = CurrentPlan.OTHER_BUSINESS
        elif plan == "pro" and cancelled_at is None:
            known[email] = CurrentPlan.PRO
        else:
            known[email] = CurrentPlan.FREE
        if found := expected_blockers(
            known[email],
            owner=role == Role.OWNER,
            balance=balance,
            other_users=other_users or 0,
            add_ons=add_ons or 0,
        ):
            blocked[email] = found
    plans = dict.fromkeys(emails, CurrentPlan.NOT_SHOWN)
    plans.update({e: known.get(e, CurrentPlan.NO_ACCOUNT) for e in visible})
    return plans, blocked


@dataclass(frozen=True)
class LicenseReview:
    """Everything the license and check pages show about the batch."""

    people: list[Person]
    impacts: list[PersonImpact]
    summary: ImpactSummary
    seats: SeatOutlook
    to_make_basic: list[str]  # the Licensed people beyond the free seats
    # Who will be stopped when they accept, and by what (impact.EXPECTED_BLOCKERS' codes).
    blocked: dict[str, tuple[str, ...]]


def license_review(draft: WizardDraft, account: Account) -> LicenseReview:
    """Each person's plan today, what changes for them, and the seats after the batch."""
    people = people_of(draft.data)
    plans, blocked = plans_and_blockers(account.id, [p.email for p in people])
    impacts = [person_impact(plans[p.email], p.user_type) for p in people]
    count = seat_count(account)
    seats = SeatOutlook(count.purchased, count.in_use, count.pending, licensed_count(people))
    extra = licensed_to_make_basic(
        [(p.email, p.user_type, plans[p.email]) for p in people], seats.free_now
    )
    return LicenseReview(people, impacts, summarise(impacts), seats, extra, blocked)


def set_user_type(draft: WizardDraft, email: str, user_type: str) -> bool:
    """Give one person of the batch another user type."""
    if user_type not in (BASIC, LICENSED) or email not in dict(user_types(draft.data)):
        return False
    licenses = dict(answers(draft.data, "licenses"))
    licenses["overrides"] = {**licenses.get("overrides", {}), email: user_type}
    store(draft, licenses=licenses)
    db.session.commit()
    return True


def make_extra_people_basic(draft: WizardDraft, account: Account) -> int:
    """Make Basic the Licensed people beyond the free seats (those who lose least); how many."""
    extra = license_review(draft, account).to_make_basic
    if extra:
        licenses = dict(answers(draft.data, "licenses"))
        licenses["overrides"] = {**licenses.get("overrides", {}), **dict.fromkeys(extra, BASIC)}
        store(draft, licenses=licenses)
        db.session.commit()
    return len(extra)


def confirm_licenses(draft: WizardDraft, outlook: SeatOutlook) -> bool:
    """Complete the license step if the Licensed people fit in the free seats."""
    if not outlook.fits:
        return False
    licenses = dict(answers(draft.data, "licenses"))
    licenses["confirmed"] = types_digest(user_types(draft.data))
    store(draft, licenses=licenses)
    db.session.commit()
    return True
