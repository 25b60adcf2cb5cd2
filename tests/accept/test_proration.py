"""The proration rule of DESIGN.md, without a database."""

import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.accept.proration import minor_unit, prorated_refund, remaining_days

CURRENCIES = ["USD", "EUR", "JPY", "KWD", "CHF"]


@st.composite
def periods(draw):
    """A price in a currency's minor units, and a billing period of 1 to 400 days."""
    currency = draw(st.sampled_from(CURRENCIES))
    unit = minor_unit(currency)
    price = draw(st.integers(min_value=0, max_value=10_000_000)) * unit
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)))
    length = draw(st.integers(min_value=1, max_value=400))
    return price, start, start + timedelta(days=length), currency


offsets = st.integers(min_value=-500, max_value=900)


@given(periods(), offsets)
def test_the_refund_is_never_negative_and_never_more_than_was_paid(period, offset):
    price, start, end, currency = period
    refund = prorated_refund(price, start, end, start + timedelta(days=offset), currency)
    assert Decimal(0) <= refund <= price


@given(periods(), offsets)
def test_the_refund_is_in_the_currencys_minor_unit(period, offset):
    price, start, end, currency = period
    refund = prorated_refund(price, start, end, start + timedelta(days=offset), currency)
    assert refund == refund.quantize(minor_unit(currency))
    assert refund.as_tuple().exponent == minor_unit(currency).as_tuple().exponent


@given(periods())
def test_accepting_on_the_first_day_refunds_everything(period):
    price, start, end, currency = period
    assert prorated_refund(price, start, end, start, currency) == price


@given(periods(), st.integers(min_value=0, max_value=900))
def test_accepting_on_or_after_the_last_day_refunds_nothing(period, days_after):
    price, start, end, currency = period
    assert prorated_refund(price, start, end, end + timedelta(days=days_after), currency) == 0


@given(periods(), offsets, st.integers(min_value=1, max_value=400))
def test_the_refund_never_grows_as_days_pass(period, offset, later):
    price, start, end, currency = period
    day = start + timedelta(days=offset)
    earlier_refund = prorated_refund(price, start, end, day, currency)
    assert prorated_refund(price, start, end, day + timedelta(days=later), currency) <= (
        earlier_refund
    )


@pytest.mark.parametrize(
    ("price", "start", "end", "accepted", "currency", "expected"),
    [
        # The demo's Ana: 15.99 a month, 20 of 30 days left.
        ("15.99", date(2026, 5, 1), date(2026, 5, 31), date(2026, 5, 11), "USD", "10.66"),
        # The demo's Ben: 159.90 a year, 265 of 365 days left: 116.0918 rounds to 116.09.
        ("159.90", date(2026, 1, 1), date(2027, 1, 1), date(2026, 4, 11), "USD", "116.09"),
        # February of a leap year has 29 days; accepting on the 29th leaves one.
        ("15.99", date(2024, 2, 1), date(2024, 3, 1), date(2024, 2, 29), "USD", "0.55"),
        ("15.99", date(2024, 2, 1), date(2024, 3, 1), date(2024, 2, 28), "USD", "1.10"),
        # A yearly period with a 29 February in it has 366 days: 321 left is 140.2402.
        ("159.90", date(2024, 1, 15), date(2025, 1, 15), date(2024, 2, 29), "USD", "140.24"),
        # 28 days (February 2023): half the month left is 7.995, which rounds half up.
        ("15.99", date(2023, 2, 1), date(2023, 3, 1), date(2023, 2, 15), "USD", "8.00"),
        # 30 days (April): half left, 7.995 again.
        ("15.99", date(2025, 4, 1), date(2025, 5, 1), date(2025, 4, 16), "USD", "8.00"),
        # 31 days (January): 21 left is 10.8319...
        ("15.99", date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 11), "USD", "10.83"),
        # Before the period starts, nothing of it has been used.
        ("15.99", date(2025, 1, 1), date(2025, 2, 1), date(2024, 12, 20), "USD", "15.99"),
        # The last day of the period is not unused: the period ends that day.
        ("15.99", date(2025, 1, 1), date(2025, 2, 1), date(2025, 2, 1), "USD", "0.00"),
        # Currencies with no minor unit and with three decimals.
        ("1000", date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 30), "JPY", "33"),
        ("5.000", date(2025, 1, 1), date(2025, 1, 8), date(2025, 1, 5), "KWD", "2.143"),
        ("0.00", date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 2), "EUR", "0.00"),
    ],
)
def test_worked_examples(price, start, end, accepted, currency, expected):
    refund = prorated_refund(Decimal(price), start, end, accepted, currency)
    assert refund == Decimal(expected)
    assert str(refund) == expected


def test_days_are_whole_utc_days():
    start, end = date(2024, 2, 1), date(2024, 3, 1)
    # 01:00 on 1 March in Berlin is still 29 February in UTC: one day left.
    berlin = timezone(timedelta(hours=2))
    assert remaining_days(start, end, datetime(2024, 3, 1, 1, 0, tzinfo=berlin)) == 1
    assert remaining_days(start, end, datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)) == 1
    assert remaining_days(start, end, datetime(2024, 3, 1, 0, 0, tzinfo=UTC)) == 0


def test_the_day_is_the_utc_day_whatever_the_servers_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        # 02:00 UTC on 1 March is still 29 February in New York: but the rule counts UTC days.
        moment = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
        assert remaining_days(date(2024, 2, 1), date(2024, 3, 1), moment) == 0
    finally:
        monkeypatch.undo()
        time.tzset()


def test_money_is_never_a_float():
    with pytest.raises(TypeError, match=r"^price_paid must be a Decimal \(never a float\)$"):
        prorated_refund(15.99, date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 5), "USD")


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="^naive datetime: pass an aware UTC datetime or a date$"):
        remaining_days(date(2025, 1, 1), date(2025, 2, 1), datetime(2025, 1, 5, 12, 0))


def test_an_empty_period_is_refused():
    with pytest.raises(ValueError, match="^a billing period must end after it starts$"):
        day = date(2025, 1, 1)
        prorated_refund(Decimal("1.00"), day, day, day, "USD")


def test_a_price_finer_than_the_currency_never_rounds_above_what_was_paid():
    start, end = date(2025, 1, 1), date(2025, 1, 2)
    assert prorated_refund(Decimal("0.005"), start, end, start, "USD") == Decimal("0.00")
    # 0.015 would round half up (and half even) to 0.02, a cent more than was paid.
    assert prorated_refund(Decimal("0.015"), start, end, start, "USD") == Decimal("0.01")


APRIL = (date(2025, 4, 1), date(2025, 5, 1), date(2025, 4, 16))  # 30 days, 15 of them left


@pytest.mark.parametrize(
    ("price", "currency", "half_up", "half_even"),
    [
        # Exactly half a cent: 10.01 × 15 / 30 = 5.005. DESIGN says ROUND_HALF_UP: 5.01.
        ("10.01", "USD", "5.01", "5.00"),
        ("0.01", "USD", "0.01", "0.00"),
        # No minor unit: 1001 × 15 / 30 = 500.5 yen.
        ("1001", "JPY", "501", "500"),
        # Three decimals: 10.001 × 15 / 30 = 5.0005 dinars.
        ("10.001", "KWD", "5.001", "5.000"),
    ],
    ids=["USD", "USD-one-cent", "JPY", "KWD"],
)
def test_an_amount_exactly_on_half_a_minor_unit_rounds_up(price, currency, half_up, half_even):
    refund = prorated_refund(Decimal(price), *APRIL, currency)
    assert str(refund) == half_up
    # The example is one where the rounding rule decides: banker's rounding gives another.
    exact = Decimal(price) * 15 / 30
    assert exact.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN) == Decimal(half_even)
    assert Decimal(half_even) != refund


@pytest.mark.parametrize("price", ["-0.01", "Infinity", "NaN"])
def test_a_negative_or_endless_price_is_refused(price):
    with pytest.raises(ValueError, match="^price_paid must be a finite amount of at least zero$"):
        prorated_refund(Decimal(price), date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 5), "USD")


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="^a billing period must end after it starts$"):
        remaining_days(date(2025, 2, 1), date(2025, 1, 1), date(2025, 1, 15))


def test_the_minor_units_come_from_the_currency():
    assert (minor_unit("USD"), minor_unit("JPY"), minor_unit("KWD")) == (
        Decimal("0.01"), Decimal("1"), Decimal("0.001")
    )
