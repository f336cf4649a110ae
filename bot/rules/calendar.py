"""Business days and local dates: every rule judges a date in the POC's own timezone.

Business days are Monday to Friday. There is no holiday calendar yet: a public holiday is a
business day here, at the cost of a nudge on a holiday. Holidays belong in this module.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def is_business_day(d: date) -> bool:
    """Monday to Friday. No holiday calendar yet (see the module docstring)."""
    return d.weekday() < 5


def add_business_days(d: date, n: int) -> date:
    """`n` business days after `d` (before, if negative); `d` itself when n is 0.

    From a weekend day, +1 is the Monday and -1 the Friday: the count starts from `d`, which
    need not be a business day itself.
    """
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_business_day(d):
            remaining -= 1
    return d


def _business_days_through(d: date) -> int:
    """Business days from 0001-01-01 (a Monday) through `d`: any 7 days hold exactly 5."""
    weeks, rest = divmod(d.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def business_days_between(a: date, b: date) -> int:
    """Business days in (a, b]; negative when b is before a. O(1), so sweeps stay cheap."""
    return _business_days_through(b) - _business_days_through(a)


def roll_forward(d: date) -> date:
    """`d`, or the Monday after it when it falls on a weekend."""
    return d if is_business_day(d) else add_business_days(d, 1)


def roll_back(d: date) -> date:
    """`d`, or the Friday before it when it falls on a weekend."""
    return d if is_business_day(d) else add_business_days(d, -1)


def nearest_business_day(d: date) -> date:
    """Saturday belongs to the Friday before, Sunday to the Monday after."""
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def local_time(now: datetime, tz: str) -> datetime:
    """The instant `now` on the clock in `tz`."""
    # A naive datetime would be read in the server's zone: refuse it rather than guess.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(tz))


def local_today(now: datetime, tz: str) -> date:
    """The calendar date it is in `tz` at the instant `now`."""
    return local_time(now, tz).date()
