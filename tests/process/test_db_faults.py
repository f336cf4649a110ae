"""Database faults, as a deployment meets them: through a TCP proxy a test can break.

A server that never answers (a partition, a firewall dropping packets) used to keep start-up
silent for 61 s and then print an empty reason, and hung /healthz for ever.
"""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest

from tests.conftest import PG_SKIP, PG_URL
from tests.netfault import FaultyLink
from tests.process.conftest import START_S, STOP_S, Spawn

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_SKIP)]

#: /healthz answers within this, database or not (a platform's probe gives up soon after).
HEALTHZ_S = 2.0


@pytest.mark.parametrize("fault", ["partition", "refuse"])
async def test_start_up_fails_within_10_s_in_one_line_naming_database_url(
    spawn: Spawn, pg_database: str, fault: str
) -> None:
    async with FaultyLink() as link:
        getattr(link, fault)()
        serve = await spawn("serve", "--no-clock", db=link.url(pg_database))
        assert await serve.exit_code(within=10.0) == 2, serve.output
        took = time.monotonic() - serve.spawned
    assert took < 10.0
    [line] = serve.lines  # one line, no traceback
    assert line.startswith("pocbot: cannot connect to DATABASE_URL (postgresql://"), line
    reason = line.split("): ", 1)[1]
    if fault == "partition":
        assert reason == "no answer within 5 s (DATABASE_CONNECT_TIMEOUT)"
    else:
        assert reason.strip(), "an empty reason"


async def test_healthz_answers_503_within_2_s_while_the_database_is_cut_off(
    spawn: Spawn, pg_database: str, http: aiohttp.ClientSession
) -> None:
    async with FaultyLink() as link:
        serve = await spawn("serve", "--no-clock", db=link.url(pg_database))
        await serve.healthy(http, within=START_S)

        link.partition()
        for _ in range(3):  # the first finds a pooled connection, the next ones a probe under way
            asked = time.monotonic()
            status, body = await serve.healthz(http, within=10.0)
            assert (status, body["ok"]) == (503, False)
            assert time.monotonic() - asked < HEALTHZ_S

        link.heal()
        healed = time.monotonic()
        while (await serve.healthz(http, within=10.0))[0] != 200:
            assert time.monotonic() - healed < START_S, "still 503 after the database came back"
            await asyncio.sleep(0.1)

        link.partition()  # and it still stops promptly while the database is unreachable
        assert await serve.stop(signal.SIGTERM) < STOP_S


async def test_a_clock_stops_within_10_s_while_the_database_is_cut_off(
    spawn: Spawn, pg_database: str
) -> None:
    async with FaultyLink() as link:
        clock = await spawn("clock", db=link.url(pg_database), port=False)
        await clock.said("sweep at ")  # it holds the sweep lock on a connection of its own
        link.partition()
        assert await clock.stop(signal.SIGTERM) < STOP_S
