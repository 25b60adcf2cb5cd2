"""What joining means for each person's license, and for the business's seats: pure rules.

The Plans table of DESIGN.md, as data: what a Basic or Licensed user of the business has, and
so what a person gains or loses compared with the plan they have today.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from .addresses import BASIC, LICENSED


class CurrentPlan(enum.StrEnum):
    PRO = "pro"  # an individual account with an active paid plan
    FREE = "free"  # an individual account without one
    NO_ACCOUNT = "no_account"
    OTHER_BUSINESS = "other_business"  # already in another business account
    NOT_SHOWN = "not_shown"  # not on a verified domain: we may not say (Privacy rule)


# What will stop a person accepting, foretold where the app may look (verified domains): the
# codes of the invitee's blocker pages, plus the owner of another business (who must hand it
# over first). The order is the order the invitee meets them.
EXPECTED_BLOCKERS = (
    "owns_other_business", "other_business", "outstanding_balance", "other_users", "add_ons"
)


def expected_blockers(
    plan: CurrentPlan, *, owner: bool, balance: object, other_users: int, add_ons: int
) -> tuple[str, ...]:
    """What the person will be asked to sort out before joining, as far as their account says."""
    found = []
    if plan == CurrentPlan.OTHER_BUSINESS:
        found.append("owns_other_business" if owner else "other_business")
    if balance and balance > 0:
        found.append("outstanding_balance")
    if other_users:
        found.append("other_users")
    if add_ons:
        found.append("add_ons")
    return tuple(found)


# The features that differ between Basic and Licensed, in the order the pages list them.
FEATURES = ("meeting_length", "cloud_recording", "add_ons", "alternative_host")
_PRO_FEATURES = frozenset(FEATURES)
_HAS = {LICENSED: _PRO_FEATURES, BASIC: frozenset()}


@dataclass(frozen=True)
class PersonImpact:
    """What changes for one person. `conditional`: we cannot see their plan, so the change is
    what happens *if* they have Pro today."""

    current: CurrentPlan
    user_type: str
    gains: tuple[str, ...]
    losses: tuple[str, ...]
    conditional: bool = False

    @property
    def loses_pro_features(self) -> bool:
        return bool(self.losses)


def _features_of(plan: CurrentPlan) -> frozenset[str]:
    return _PRO_FEATURES if plan in (CurrentPlan.PRO, CurrentPlan.NOT_SHOWN) else frozenset()


@functools.cache  # ten possible answers, shared by the 9,999 people of a big batch
def person_impact(current: CurrentPlan, user_type: str) -> PersonImpact:
    """The features a person gains and loses by joining as `user_type`."""
    before = _features_of(current)
    after = _HAS[user_type]
    return PersonImpact(
        current=current,
        user_type=user_type,
        gains=tuple(f for f in FEATURES if f in after and f not in before),
        losses=tuple(f for f in FEATURES if f in before and f not in after),
        conditional=current == CurrentPlan.NOT_SHOWN,
    )


@dataclass(frozen=True)
class ImpactSummary:
    total: int
    licensed: int
    basic: int
    pro_losing_features: int  # known Pro users joining as Basic
    maybe_losing_features: int  # not shown, joining as Basic: they lose Pro *if* they have it
    gaining_features: int
    not_shown: int
    no_account: int
    other_business: int


def summarise(impacts: Iterable[PersonImpact]) -> ImpactSummary:
    """Counts for the top of the license page, so a 9,999-person batch reads in one glance."""
    counts = dict.fromkeys(ImpactSummary.__dataclass_fields__, 0)
    for impact in impacts:
        counts["total"] += 1
        counts["licensed" if impact.user_type == LICENSED else "basic"] += 1
        if impact.losses:
            counts["maybe_losing_features" if impact.conditional else "pro_losing_features"] += 1
        if impact.gains:
            counts["gaining_features"] += 1
        if impact.current == CurrentPlan.NOT_SHOWN:
            counts["not_shown"] += 1
        elif impact.current == CurrentPlan.NO_ACCOUNT:
            counts["no_account"] += 1
        elif impact.current == CurrentPlan.OTHER_BUSINESS:
            counts["other_business"] += 1
    return ImpactSummary(**counts)


@dataclass(frozen=True)
class SeatOutlook:
    """License seats before and after this batch."""

    purchased: int
    in_use: int
    pending: int
    batch: int  # Licensed people in this batch

    @property
    def free_now(self) -> int:
        return max(self.purchased - self.in_use - self.pending, 0)

    @property
    def free_after(self) -> int:
        return max(self.free_now - self.batch, 0)

    @property
    def over_by(self) -> int:
        """Licensed invitations beyond the free seats: these block the step."""
        return max(self.batch - self.free_now, 0)

    @property
    def fits(self) -> bool:
        return self.over_by == 0


@dataclass(frozen=True)
class BarSegment:
    kind: str  # "in_use", "pending", "batch", "over", "free"
    count: int
    x: float
    width: float


def seat_bar(outlook: SeatOutlook, width: float = 1000.0) -> list[BarSegment]:
    """The seat picture: segments in order, scaled so everything needed fits in `width`."""
    batch_fitting = outlook.batch - outlook.over_by
    parts = [
        ("in_use", outlook.in_use),
        ("pending", outlook.pending),
        ("batch", batch_fitting),
        ("over", outlook.over_by),
        ("free", outlook.free_after),
    ]
    total = sum(count for _kind, count in parts) or 1
    segments, x = [], 0.0
    for kind, count in parts:
        if count:
            w = width * count / total
            segments.append(BarSegment(kind, count, round(x, 2), round(w, 2)))
            x += w
    return segments


# Who loses least by joining as Basic instead: nothing known to lose, then maybe, then Pro.
_HARM_OF_BASIC = {CurrentPlan.PRO: 2, CurrentPlan.NOT_SHOWN: 1}


def licensed_to_make_basic(
    people: list[tuple[str, str, CurrentPlan]], free_seats: int
) -> list[str]:
    """The Licensed people beyond the free seats to make Basic, choosing those who lose least
    (and among equals the last in the list); returned in list order."""
    licensed = [
        (i, email, plan)
        for i, (email, user_type, plan) in enumerate(people)
        if user_type == LICENSED
    ]
    extra = len(licensed) - max(free_seats, 0)
    if extra <= 0:
        return []
    chosen = sorted(licensed, key=lambda p: (_HARM_OF_BASIC.get(p[2], 0), -p[0]))[:extra]
    return [email for _i, email, _plan in sorted(chosen)]
