"""The Procfile layout on PostgreSQL, as processes: clock, release (migrate), two web processes.

The migration lock and the old singleton clock's sweep lock were once one number, so while a
clock ran, `migrate` and every `serve` waited for ever. Here they run together on one
database, a second clock joins the first (they share the teams: tests/process/test_clocks.py),
and SIGTERM or SIGINT stops each kind within 10 s.
"""

from __future__ import annotations

import signal

import aiohttp
import pytest

from storage import locks
from storage.db import Database
from storage.locks import AdvisoryLock
from tests.process.conftest import START_S, STOP_S, Spawn
from tests.process.test_clocks import NOW, name_of, split, swept

pytestmark = pytest.mark.postgres

#: What the clock logs as it starts, and at each sweep of a team.
CLOCK_STARTED = "clock started: a sweep every"
SWEPT = "sweep at "


async def test_clock_migrate_and_two_web_processes_share_one_database(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    clock = await spawn(
        "clock", "--now", NOW.isoformat(), db=pg_database, name="clock 1", port=False
    )
    await clock.said(SWEPT)  # it swept the token's team

    release = await spawn("migrate", db=pg_database, port=False)
    assert await release.exit_code(within=START_S) == 0, release.output
    assert release.has_said("schema up to date"), release.output

    web = [await spawn("serve", "--no-clock", db=pg_database, name=f"web {n}") for n in (1, 2)]
    for w in web:  # both spawned before either is awaited: they start side by side
        await w.healthy(http, within=START_S)
    assert web[0].port != web[1].port

    # A second clock in the same tick: every partition is swept already, it sweeps none.
    second = await spawn(
        "clock", "--now", NOW.isoformat(), db=pg_database, name="clock 2", port=False
    )
    assert "swept partitions [none]" in await swept(second)
    assert not second.has_said(SWEPT), second.output
    db = Database(pg_database)
    try:
        assert list(await split(db)) == [name_of(clock)]
        async with db.engine.connect() as conn:  # no clock holds a lock between ticks
            assert await locks.holders(conn, AdvisoryLock.sweep) == []
            assert await locks.holders(conn, AdvisoryLock.migration) == []
    finally:
        await db.dispose()

    # The idle clock, both web processes, then the first clock: each signal, each kind.
    assert await second.stop(signal.SIGTERM) < STOP_S
    assert await web[0].stop(signal.SIGTERM) < STOP_S
    assert await web[1].stop(signal.SIGINT) < STOP_S
    assert await clock.stop(signal.SIGINT) < STOP_S
    assert clock.has_said(CLOCK_STARTED) and second.has_said(CLOCK_STARTED)
