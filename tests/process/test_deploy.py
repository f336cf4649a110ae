"""The Procfile layout on PostgreSQL, as processes: clock, release (migrate), two web processes.

The migration lock and the sweep lock were once one number, so while a clock ran, `migrate`
and every `serve` waited for ever. Here they run together on one database, a second clock
waits without sweeping, and SIGTERM or SIGINT stops each kind within 10 s — a waiting clock
too.
"""

from __future__ import annotations

import signal

import aiohttp
import pytest

from storage import locks
from storage.db import Database
from storage.locks import AdvisoryLock
from tests.process.conftest import START_S, STOP_S, Spawn

pytestmark = pytest.mark.postgres

#: What the clock logs: once it holds the lock, at each sweep, and while another holds it.
CLOCK_STARTED = "clock started: a sweep every"
SWEPT = "sweep at "
WAITING = "another clock holds the sweep lock"
TAKEN = "sweep lock taken"


async def test_clock_migrate_and_two_web_processes_share_one_database(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    clock = await spawn("clock", db=pg_database, name="clock 1", port=False)
    await clock.said(SWEPT)  # it holds the sweep lock: it swept

    release = await spawn("migrate", db=pg_database, port=False)
    assert await release.exit_code(within=START_S) == 0, release.output
    assert release.has_said("schema up to date"), release.output

    web = [await spawn("serve", "--no-clock", db=pg_database, name=f"web {n}") for n in (1, 2)]
    for w in web:  # both spawned before either is awaited: they start side by side
        await w.healthy(http, within=START_S)
    assert web[0].port != web[1].port

    second = await spawn("clock", db=pg_database, name="clock 2", port=False)
    await second.said(WAITING)
    assert not second.has_said(SWEPT) and not second.has_said(CLOCK_STARTED), second.output
    db = Database(pg_database)
    try:
        async with db.engine.connect() as conn:  # one sweep lock, held: the first clock's
            assert len(await locks.holders(conn, AdvisoryLock.sweep)) == 1
            assert await locks.holders(conn, AdvisoryLock.migration) == []
    finally:
        await db.dispose()

    # A waiting clock, both web processes, then the sweeping clock: each signal, each kind.
    assert await second.stop(signal.SIGTERM) < STOP_S
    assert not second.has_said(SWEPT), "the waiting clock swept"
    assert await web[0].stop(signal.SIGTERM) < STOP_S
    assert await web[1].stop(signal.SIGINT) < STOP_S
    assert await clock.stop(signal.SIGINT) < STOP_S
    assert clock.has_said(CLOCK_STARTED) and not clock.has_said(WAITING)


async def test_a_waiting_clock_takes_over_when_the_sweeping_one_stops(
    spawn: Spawn, pg_database: str
) -> None:
    first = await spawn("clock", db=pg_database, name="clock 1", port=False)
    await first.said(SWEPT)
    second = await spawn("clock", db=pg_database, name="clock 2", port=False)
    await second.said(WAITING)

    assert await first.stop(signal.SIGTERM) < STOP_S
    # It asks every LOCK_POLL_S (5 s); the deadline runs from the first clock's exit.
    await second.said(TAKEN, within=START_S)
    await second.said(SWEPT, within=START_S)

    third = await spawn("clock", db=pg_database, name="clock 3", port=False)
    await third.said(WAITING)
    assert await third.stop(signal.SIGINT) < STOP_S  # waiting, SIGINT
    assert not third.has_said(SWEPT)
    assert await second.stop(signal.SIGTERM) < STOP_S  # sweeping, SIGTERM
