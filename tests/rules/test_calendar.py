"""bot.rules.calendar: business days and local dates.

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.rules import (
    add_business_days,
    business_days_between,
    is_business_day,
    local_today,
    nearest_business_day,
    roll_back,
    roll_forward,
)
from tests.rules.poc import FRI, FRI2, MON, MON2, MON3, SAT, SUN, THU, WED, WED2


@pytest.mark.parametrize(
    ("d", "expected"),
    [(MON, True), (WED, True), (FRI, True), (SAT, False), (SUN, False)],
)
def test_is_business_day(d: date, expected: bool) -> None:
    assert is_business_day(d) is expected


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (FRI, 1, MON2),  # Friday + 1 skips the weekend
        (SAT, 1, MON2),  # from a weekend day, +1 is Monday
        (SUN, 1, MON2),
        (THU, 2, MON2),
        (WED, 5, WED2),  # a week
        (MON, 10, MON3),  # two weeks
        (MON2, -1, FRI),
        (SAT, -1, FRI),
        (SUN, -2, THU),
        (FRI2, -5, FRI),
        (WED, 0, WED),
        (SAT, 0, SAT),  # 0 moves nothing, even on a weekend
    ],
)
def test_add_business_days(d: date, n: int, expected: date) -> None:
    assert add_business_days(d, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (THU, MON2, 2),  # Fri, Mon
        (FRI, MON2, 1),
        (FRI, SAT, 0),
        (SAT, SUN, 0),
        (SAT, MON2, 1),
        (WED, WED, 0),
        (MON, MON3, 10),
        (MON2, FRI, -1),
        (MON3, MON, -10),
        (date(2025, 12, 31), date(2027, 1, 1), 262),  # 2026 has 261 business days, + Fri 1 Jan
    ],
)
def test_business_days_between(a: date, b: date, expected: int) -> None:
    assert business_days_between(a, b) == expected


def test_business_days_between_inverts_add_business_days() -> None:
    for offset in range(14):
        a = MON + timedelta(days=offset)
        for n in range(-12, 13):
            b = add_business_days(a, n)
            # From a weekend day, -1 lands on Friday: (Fri, Sat] holds 0 business days.
            expected = n if is_business_day(a) or n >= 0 else n + 1
            assert business_days_between(a, b) == expected, (a, n)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 11, 19, 6, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 18)),
        (datetime(2026, 11, 19, 6, 30, tzinfo=UTC), "UTC", date(2026, 11, 19)),
        (datetime(2026, 11, 18, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 11, 19)),
    ],
)
def test_local_today(now: datetime, tz: str, expected: date) -> None:
    assert local_today(now, tz) == expected


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_today(datetime(2026, 3, 2, 10), "UTC")


# ---------------------------------------------------------------- public holidays

#: Friday 6 March a public holiday, and Saturday 7 March one that falls on a weekend.
OFF = frozenset({FRI, SAT})


def test_a_holiday_is_not_a_business_day() -> None:
    assert not is_business_day(FRI, holidays=OFF)
    assert is_business_day(THU, holidays=OFF)


def test_counting_steps_over_holidays() -> None:
    assert add_business_days(THU, 1, holidays=OFF) == MON2
    assert add_business_days(MON2, -1, holidays=OFF) == THU
    # (Thu, Mon2]: Fri is a holiday, Sat/Sun a weekend (the Saturday holiday changes nothing).
    assert business_days_between(THU, MON2, holidays=OFF) == 1
    assert business_days_between(MON2, THU, holidays=OFF) == -1
    assert business_days_between(MON, MON3, holidays=OFF) == business_days_between(MON, MON3) - 1


def test_counting_with_holidays_inverts_adding_them() -> None:
    holidays = frozenset({WED, FRI, date(2026, 3, 17)})
    for a in (MON + timedelta(days=i) for i in range(14)):
        for n in range(0, 12):
            b = add_business_days(a, n, holidays=holidays)
            assert business_days_between(a, b, holidays=holidays) == n, (a, n)


def test_rolling_lands_on_a_business_day() -> None:
    assert roll_forward(FRI, holidays=OFF) == MON2
    assert roll_back(FRI, holidays=OFF) == THU
    assert roll_back(SUN, holidays=OFF) == THU
    # A holiday goes to the nearer business day; Saturday to Friday, which is a holiday here.
    assert nearest_business_day(FRI, holidays=OFF) == THU
    assert nearest_business_day(SAT, holidays=OFF) == THU
    assert nearest_business_day(WED, holidays=frozenset({WED})) == THU
