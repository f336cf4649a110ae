"""bot.rules.team: how each POC stands for its manager, the Team view's filters and order, when
a manager's Monday digest is due and what it says.

Dates are the hand-worked calendar of tests/rules/poc.py: MON2 (9 March 2026) and MON3 (16
March) are Mondays; "last week" on MON3 is MON2 00:00 up to MON3 00:00 in the manager's zone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Checkin, CheckinFormat, Health, Role, Stakeholder, Status
from bot.rules import (
    Go,
    TeamFilter,
    candidate_monday,
    closed_for_team,
    digest_monday,
    live_for_team,
    standing,
    week_news,
)
from tests.rules.poc import (
    END,
    FRI,
    FRI2,
    MON,
    MON2,
    MON3,
    NY,
    SAT,
    SUN,
    TUE,
    TUE2,
    WED,
    at,
    engaged,
    make_poc,
)

NOW = at(WED)  # two days after kickoff: no sponsor stall nor champion silence yet


def rated(health: Health) -> Checkin:
    return Checkin(MON, CheckinFormat.call, True, health)


def test_standing_is_the_health_or_paused() -> None:
    assert standing(make_poc(), NOW) == "green"
    assert standing(make_poc(checkins=(rated(Health.yellow),)), NOW) == "yellow"
    assert standing(make_poc(budget_confirmed=False), NOW) == "red"  # NO-GO
    assert standing(make_poc(status=Status.paused, budget_confirmed=False), NOW) == "paused"


def team() -> list:
    other_se = (*make_poc().stakeholders[1:], Stakeholder(Role.se, user_id="USE2"))
    return [
        make_poc(id=1),
        make_poc(id=2, checkins=(rated(Health.yellow),), stakeholders=other_se),
        make_poc(id=3, budget_confirmed=False),
        make_poc(id=4, status=Status.paused),
        make_poc(id=5, end=END - timedelta(days=1)),  # green too, ends a day sooner
        make_poc(
            id=6,
            status=Status.won,
            closed_at=at(TUE),
            stakeholders=(*make_poc().stakeholders, Stakeholder(Role.ae, user_id="UAE")),
        ),
    ]


def test_live_pocs_worst_first_then_fewest_days_left() -> None:
    assert [p.id for p in live_for_team(team(), NOW, TeamFilter())] == [3, 2, 5, 1, 4]


@pytest.mark.parametrize(
    ("f", "live", "closed"),
    [
        (TeamFilter(se="USE2"), [2], []),
        (TeamFilter(se="USE"), [3, 5, 1, 4], [6]),
        (TeamFilter(ae="UAE"), [], [6]),
        (TeamFilter(standing="paused"), [4], []),  # a health filter shows no closed POC
        (TeamFilter(standing="red"), [3], []),
        (TeamFilter(se="USE", standing="green"), [5, 1], []),
    ],
)
def test_filters_by_se_ae_and_health(f: TeamFilter, live: list[int], closed: list[int]) -> None:
    assert [p.id for p in live_for_team(team(), NOW, f)] == live
    assert [p.id for p in closed_for_team(team(), NOW, f)] == closed


def test_closed_pocs_of_the_last_ninety_days_newest_first() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    pocs = [
        make_poc(id=1, status=Status.lost, closed_at=now - timedelta(days=89)),
        make_poc(id=2, status=Status.won, closed_at=now - timedelta(days=91)),
        make_poc(id=3, status=Status.no_decision, closed_at=now - timedelta(days=1)),
        make_poc(id=4, status=Status.won, closed_at=now - timedelta(days=90)),
    ]
    assert [p.id for p in closed_for_team(pocs, now, TeamFilter())] == [3, 1, 4]


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        (datetime(2026, 3, 8, 9, 59, tzinfo=UTC), None),  # Sunday 23:59 in UTC+14
        (datetime(2026, 3, 8, 10, 0, tzinfo=UTC), MON2),  # Monday 00:00 in UTC+14
        (datetime(2026, 3, 9, 14, 0, tzinfo=UTC), MON2),
        (datetime(2026, 3, 10, 11, 59, tzinfo=UTC), MON2),  # Monday 23:59 in UTC-12
        (datetime(2026, 3, 10, 12, 0, tzinfo=UTC), None),
        (datetime(2026, 3, 11, 12, 0, tzinfo=UTC), None),
    ],
)
def test_a_monday_somewhere(now: datetime, monday: object) -> None:
    assert candidate_monday(now) == monday


def test_the_digest_is_due_on_the_managers_monday_from_the_nudge_hour() -> None:
    assert digest_monday(at(MON2, 8, 59, NY), NY, 9) is None
    assert digest_monday(at(MON2, 9, 0, NY), NY, 9) == MON2
    assert digest_monday(at(MON2, 23, 59, NY), NY, 9) == MON2
    assert digest_monday(at(TUE2, 9, 0, NY), NY, 9) is None
    # Sunday 23:00 in New York is Monday 13:00 in Tokyo
    assert digest_monday(at(SUN, 23, 0, NY), NY, 9) is None
    assert digest_monday(at(SUN, 23, 0, NY), "Asia/Tokyo", 9) == MON2
    assert digest_monday(at(MON2, 7, 0, NY), NY, 7) == MON2  # the workspace's own hour


def digest_team() -> list:
    met = (engaged(FRI2),)  # no stalled sponsor unless a test wants one
    return [
        make_poc(id=1, created_at=at(TUE2), budget_confirmed=False, engagements=met),  # NO-GO
        make_poc(
            id=2,
            created_at=at(FRI),
            kickoff_verdict="AT RISK",
            kickoff_verdict_at=at(MON2, 9),
            engagements=met,
        ),
        make_poc(id=3, created_at=at(TUE2), engagements=met),  # GO: no news
        make_poc(id=4, created_at=at(FRI), budget_confirmed=False, engagements=met),  # not new
        make_poc(id=5, end=FRI2, engagements=met),  # overrun since Saturday
        make_poc(id=6),  # no sponsor meeting since kickoff: 14 days on MON3
        make_poc(id=7, status=Status.won, closed_at=at(FRI2), engagements=met),
        make_poc(id=8, status=Status.lost, closed_at=at(MON3, 1), engagements=met),  # this week
        make_poc(id=9, status=Status.lost, closed_at=at(SUN, 23), engagements=met),  # before
        make_poc(id=10, status=Status.no_decision, closed_at=at(MON2, 2), engagements=met),
    ]


def test_the_weeks_news_in_utc() -> None:
    news = week_news(digest_team(), monday=MON3, tz="UTC", now=at(MON3, 9))
    assert [(p.id, v) for p, v in news.verdicts] == [(1, Go.no_go), (2, Go.at_risk)]
    assert [p.id for p in news.overruns] == [5]
    assert [(p.id, d) for p, d in news.stalled] == [(6, 14)]
    assert [p.id for p in news.closed] == [7, 10]
    assert not news.empty


def test_last_week_is_the_managers_own() -> None:
    """In New York, MON2 02:00 UTC is the Sunday before last week (not in it) and MON3 01:00
    UTC is last Sunday evening (in it)."""
    news = week_news(digest_team(), monday=MON3, tz=NY, now=at(MON3, 9, tz=NY))
    assert [p.id for p in news.closed] == [8, 7]


def test_a_quiet_week_is_empty() -> None:
    quiet = [p for p in digest_team() if p.id in (3, 4, 8, 9)]
    assert week_news(quiet, monday=MON3, tz="UTC", now=at(MON3, 9)).empty
    assert week_news([], monday=MON3, tz="UTC", now=at(MON3, 9)).empty


def test_a_paused_poc_is_neither_overrun_nor_stalled() -> None:
    paused = [replace(p, status=Status.paused) for p in digest_team() if p.id in (5, 6)]
    assert week_news(paused, monday=MON3, tz="UTC", now=at(MON3, 9)).empty


def test_saturday_is_no_monday() -> None:
    assert digest_monday(at(SAT, 10), "UTC", 9) is None
