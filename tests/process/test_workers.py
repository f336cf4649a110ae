"""`serve --workers N`: N web processes on one port; PostgreSQL only, one clock among them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from storage.db import Database
from tests.process.conftest import START_S, STOP_S, Spawn


def _parent_of(pid: int) -> int | None:
    """The parent pid of a live process (Linux /proc), None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return None if state == "Z" else int(ppid)


async def _answering_pids(
    http: aiohttp.ClientSession, port: int, want: int, *, within: float
) -> set[int]:
    """Pids that answer /healthz on `port`, asking in bursts until `want` have, or `within` s."""
    seen: set[int] = set()
    url = f"http://127.0.0.1:{port}/healthz"

    async def ask() -> None:
        async with http.get(url) as reply:
            assert reply.status == 200, await reply.text()
            seen.add((await reply.json())["pid"])

    started = time.monotonic()
    while len(seen) < want and time.monotonic() - started < within:
        # Each request on a new connection (force_close): SO_REUSEPORT picks a worker per
        # connection, so a burst of 20 reaches every worker but with a chance of 2^-19.
        await asyncio.gather(*(ask() for _ in range(20)))
    return seen


@pytest.mark.postgres
async def test_two_workers_answer_on_one_port_and_stop_together(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    supervisor = await spawn("serve", "--workers", "2", db=pg_database)
    await supervisor.healthy(http, within=START_S)
    pids = await _answering_pids(http, supervisor.port or 0, 2, within=START_S)
    assert len(pids) == 2, f"answered by {pids} only:\n{supervisor.output}"
    assert all(_parent_of(pid) == supervisor.pid for pid in pids), "workers of the supervisor"
    assert supervisor.pid not in pids

    # `serve` without --no-clock: the clock runs in one worker, not in each.
    await supervisor.said("sweep at ")
    await supervisor.said("swept partitions [")  # the tick's last partition, too
    assert sum("clock started" in ln for ln in supervisor.lines) == 1, supervisor.output
    db = Database(pg_database)
    try:
        async with db.engine.connect() as conn:  # one clock swept every partition
            rows = await conn.execute(
                sa.text("SELECT DISTINCT swept_by FROM sweep_partition WHERE swept_by IS NOT NULL")
            )
            assert len(rows.all()) == 1
    finally:
        await db.dispose()

    took = await supervisor.stop(signal.SIGTERM)
    assert took < STOP_S
    assert all(_parent_of(pid) is None for pid in pids), "a worker outlived its supervisor"


@pytest.mark.postgres
async def test_web_concurrency_sets_the_number_of_workers(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    supervisor = await spawn("serve", "--no-clock", db=pg_database, WEB_CONCURRENCY="2")
    await supervisor.healthy(http, within=START_S)
    assert len(await _answering_pids(http, supervisor.port or 0, 2, within=START_S)) == 2
    assert not supervisor.has_said("clock started")  # --no-clock: none of them
    assert await supervisor.stop(signal.SIGINT) < STOP_S


@pytest.mark.postgres
async def test_a_worker_that_dies_takes_the_tier_down_for_the_platform_to_restart(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    supervisor = await spawn("serve", "--no-clock", "--workers", "2", db=pg_database)
    await supervisor.healthy(http, within=START_S)
    first, second = await _answering_pids(http, supervisor.port or 0, 2, within=START_S)
    os.kill(first, signal.SIGKILL)
    assert await supervisor.exit_code(within=STOP_S) == 1
    await supervisor.said(f"(pid {first}) exited with -9: stopping the others")
    assert _parent_of(second) is None, "the other worker outlived its supervisor"


async def test_sqlite_stays_one_process_and_says_so(
    spawn: Spawn, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    serve = await spawn("serve", "--no-clock", "--workers", "3", db=f"sqlite:///{tmp_path}/p.db")
    await serve.healthy(http, within=START_S)
    warning = await serve.said("SQLite is single-process")
    assert "--workers 3" in warning and "PostgreSQL" in warning
    status, body = await serve.healthz(http)
    assert (status, body["pid"]) == (200, serve.pid)  # answered by the process itself
    assert await serve.stop(signal.SIGTERM) < STOP_S


async def _taken_port_says(spawn: Spawn, db: str, workers: str) -> None:
    with socket.socket() as taken:
        # A listener that allows SO_REUSEPORT: workers binding with it would join it silently.
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        serve = await spawn("serve", "--workers", workers, db=db, PORT=port)
        assert await serve.exit_code(within=START_S) == 2
    said = serve.lines[-1]
    assert said.startswith(f"pocbot: cannot listen on 127.0.0.1:{port} (HOST, PORT): "), said
    assert not serve.has_said("Traceback"), serve.output


async def test_a_taken_port_is_one_line(spawn: Spawn, tmp_path: Path) -> None:
    await _taken_port_says(spawn, f"sqlite:///{tmp_path}/p.db", "1")


@pytest.mark.postgres
async def test_a_taken_port_is_one_line_for_workers_too(spawn: Spawn, pg_database: str) -> None:
    await _taken_port_says(spawn, pg_database, "2")
