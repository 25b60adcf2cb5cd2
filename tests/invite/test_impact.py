"""License impact and seats: the Plans table as rules, tested without a database."""

import pytest

from wizard.invite.impact import (
    FEATURES,
    CurrentPlan,
    SeatOutlook,
    licensed_to_make_basic,
    person_impact,
    seat_bar,
    summarise,
)


@pytest.mark.parametrize(
    ("current", "user_type", "gains", "losses", "conditional"),
    [
        (CurrentPlan.PRO, "basic", (), FEATURES, False),
        (CurrentPlan.PRO, "licensed", (), (), False),
        (CurrentPlan.FREE, "licensed", FEATURES, (), False),
        (CurrentPlan.FREE, "basic", (), (), False),
        (CurrentPlan.NO_ACCOUNT, "licensed", FEATURES, (), False),
        (CurrentPlan.NOT_SHOWN, "basic", (), FEATURES, True),
        (CurrentPlan.NOT_SHOWN, "licensed", (), (), True),
    ],
)
def test_what_a_person_gains_and_loses_follows_the_plans_table(
    current, user_type, gains, losses, conditional
):
    impact = person_impact(current, user_type)
    assert (impact.gains, impact.losses, impact.conditional) == (gains, losses, conditional)


def test_the_summary_counts_known_losses_apart_from_possible_ones():
    impacts = [
        person_impact(CurrentPlan.PRO, "basic"),
        person_impact(CurrentPlan.PRO, "licensed"),
        person_impact(CurrentPlan.FREE, "licensed"),
        person_impact(CurrentPlan.NOT_SHOWN, "basic"),
        person_impact(CurrentPlan.NOT_SHOWN, "licensed"),
        person_impact(CurrentPlan.NO_ACCOUNT, "basic"),
        person_impact(CurrentPlan.OTHER_BUSINESS, "basic"),
    ]
    summary = summarise(impacts)
    assert (summary.total, summary.licensed, summary.basic) == (7, 3, 4)
    assert summary.pro_losing_features == 1
    assert summary.maybe_losing_features == 1
    assert summary.gaining_features == 1
    assert (summary.not_shown, summary.no_account, summary.other_business) == (2, 1, 1)


def test_seats_after_the_batch_and_how_many_too_many():
    fits = SeatOutlook(purchased=10, in_use=2, pending=1, batch=3)
    assert (fits.free_now, fits.free_after, fits.over_by, fits.fits) == (7, 4, 0, True)
    over = SeatOutlook(purchased=10, in_use=2, pending=1, batch=9)
    assert (over.free_now, over.free_after, over.over_by, over.fits) == (7, 0, 2, False)


def test_the_seat_bar_fills_its_width_in_order_and_shows_the_overflow():
    segments = seat_bar(SeatOutlook(purchased=10, in_use=2, pending=1, batch=9), width=1000)
    assert [(s.kind, s.count) for s in segments] == [
        ("in_use", 2),
        ("pending", 1),
        ("batch", 7),
        ("over", 2),
    ]
    assert segments[0].x == 0
    assert sum(s.width for s in segments) == pytest.approx(1000, abs=0.1)
    assert all(
        a.x + a.width == pytest.approx(b.x, abs=0.1)
        for a, b in zip(segments, segments[1:], strict=False)
    )


def test_an_account_without_licenses_draws_an_empty_bar():
    assert seat_bar(SeatOutlook(0, 0, 0, 0)) == []


def test_the_people_made_basic_are_those_who_lose_least_then_the_last_ones():
    pro, free, unknown = CurrentPlan.PRO, CurrentPlan.FREE, CurrentPlan.NOT_SHOWN
    people = [
        ("a", "licensed", free),
        ("b", "basic", free),
        ("c", "licensed", pro),
        ("d", "licensed", unknown),
        ("e", "licensed", free),
        ("f", "licensed", pro),
    ]
    assert licensed_to_make_basic(people, free_seats=5) == []
    assert licensed_to_make_basic(people, free_seats=3) == ["a", "e"]
    assert licensed_to_make_basic(people, free_seats=2) == ["a", "d", "e"]
    assert licensed_to_make_basic(people, free_seats=1) == ["a", "d", "e", "f"]
    assert licensed_to_make_basic(people, free_seats=0) == ["a", "c", "d", "e", "f"]
