"""Business days and local dates: every rule judges a date in the POC's own timezone.

Business days are Monday to Friday minus the public holidays of the POC's country. The rules
never look holidays up themselves: the POC snapshot carries them (`Poc.holidays`, loaded by
storage for the POC's country and dates), and every function here takes them as `holidays`.
With none given, every weekday is a business day.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

NO_HOLIDAYS: frozenset[date] = frozenset()


def is_business_day(d: date, *, holidays: Set[date] = NO_HOLIDAYS) -> bool:
    """Monday to Friday, and not a public holiday."""
    return d.weekday() < 5 and d not in holidays


def add_business_days(d: date, n: int, *, holidays: Set[date] = NO_HOLIDAYS) -> date:
    """`n` business days after `d` (before, if negative); `d` itself when n is 0.

    From a weekend day or a holiday, +1 is the next business day and -1 the one before: the
    count starts from `d`, which need not be a business day itself.
    """
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_business_day(d, holidays=holidays):
            remaining -= 1
    return d


def _weekdays_through(d: date) -> int:
    """Weekdays from 0001-01-01 (a Monday) through `d`: any 7 days hold exactly 5."""
    weeks, rest = divmod(d.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def business_days_between(a: date, b: date, *, holidays: Set[date] = NO_HOLIDAYS) -> int:
    """Business days in (a, b]; negative when b is before a.

    O(1) in the span and O(holidays) for the holidays (a country has a dozen a year), so a
    sweep over thousands of POCs stays cheap.
    """
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    weekdays = _weekdays_through(hi) - _weekdays_through(lo)
    closed = sum(1 for h in holidays if lo < h <= hi and h.weekday() < 5)
    return sign * (weekdays - closed)


def roll_forward(d: date, *, holidays: Set[date] = NO_HOLIDAYS) -> date:
    """`d`, or the next business day when it is a weekend day or a holiday."""
    return (
        d if is_business_day(d, holidays=holidays) else add_business_days(d, 1, holidays=holidays)
    )


def roll_back(d: date, *, holidays: Set[date] = NO_HOLIDAYS) -> date:
    """`d`, or the business day before it when it is a weekend day or a holiday."""
    if is_business_day(d, holidays=holidays):
        return d
    return add_business_days(d, -1, holidays=holidays)


def nearest_business_day(d: date, *, holidays: Set[date] = NO_HOLIDAYS) -> date:
    """Saturday belongs to the Friday before, Sunday to the Monday after; a holiday to the
    business day after it (rolled back if that is further than the one before)."""
    if d.weekday() == 5:
        d -= timedelta(days=1)
    elif d.weekday() == 6:
        d += timedelta(days=1)
    if is_business_day(d, holidays=holidays):
        return d
    after = roll_forward(d, holidays=holidays)
    before = roll_back(d, holidays=holidays)
    return after if (after - d) <= (d - before) else before


def local_time(now: datetime, tz: str) -> datetime:
    """The instant `now` on the clock in `tz`."""
    # A naive datetime would be read in the server's zone: refuse it rather than guess.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(tz))


def local_today(now: datetime, tz: str) -> date:
    """The calendar date it is in `tz` at the instant `now`."""
    return local_time(now, tz).date()
