"""bot.rules.progress: scope, score, days left, next milestone, sponsor pulse, health.

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain import (
    Checkin,
    CheckinFormat,
    Engagement,
    EngagementKind,
    Health,
    MilestoneKind,
    Poc,
    ScopeChangeKind,
    Skin,
    Status,
    UseCase,
    Verdict,
)
from bot.rules import (
    after_kickoff,
    criterion_scope_changes,
    days_left,
    health,
    next_milestone,
    score,
    sponsor_pulse,
)
from tests.rules.poc import (
    BUSINESS,
    C_DEPLOY,
    C_INGEST,
    CHAMPION,
    DEPLOY,
    END,
    EXEC,
    FRI,
    FRI2,
    INGEST,
    MON,
    MON2,
    MON5,
    NY,
    PLAN,
    SE,
    THU2,
    TUE,
    TUE2,
    WED,
    WED2,
    WED4,
    K,
    at,
    call,
    engaged,
    make_poc,
    with_milestone,
)


@pytest.mark.parametrize(
    ("poc", "now", "expected"),
    [
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(date(2026, 3, 1)), False),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(MON, 17), False),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(TUE, 8), True),
        (make_poc(), at(MON, 9), True),  # marked done at 09:00
        (make_poc(), at(MON, 8), False),  # … not yet at 08:00
        (make_poc(milestones=()), at(MON, 17), False),  # no plan: the start date decides
        (make_poc(milestones=()), at(TUE), True),
        # 21:00 Monday in Los Angeles is already Tuesday in UTC: still kickoff day there.
        (make_poc(milestones=(), tz="America/Los_Angeles"), at(TUE, 5), False),
        (make_poc(milestones=(), tz="America/Los_Angeles"), at(WED, 5), True),
    ],
)
def test_after_kickoff(poc: Poc, now: datetime, expected: bool) -> None:
    assert after_kickoff(poc, now) is expected


NEW_UC = "Mainframe connector"
THIRD = UseCase(3, "Archive to S3")


@pytest.mark.parametrize(
    ("poc", "now", "new_use_case", "expected"),
    [
        # Before kickoff, growing the scope is scoping: no change is recorded.
        (make_poc(), at(date(2026, 2, 27)), None, ()),
        (make_poc(), at(date(2026, 2, 27)), NEW_UC, ()),
        # After kickoff a criterion for an existing use case is one change …
        (make_poc(), at(TUE), None, ((ScopeChangeKind.criterion_added, "Loads in 2 s"),)),
        # … and one for a new use case is that use case's change, not two.
        (make_poc(), at(TUE), NEW_UC, ((ScopeChangeKind.use_case_added, NEW_UC),)),
        # A fourth use case is over the limit too.
        (
            make_poc(use_cases=(INGEST, DEPLOY, THIRD)),
            at(TUE),
            NEW_UC,
            (
                (ScopeChangeKind.use_case_added, NEW_UC),
                (ScopeChangeKind.too_many_use_cases, f"4 use cases: {NEW_UC}"),
            ),
        ),
    ],
)
def test_criterion_scope_changes(
    poc: Poc, now: datetime, new_use_case: str | None, expected: tuple[Any, ...]
) -> None:
    changes = criterion_scope_changes(poc, now, statement="Loads in 2 s", new_use_case=new_use_case)
    assert changes == expected


def test_score() -> None:
    criteria = [
        C_INGEST,
        replace(C_DEPLOY, verdict=Verdict.passed),
        replace(C_DEPLOY, id=3, verdict=Verdict.passed),
        replace(C_DEPLOY, id=4, verdict=Verdict.failed),
    ]
    s = score(criteria)
    assert (s.passed, s.failed, s.pending, s.total) == (2, 1, 1, 4)
    assert score([]).total == 0


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (at(WED4), "UTC", 2),
        (at(END), "UTC", 0),
        (at(MON5), "UTC", -3),
        (datetime(2026, 3, 28, 2, tzinfo=UTC), NY, 0),  # still Friday evening in New York
    ],
)
def test_days_left(now: datetime, tz: str, expected: int) -> None:
    assert days_left(make_poc(tz=tz), now) == expected


@pytest.mark.parametrize(
    ("poc", "now", "expected"),
    [
        (make_poc(), at(WED), (K.midpoint, FRI2)),
        (make_poc(), at(MON5), (K.midpoint, FRI2)),  # overdue comes first
        (with_milestone(make_poc(), K.midpoint, done_at=at(FRI2)), at(MON5), (K.readout, END)),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(WED), (K.kickoff, MON)),
        (make_poc(milestones=tuple(replace(m, done_at=at(MON)) for m in PLAN)), at(WED), None),
        (make_poc(milestones=()), at(WED), None),
    ],
)
def test_next_milestone(
    poc: Poc, now: datetime, expected: tuple[MilestoneKind, date] | None
) -> None:
    assert next_milestone(poc, now) == expected


@pytest.mark.parametrize(
    ("engagements", "checkins", "last", "since", "recent", "previous", "trend"),
    [
        ((), (), None, None, 0, 0, "flat"),
        ((engaged(MON2),), (), MON2, 2, 1, 0, "up"),
        ((engaged(MON2, EngagementKind.email),), (), None, None, 0, 0, "flat"),
        ((engaged(MON2, EngagementKind.message),), (), None, None, 0, 0, "flat"),
        ((engaged(MON2, EngagementKind.briefing),), (), MON2, 2, 1, 0, "up"),
        ((), (call(TUE2),), TUE2, 1, 1, 0, "up"),
        ((), (call(TUE2, fmt=CheckinFormat.email),), None, None, 0, 0, "flat"),
        ((), (call(TUE2, sponsor=False),), None, None, 0, 0, "flat"),
        ((engaged(date(2026, 4, 1)),), (), None, None, 0, 0, "flat"),  # logged ahead of time
        # Today is Wed 11 Mar: the last 14 days are 26 Feb–11 Mar, the 14 before 12–25 Feb.
        (
            (engaged(date(2026, 2, 26)), engaged(date(2026, 2, 25))),
            (),
            date(2026, 2, 26),
            13,
            1,
            1,
            "flat",
        ),
        (
            (engaged(date(2026, 2, 12)), engaged(date(2026, 2, 20))),
            (),
            date(2026, 2, 20),
            19,
            0,
            2,
            "down",
        ),
        ((engaged(date(2026, 2, 11)),), (), date(2026, 2, 11), 28, 0, 0, "flat"),
    ],
)
def test_sponsor_pulse(
    engagements: tuple[Engagement, ...],
    checkins: tuple[Checkin, ...],
    last: date | None,
    since: int | None,
    recent: int,
    previous: int,
    trend: str,
) -> None:
    pulse = sponsor_pulse(make_poc(engagements=engagements, checkins=checkins), at(WED2))
    assert (pulse.last_engaged, pulse.days_since, pulse.recent, pulse.previous, pulse.trend) == (
        last,
        since,
        recent,
        previous,
        trend,
    )


# ---------------------------------------------------------------- health

#: A POC in good shape on Wednesday 11 March: sponsors met yesterday, champion active.
HEALTHY: dict[str, Any] = {
    "checkins": (call(TUE2),),
    "stakeholders": (SE, replace(CHAMPION, last_seen_at=at(TUE2)), BUSINESS, EXEC),
}


QUIET_CHAMPION: dict[str, Any] = {
    "checkins": (call(FRI),),
    "stakeholders": (SE, replace(CHAMPION, last_seen_at=at(FRI)), BUSINESS, EXEC),
}


def checked_in(h: Health) -> tuple[Checkin, ...]:
    return (call(MON2), replace(call(TUE2), health=h))


@pytest.mark.parametrize(
    ("changes", "now", "expected"),
    [
        ({}, at(WED2), Health.green),
        ({"budget_confirmed": False}, at(WED2), Health.red),
        ({"checkins": checked_in(Health.red)}, at(WED2), Health.red),
        ({"checkins": (call(TUE2, sponsor=False),)}, at(WED2), Health.red),  # no sponsor in 9 days
        ({"checkins": (call(TUE2, fmt=CheckinFormat.email),)}, at(WED2), Health.red),
        ({"checkins": (call(MON5),)}, at(MON5), Health.red),  # overrun
        ({"checkins": (call(MON5),), "status": Status.readout}, at(MON5), Health.green),
        ({"checkins": (call(MON5),), "readout_posted_at": at(END)}, at(MON5), Health.green),
        ({"skin": Skin.none}, at(WED2), Health.yellow),
        ({"checkins": checked_in(Health.yellow)}, at(WED2), Health.yellow),
        (
            {"criteria": (replace(C_INGEST, verdict=Verdict.failed), C_DEPLOY)},
            at(WED2),
            Health.yellow,
        ),
        # The champion's last word was Friday: Mon, Tue, Wed, Thu is silence.
        ({**QUIET_CHAMPION, "engagements": (engaged(TUE2),)}, at(THU2), Health.yellow),
    ],
)
def test_health(changes: dict[str, Any], now: datetime, expected: Health) -> None:
    assert health(make_poc(**{**HEALTHY, **changes}), now) == expected
