"""The refund for the unused part of a subscription: a pure rule, no database.

refund = price_paid × remaining_days / period_days, in whole UTC days, with
remaining_days = period_end − acceptance_date clamped to [0, period_days]; Decimal only,
rounded once to the currency's minor unit, half up; never negative, never more than paid.
"""

from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import get_currency_precision


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency: 0.01 for USD, 1 for JPY, 0.001 for KWD."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def utc_day(moment: date | datetime) -> date:
    """The UTC calendar day of a moment; a plain date is taken as a UTC day already."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime or a date")
        return moment.astimezone(UTC).date()
    return moment


def remaining_days(period_start: date, period_end: date, acceptance_date: date | datetime) -> int:
    """Whole unused days of the period on the day of acceptance, within [0, period days]."""
    period_days = (period_end - period_start).days
    if period_days <= 0:
        raise ValueError("a billing period must end after it starts")
    left = (period_end - utc_day(acceptance_date)).days
    return min(max(left, 0), period_days)


def prorated_refund(
    price_paid: Decimal,
    period_start: date,
    period_end: date,
    acceptance_date: date | datetime,
    currency: str,
) -> Decimal:
    """What the unused days of a paid period are worth, in the currency's minor unit."""
    if not isinstance(price_paid, Decimal):
        raise TypeError("price_paid must be a Decimal (never a float)")
    if not price_paid.is_finite() or price_paid < 0:  # NaN cannot even be compared
        raise ValueError("price_paid must be a finite amount of at least zero")
    period_days = (period_end - period_start).days
    left = remaining_days(period_start, period_end, acceptance_date)
    unit = minor_unit(currency)
    # Enough digits that the one rounding below is the only one: a fraction with a
    # denominator of a few hundred days cannot come within 10**-60 of a half-unit
    # without being exactly on it.
    with localcontext() as ctx:
        ctx.prec = 80
        exact = price_paid * left / period_days
        refund = exact.quantize(unit, rounding=ROUND_HALF_UP)
    # A price with more digits than the currency has (0.005 USD) must not round up past it.
    ceiling = price_paid.quantize(unit, rounding=ROUND_DOWN)
    return max(min(refund, ceiling), Decimal(0).quantize(unit))
