"""bot.rules.portfolio: a team's figures over a period, from a portfolio whose every outcome
is known. Each expected figure is worked out by hand below, never by the code under test.

The period is Q1 2026 (Thu 1 Jan – Tue 31 Mar), asked on Fri 10 Apr 2026. Each POC: start →
original end; how it finished (the read-out, else the close) and its length in days; its close
(the POC's local day) and outcome; kickoff verdict; skin; executive briefed by kickoff?

1. Jan 5 → Jan 30; read-out Jan 29 (24 d); Feb 10 won; GO; funded; Jan 2 ≤ kickoff Jan 6: yes
2. Jan 12 → Feb 6 (extended to Feb 20); read-out Feb 19 (38 d, overran); Mar 2 won; GO;
   conditional PO; Jan 12 ≤ start Jan 12 (no kickoff milestone): yes
3. Feb 2 → Feb 27; no read-out, close Mar 16 (42 d, overran); lost; AT RISK; none;
   Feb 10 > kickoff Feb 9: no
4. Feb 9 → Mar 6; read-out Mar 5 (24 d); Mar 20 no decision; NO-GO; none; no executive: no
5. Dec 1 2025 → Dec 19 2025; read-out Jan 8 (38 d, overran); Jan 15 won; GO; collaborative;
   Nov 28 ≤ Dec 1: yes
6. New York: Mar 2 → Mar 27; read-out Mar 27 (25 d); Mar 31 23:30 (Apr 1 in UTC) lost; GO;
   funded; Mar 4 22:00 (Mar 5 in UTC) ≤ kickoff Mar 4: yes
7. Mar 16 → Apr 10; open
8. Tokyo: Nov 3 2025 → Nov 28 2025; no read-out, closed Dec 31 23:00 UTC = Jan 1 in Tokyo
   (59 d, overran); won; no verdict recorded; funded; no executive: no
9. Apr 6 → May 1; open
10. Jan 26 → Feb 20; read-out Feb 20; Apr 2 won (after the period); NO-GO; none
11. Oct 6 2025 → Oct 31 2025; Dec 15 2025 lost (before the period); NO-GO; none
12. Feb 16 → Mar 13; paused

Started in Q1: 1, 2, 3, 4, 6, 7, 10, 12 = 8. Closed in Q1: 1, 2, 3, 4, 5, 6, 8 = 7 (won 1, 2, 5, 8;
lost 3, 6; no decision 4). POCs 7, 10 and 11 carry failed criteria and scope changes that must
not count.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import (
    Criterion,
    Milestone,
    MilestoneKind,
    Poc,
    Role,
    ScopeChange,
    ScopeChangeKind,
    Skin,
    Stakeholder,
    Status,
    UseCase,
    Verdict,
)
from bot.rules import (
    SMALL_GROUP,
    Go,
    Outcomes,
    Period,
    Share,
    briefed_by_kickoff,
    finished_on,
    quarter,
    report,
)

NY, TOKYO = "America/New_York", "Asia/Tokyo"
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 10, 15, 0, tzinfo=UTC)
P, F, W = Verdict.passed, Verdict.failed, Verdict.pending


def at(d: date, hour: int = 10, minute: int = 0, tz: str = "UTC") -> datetime:
    return datetime.combine(d, time(hour, minute), ZoneInfo(tz)).astimezone(UTC)


def poc(
    id: int,
    start: date,
    original_end: date,
    *,
    status: Status = Status.active,
    closed: datetime | None = None,
    readout: datetime | None = None,
    verdict: Go | None = Go.go,
    skin: Skin = Skin.funded,
    briefed: datetime | None = None,
    exec_named: bool = True,
    kickoff: date | None = None,
    criteria: tuple[Verdict, ...] = (),
    scope: int = 0,
    tz: str = "UTC",
    **changes: Any,
) -> Poc:
    """A POC as the report sees it; `criteria` are in scope (use case 1), one each."""
    people = [Stakeholder(Role.se, user_id="USE")]
    if exec_named:
        people.append(Stakeholder(Role.exec_sponsor, name="Vic", briefed_at=briefed))
    return Poc(
        id=id,
        team_id="T1",
        channel_id=f"C{id}",
        prospect=f"Prospect {id}",
        start=start,
        end=changes.pop("end", original_end),
        original_end=original_end,
        tz=tz,
        status=status,
        closed_at=closed,
        readout_posted_at=readout,
        kickoff_verdict=verdict.value if verdict else None,
        skin=skin,
        stakeholders=tuple(people),
        milestones=(Milestone(MilestoneKind.kickoff, kickoff),) if kickoff else (),
        use_cases=(UseCase(1, "Ingest"), UseCase(2, "SSO", parked=True)),
        criteria=tuple(
            Criterion(100 * id + k, 1, f"c{k}", verdict=v) for k, v in enumerate(criteria)
        )
        + changes.pop("extra_criteria", ()),
        scope_changes=tuple(
            ScopeChange(k, ScopeChangeKind.criterion_added, "x", at(start)) for k in range(scope)
        ),
        **changes,
    )


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


PORTFOLIO = (
    poc(1, d(1, 5), d(1, 30), status=Status.won, closed=at(d(2, 10)), readout=at(d(1, 29)),
        briefed=at(d(1, 2)), kickoff=d(1, 6), criteria=(P, P, F)),
    poc(2, d(1, 12), d(2, 6), end=d(2, 20), status=Status.won, closed=at(d(3, 2)),
        readout=at(d(2, 19)), skin=Skin.conditional_po, briefed=at(d(1, 12), 16),
        criteria=(P, P), scope=2),
    poc(3, d(2, 2), d(2, 27), status=Status.lost, closed=at(d(3, 16)), verdict=Go.at_risk,
        skin=Skin.none, briefed=at(d(2, 10)), kickoff=d(2, 9), criteria=(F, F, W), scope=1),
    poc(4, d(2, 9), d(3, 6), status=Status.no_decision, closed=at(d(3, 20)),
        readout=at(d(3, 5)), verdict=Go.no_go, skin=Skin.none, exec_named=False,
        criteria=(P, W),
        # out of scope: parked itself, and in the parked use case — not scored
        extra_criteria=(Criterion(450, 1, "parked", verdict=P, parked=True),
                        Criterion(451, 2, "in a parked use case", verdict=F))),
    poc(5, d(12, 1, 2025), d(12, 19, 2025), status=Status.won, closed=at(d(1, 15)),
        readout=at(d(1, 8)), skin=Skin.collaborative, briefed=at(d(11, 28, 2025)),
        criteria=(P, P, P, P), scope=3),
    poc(6, d(3, 2), d(3, 27), status=Status.lost, closed=at(d(3, 31), 23, 30, tz=NY),
        readout=at(d(3, 27), tz=NY), briefed=at(d(3, 4), 22, tz=NY), kickoff=d(3, 4),
        criteria=(P, F), tz=NY),
    poc(7, d(3, 16), d(4, 10), criteria=(F, F), scope=4),
    poc(8, d(11, 3, 2025), d(11, 28, 2025), status=Status.won,
        closed=datetime(2025, 12, 31, 23, 0, tzinfo=UTC), verdict=None, exec_named=False,
        tz=TOKYO),
    poc(9, d(4, 6), d(5, 1)),
    poc(10, d(1, 26), d(2, 20), status=Status.won, closed=at(d(4, 2)), readout=at(d(2, 20)),
        verdict=Go.no_go, skin=Skin.none, criteria=(F, F, F), scope=5),
    poc(11, d(10, 6, 2025), d(10, 31, 2025), status=Status.lost, closed=at(d(12, 15, 2025)),
        verdict=Go.no_go, skin=Skin.none, criteria=(F,), scope=7),
    poc(12, d(2, 16), d(3, 13), status=Status.paused, verdict=Go.at_risk, skin=Skin.none),
)  # fmt: skip


@pytest.fixture(scope="module")
def q1() -> Any:
    return report(PORTFOLIO, Q1, NOW)


def test_started_and_closed_in_the_period(q1: Any) -> None:
    assert q1.period == Q1
    assert q1.partial is False
    assert q1.started == 8  # 1, 2, 3, 4, 6, 7, 10, 12
    assert q1.outcomes == Outcomes(won=4, lost=2, no_decision=1)
    assert q1.outcomes.closed == 7
    assert q1.outcomes.win_rate == Share(4, 7)


def test_win_rate_by_kickoff_verdict(q1: Any) -> None:
    assert q1.by_verdict == (
        (Go.go, Outcomes(won=3, lost=1)),  # 1, 2, 5 won; 6 lost
        (Go.at_risk, Outcomes(lost=1)),  # 3
        (Go.no_go, Outcomes(no_decision=1)),  # 4
        (None, Outcomes(won=1)),  # 8: closed before verdicts were recorded
    )


def test_win_rate_by_skin_in_the_game(q1: Any) -> None:
    assert q1.by_skin == (
        (Skin.none, Outcomes(lost=1, no_decision=1)),  # 3, 4
        (Skin.collaborative, Outcomes(won=1)),  # 5
        (Skin.funded, Outcomes(won=2, lost=1)),  # 1, 8 won; 6 lost
        (Skin.conditional_po, Outcomes(won=1)),  # 2
    )


def test_win_rate_by_executive_briefed_before_kickoff(q1: Any) -> None:
    assert q1.by_briefing == (
        (True, Outcomes(won=3, lost=1)),  # 1, 2, 5 won; 6 lost
        (False, Outcomes(won=1, lost=1, no_decision=1)),  # 8 won; 3 lost; 4 no decision
    )


def test_length_against_plan_and_overruns(q1: Any) -> None:
    # lengths 24, 38, 42, 24, 38, 25, 59 -> sorted 24 24 25 [38] 38 42 59
    assert q1.median_days == 38
    # planned 25, 25, 25, 25, 18, 25, 25 -> 25
    assert q1.median_planned_days == 25
    assert q1.overran == Share(4, 7)  # 2, 3, 5, 8


def test_criteria_pass_rate_and_scope_changes(q1: Any) -> None:
    # passed 2+2+0+1+4+1, failed 1+0+2+0+0+1, pending 3's and 4's; parked ones not scored
    assert q1.criteria == Share(10, 14)
    assert q1.criteria_pending == 2
    assert q1.scope_changes == 6  # 2's two, 3's one, 5's three
    assert q1.scope_changes_per_poc == pytest.approx(6 / 7)


def test_shares_are_counts_below_five_and_percentages_rounded_half_up() -> None:
    assert SMALL_GROUP == 5
    assert Share(3, 4).small and not Share(4, 5).small
    assert Share(4, 7).percent == 57
    assert Share(10, 14).percent == 71
    assert Share(1, 8).percent == 13  # 12.5
    assert Share(5, 8).percent == 63  # 62.5
    assert Share(0, 0).percent is None and Share(0, 0).small


def test_this_quarter_so_far_counts_only_pocs_already_started() -> None:
    q2 = Period(date(2026, 4, 1), date(2026, 6, 30))
    ahead = poc(13, d(4, 20), d(5, 15))  # set up now, starting in ten days
    got = report([*PORTFOLIO, ahead], q2, NOW)
    assert got.partial is True
    assert got.started == 1  # 9 (Apr 6); not 13
    assert got.outcomes == Outcomes(won=1)  # 10, closed Apr 2
    assert got.by_verdict[2] == (Go.no_go, Outcomes(won=1))
    assert got.median_days == 25  # Jan 26 -> read-out Feb 20
    assert got.overran == Share(0, 1)
    assert got.criteria == Share(0, 3)
    assert got.scope_changes == 5


def test_an_empty_period_says_nothing_happened() -> None:
    got = report(PORTFOLIO, Period(date(2024, 1, 1), date(2024, 3, 31)), NOW)
    assert got.started == 0 and got.outcomes.closed == 0
    assert got.by_verdict == ((Go.go, Outcomes()), (Go.at_risk, Outcomes()), (Go.no_go, Outcomes()))
    assert got.median_days is None and got.median_planned_days is None
    assert got.overran == Share(0, 0) and got.criteria == Share(0, 0)
    assert got.scope_changes_per_poc is None


@pytest.mark.parametrize(
    ("today", "back", "start", "end"),
    [
        (d(1, 1), 0, d(1, 1), d(3, 31)),
        (d(3, 31), 0, d(1, 1), d(3, 31)),
        (d(4, 1), 0, d(4, 1), d(6, 30)),
        (d(8, 15), 0, d(7, 1), d(9, 30)),
        (d(12, 31), 0, d(10, 1), d(12, 31)),
        (d(2, 10), 1, d(10, 1, 2025), d(12, 31, 2025)),
        (d(5, 10), 1, d(1, 1), d(3, 31)),
        (d(5, 10), 5, d(1, 1, 2025), d(3, 31, 2025)),
    ],
)
def test_quarters(today: date, back: int, start: date, end: date) -> None:
    assert quarter(today, back) == Period(start, end)


def test_briefed_by_kickoff_is_judged_on_the_pocs_own_days() -> None:
    six = PORTFOLIO[5]
    assert briefed_by_kickoff(six)  # Mar 4 22:00 in New York is Mar 5 in UTC
    assert not briefed_by_kickoff(poc(20, d(3, 2), d(3, 27), briefed=None))
    two_execs = poc(21, d(3, 2), d(3, 27), briefed=at(d(3, 1)))
    late = Stakeholder(Role.exec_sponsor, name="Kim", briefed_at=at(d(3, 9)))
    assert not briefed_by_kickoff(replace(two_execs, stakeholders=(*two_execs.stakeholders, late)))


def test_finished_is_the_read_out_else_the_close() -> None:
    assert finished_on(PORTFOLIO[0]) == d(1, 29)
    assert finished_on(PORTFOLIO[2]) == d(3, 16)
    assert finished_on(PORTFOLIO[7]) == d(1, 1)  # Tokyo's New Year's Day
    assert finished_on(PORTFOLIO[6]) is None  # open, no read-out
