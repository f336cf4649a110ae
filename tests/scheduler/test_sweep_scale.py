"""The sweep's cost does not grow with POCs; two processes sweeping at once post once."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.sandbox.slack_api import SlackStandIn
from scheduler.due import place, plan
from scheduler.sweep import _claim
from storage import models as m
from storage.db import Database
from tests.queries import counting, sent_rows
from tests.scheduler.seed import TEAM, local, new_poc, seed_bulk

DAY = date(2026, 10, 21)
MORNING = local(DAY, 9, 5)
ROOT = Path(__file__).resolve().parents[2]


async def seed_many(db: Database, n: int, *, first: int = 0) -> None:
    news = [
        new_poc(channel=f"C{i:05d}", start=DAY, end=date(2026, 11, 3), exec_briefed=i % 2 == 0)
        for i in range(first, first + n)
    ]
    await seed_bulk(db, news)


async def sweep_queries(db: Database) -> tuple[int, int]:
    """(statements run, nudges claimed) by planning and claiming one sweep (no channel is
    shared: the internal alerts join the kickoff in the deal channel)."""
    with counting(db) as statements:
        due = await plan(db, MORNING, teams=[TEAM])
        place(due, {d.poc.channel_id: False for d in due})
        claims = await _claim(db, due, MORNING)
    return len([s for s in statements if not s.lstrip().upper().startswith(("PRAGMA",))]), len(
        claims
    )


async def test_query_count_is_the_same_for_10_and_1000_pocs(db: Database) -> None:
    await seed_many(db, 10)
    small, claimed_small = await sweep_queries(db)
    await seed_many(db, 990, first=10)
    large, claimed_large = await sweep_queries(db)
    assert claimed_small == 15  # kickoff for all ten, exec unbriefed for five
    assert claimed_large == 1485  # the same for the 990 new ones; the first ten are handled
    assert small == large, f"{small} statements for 10 POCs, {large} for 1,000"


async def test_two_processes_sweeping_at_once_post_each_nudge_once(
    db: Database, db_url: tuple[str, str | None]
) -> None:
    url, schema = db_url
    if schema is None:
        pytest.skip("two processes on one database: the PostgreSQL case (SQLite is one writer)")
    await seed_many(db, 20)
    async with SlackStandIn(team_id=TEAM) as slack:
        for i in range(20):
            slack.add_channel(f"C{i:05d}")
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.scheduler.sweeper",
                url,
                schema,
                slack.api_url,
                MORNING.isoformat(),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [json.loads((await p.communicate())[0]) for p in procs]
        assert all(p.returncode == 0 for p in procs)
        assert sum(o["sent"] for o in outputs) == 30
        for i in range(20):
            assert len([m for m in slack.posts(f"C{i:05d}") if m.metadata]) == 1
    log = await sent_rows(db, team_id=TEAM)
    assert len(log) == 30 and {r.status for r in log} == {"sent"}


#: A sent-log with history: 60 days of 3 nudges a day for 40 POCs in each of two teams.
HISTORY_DAYS, HISTORY_POCS = 60, 40


async def seed_history(db: Database) -> None:
    log = m.NudgeLog.__table__
    for team_id in (TEAM, "TOTHER"):
        news = [
            new_poc(channel=f"{team_id}{i}", start=DAY, end=date(2026, 11, 3))
            for i in range(HISTORY_POCS)
        ]
        ids = await seed_bulk(db, news, team_id=team_id)
        rows = [
            {
                "team_id": team_id,
                "poc_id": poc_id,
                "key": key,
                "kind": "cadence",
                "local_date": DAY - timedelta(days=back),
                "destination": f"{team_id}{poc_id}",
                "status": "sent",
                "attempts": 1,
                "claimed_at": MORNING - timedelta(days=back),
            }
            for poc_id in ids
            for back in range(HISTORY_DAYS)
            for key in ("cadence", "milestone:kickoff", "champion_silent")
        ]
        async with db.transaction() as s:
            await s.exec(sa.insert(log), params=rows)  # type: ignore[call-overload]


async def test_the_sweeps_read_of_the_sent_log_is_served_by_an_index(db: Database) -> None:
    await seed_history(db)
    postgres = db.engine.dialect.name == "postgresql"
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE" if not postgres else "ANALYZE nudge_log")
    # The exact statement and parameters the sweep sends.
    sent: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        if "FROM nudge_log" in statement and "local_date >=" in statement:
            sent.append((statement, params))

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await plan(db, MORNING, teams=[TEAM])
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    [(statement, params)] = [q for q in sent if "nudge_log.team_id IN" in q[0]]
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    async with db.engine.connect() as conn:
        result = await conn.exec_driver_sql(explain + statement, params)  # type: ignore[arg-type]
        plan_text = "\n".join(str(row[-1]) for row in result.all())
    assert "ix_nudge_log_team_date" in plan_text, plan_text
    if postgres:
        assert "Seq Scan" not in plan_text, plan_text
    else:
        assert "SEARCH nudge_log USING INDEX ix_nudge_log_team_date" in plan_text, plan_text
        assert "SCAN nudge_log" not in plan_text, plan_text
