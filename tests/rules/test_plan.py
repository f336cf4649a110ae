"""bot.rules.plan: the Mutual Evaluation Plan's default dates (rule 4).

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain import MilestoneKind
from bot.rules import default_milestones, done_when_written, is_business_day
from tests.rules.poc import END, FRI, FRI2, MON, MON2, SAT, SUN, THU, TUE4, WED, WED2, K


def plan(*dates: date) -> dict[MilestoneKind, date]:
    return dict(zip(MilestoneKind, dates, strict=True))


@pytest.mark.parametrize(
    ("start", "end", "today", "expected"),
    [
        pytest.param(WED, WED, date(2026, 2, 23), plan(MON, WED, WED, WED, FRI, FRI2), id="1-day"),
        pytest.param(
            MON,
            FRI2,
            date(2026, 2, 20),
            plan(date(2026, 2, 26), MON, FRI, FRI2, date(2026, 3, 17), date(2026, 3, 24)),
            id="2-week",
        ),
        pytest.param(
            MON,
            date(2026, 4, 10),
            date(2026, 2, 20),
            plan(
                date(2026, 2, 26),
                MON,
                date(2026, 3, 20),
                date(2026, 4, 10),
                date(2026, 4, 14),
                date(2026, 4, 21),
            ),
            id="6-week",
        ),
        pytest.param(
            SAT,
            date(2026, 3, 20),
            WED,
            plan(THU, MON2, FRI2, date(2026, 3, 20), TUE4, date(2026, 3, 31)),
            id="starts-saturday",
        ),
        pytest.param(
            SAT, SUN, WED, plan(THU, MON2, MON2, MON2, WED2, date(2026, 3, 18)), id="weekend-poc"
        ),
        pytest.param(
            MON, FRI2, WED, plan(MON, MON, FRI, FRI2, date(2026, 3, 17), TUE4), id="created-late"
        ),
        pytest.param(
            MON2,
            date(2026, 3, 20),
            SAT,
            plan(MON2, MON2, FRI2, date(2026, 3, 20), TUE4, date(2026, 3, 31)),
            id="created-on-saturday",
        ),
    ],
)
def test_default_milestones(
    start: date, end: date, today: date, expected: dict[MilestoneKind, date]
) -> None:
    assert default_milestones(start, end, today=today) == expected


def test_default_milestones_are_business_days_in_order() -> None:
    for offset in range(7):
        start = MON + timedelta(days=offset)
        for length in (0, 1, 2, 3, 6, 13, 20, 41):
            for lead in (-3, 0, 1, 5, 10):
                today = start - timedelta(days=lead)
                got = default_milestones(start, start + timedelta(days=length), today=today)
                dates = list(got.values())
                assert list(got) == list(MilestoneKind)
                assert all(is_business_day(d) for d in dates), (start, length, lead)
                assert dates == sorted(dates), (start, length, lead)
                assert got[K.readout] < got[K.signoff] < got[K.commercial]


@pytest.mark.parametrize(
    ("today", "done"),
    [
        (date(2026, 2, 25), frozenset()),  # the scoping call is still ahead
        (date(2026, 2, 26), frozenset({K.scoping})),  # its day: the modal is its output
        (MON, frozenset({K.scoping})),
    ],
)
def test_done_when_written(today: date, done: frozenset[MilestoneKind]) -> None:
    assert done_when_written(default_milestones(MON, END, today=date(2026, 2, 20)), today) == done


def test_no_milestone_falls_on_a_holiday() -> None:
    # Mid-point Friday 13 March and read-out Friday 27 March made public holidays: each moves
    # to the nearest business day, and sign-off and commercial steps count around them.
    holidays = frozenset({FRI2, END, date(2026, 3, 31)})
    dates = default_milestones(MON, END, today=date(2026, 2, 20), holidays=holidays)
    assert dates[K.midpoint] == date(2026, 3, 12)
    assert dates[K.readout] == date(2026, 3, 26)
    assert dates[K.signoff] == date(2026, 4, 1)  # Mon 30, then Wed 1 (Tue 31 is off)
    assert not set(dates.values()) & holidays
