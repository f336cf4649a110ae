"""The sweep's cost does not grow with POCs; two processes sweeping at once post once."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.sandbox.slack_api import SlackStandIn
from scheduler.sweep import _claim, plan
from storage import repo
from storage.db import Database
from tests.queries import counting
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
    """(statements run, nudges claimed) by planning and claiming one sweep."""
    with counting(db) as statements:
        due = await plan(db, MORNING)
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
    async with db.session() as s:
        log = await repo.nudge_log(s, team_id=TEAM)
    assert len(log) == 30 and {r.status for r in log} == {"sent"}
