"""storage.portfolio: a team's POCs started or closed in a period, in a fixed number of queries,
on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bench.report import asked, seed_closed
from bot.domain import Status
from bot.rules import Go, Outcomes, Share
from storage import lifecycle, portfolio
from storage.db import Database
from tests.queries import counting
from tests.storage.pocs import create, first_criterion

#: Q4 2026
START, END = date(2026, 10, 1), date(2026, 12, 31)
JUNE, SEPT = date(2026, 6, 1), date(2026, 9, 1)


async def close(db: Database, poc_id: int, at: datetime, outcome: Status = Status.won) -> None:
    async with db.transaction() as s:
        assert await lifecycle.close(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            outcome=outcome,
            by="UAE",
            note="",
            verdict="GO",
            now=at,
        )


async def load(db: Database) -> list[int]:
    async with db.session() as s:
        pocs = await portfolio.pocs_for_period(session=s, team_id="T1", start=START, end=END)
    return [p.id for p in pocs]


async def test_the_pocs_started_or_closed_in_the_period_and_no_others(db: Database) -> None:
    started = await create(db, channel="C1")  # starts Nov 16: in it, open
    await create(db, "T2", channel="C1")  # another team's, the same dates
    await create(db, channel="C2", start=JUNE)  # open since June: not in it
    await create(db, channel="C3", start=date(2027, 1, 4), end=date(2027, 1, 15))  # after it
    ids = {}
    for name, start, closed in [
        # Sep 30 in New York: loaded, a day either side; the rules judge its local day
        ("sep30_ny", SEPT, datetime(2026, 10, 1, 3, 0, tzinfo=UTC)),
        ("sep29", SEPT, datetime(2026, 9, 29, 12, 0, tzinfo=UTC)),  # two days before: not
        ("nov5", JUNE, datetime(2026, 11, 5, 15, 0, tzinfo=UTC)),
        ("jan1", JUNE, datetime(2027, 1, 1, 12, 0, tzinfo=UTC)),  # Dec 31 somewhere west
        ("jan2", JUNE, datetime(2027, 1, 2, 1, 0, tzinfo=UTC)),  # Jan 1 everywhere: not
    ]:
        ids[name] = await create(db, channel=f"C-{name}", start=start)
        await close(db, ids[name], closed)
    assert await load(db) == [started, ids["sep30_ny"], ids["nov5"], ids["jan1"]]


async def test_a_fixed_number_of_queries_with_only_what_the_report_needs(db: Database) -> None:
    first = await create(db, channel="C0")
    await first_criterion(db, first)
    with counting(db) as statements:
        assert await load(db) == [first]
    for_one = len(statements)
    for i in range(1, 15):
        await create(db, channel=f"C{i}")
    with counting(db) as statements:
        assert len(await load(db)) == 15
    # the POCs, people, use cases, milestones, criteria, scope changes; the workspace settings
    assert for_one == len(statements) == 7
    async with db.session() as s:
        (poc, *_) = await portfolio.pocs_for_period(session=s, team_id="T1", start=START, end=END)
    assert len(poc.criteria) == 1 and len(poc.use_cases) == 2 and len(poc.stakeholders) == 4
    assert {m.kind.value for m in poc.milestones} == {"kickoff", "readout"}
    assert poc.checkins == () and poc.engagements == ()  # left in the database


async def test_the_benchmarks_quarter_in_seven_queries(db: Database) -> None:
    """bench/report.py's portfolio, small: 140 POCs (i = 0…139) all started and closed in Q1
    2026; outcome by i % 7 (0, 1, 4, 6 won; 2, 5 lost; 3 no decision), verdict by i % 5 (0, 1,
    4 GO; 2 AT RISK; 3 NO-GO), finished i % 11 − 4 days from a 25-day plan (the close, 5 days
    later, when i % 4 == 0 posts no read-out), criteria by id % 3, a scope change when i % 3 == 0.
    """
    await seed_closed(db, 140)
    with counting(db) as statements:
        figures, blocks = await asked(db)
    assert len(statements) == 7
    assert figures.started == 140
    assert figures.outcomes == Outcomes(won=80, lost=40, no_decision=20)  # 20 of each residue
    # Each (i % 5, i % 7) pair once in 35: GO and won 3 × 4 = 12 per 35, 48 in 140.
    assert figures.by_verdict == (
        (Go.go, Outcomes(won=48, lost=24, no_decision=12)),
        (Go.at_risk, Outcomes(won=16, lost=8, no_decision=4)),
        (Go.no_go, Outcomes(won=16, lost=8, no_decision=4)),
    )
    assert figures.median_planned_days == 25
    # The 35 without a read-out all overran; of the 105 with one, i % 11 ≥ 5: 3 × 6 in each
    # 44, so 54 in 0…131, and 133, 134, 135 after: 57.
    assert figures.overran == Share(92, 140)
    assert figures.criteria == Share(280, 560) and figures.criteria_pending == 280
    assert figures.scope_changes == 47  # 0, 3, … 138
    assert len(blocks) == 10
