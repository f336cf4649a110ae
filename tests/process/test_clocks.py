"""Several `python -m bot clock` processes on one PostgreSQL database share the teams.

The clocks run as a deployment runs them, against the Slack stand-in, at an injected instant
(`clock --now`, running on from there). The stand-in holds a call to freeze a clock in the
middle of a partition; the tests wait for what the processes say and what Slack sees.

The stand-in speaks for one team (T0POCBOT, partition 2 of 16): the other partitions are
empty, and claimed and swept all the same, which is what shows the split.
"""

from __future__ import annotations

import signal
import socket
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import NUDGE_EVENT
from scheduler.partitions import POLL_S
from storage import partitions
from storage.db import Database
from storage.migrate import upgrade
from tests.process.conftest import START_S, STOP_S, BotProcess, Spawn
from tests.queries import sent_rows
from tests.scheduler.seed import AE, CHAMPION, SE, TEAM, local, new_poc, seed_poc

#: Wed 21 Oct 2026, 09:05 in New York: each POC's kickoff (deal channel) and its unbriefed
#: executive (a DM to the SE) are due. 13:05 UTC: the 13:00 tick.
DAY, END = date(2026, 10, 21), date(2026, 11, 3)
NOW = local(DAY, 9, 5)
TICK = NOW.replace(minute=0)
CHANNELS = ("CDEAL1", "CDEAL2", "CDEAL3")
OURS = partitions.partition_of(TEAM)


@pytest.fixture
async def deals(pg_database: str, slack: SlackStandIn) -> AsyncIterator[Database]:
    """The database migrated, three POCs in three deal channels, the people in Slack."""
    assert OURS == 2, "the scenarios below expect the team's partition to have others before it"
    for user_id in (SE, AE, CHAMPION):
        slack.add_user(user_id, user_id.lower())
    db = Database(pg_database)
    await upgrade(db)
    for channel in CHANNELS:
        slack.add_channel(channel, members=(SE, AE, CHAMPION))
        await seed_poc(db, new_poc(channel=channel, start=DAY, end=END, exec_briefed=False))
    yield db
    await db.dispose()


def name_of(clock: BotProcess) -> str:
    """How the clock signs its rows: as scheduler.partitions.clock_name, on this host."""
    return f"{socket.gethostname()}:{clock.pid}"


async def start_clock(spawn: Spawn, db: str, name: str, now: str = NOW.isoformat()) -> BotProcess:
    return await spawn("clock", "--now", now, db=db, name=name, port=False)


async def swept(clock: BotProcess, *, within: float = START_S) -> str:
    return await clock.said(f"clock {name_of(clock)} swept partitions [", within=within)


async def split(db: Database, tick: object = TICK) -> dict[str, list[int]]:
    async with db.engine.connect() as conn:
        return await partitions.sweepers(conn, tick)  # type: ignore[arg-type]


async def assert_each_nudge_posted_once(db: Database, slack: SlackStandIn) -> int:
    """Every sent-log row sent, and carried by exactly one message Slack shows."""
    rows = await sent_rows(db, team_id=TEAM)
    assert rows and {r.status for r in rows} == {"sent"}, [(r.key, r.status) for r in rows]
    carried: Counter[int] = Counter()
    for message in slack.posts():
        meta = message.metadata or {}
        if meta.get("event_type") == NUDGE_EVENT:
            carried.update(meta["event_payload"]["log_ids"])
    assert {r.id: carried[r.id or 0] for r in rows} == {r.id: 1 for r in rows}
    # Two nudges per POC: its kickoff in the deal channel, its unbriefed executive by DM.
    assert len({(r.poc_id, r.key) for r in rows}) == 2 * len(CHANNELS)
    return len(rows)


@pytest.mark.postgres
async def test_two_clocks_split_the_partitions_of_a_tick(
    spawn: Spawn, pg_database: str, slack: SlackStandIn, deals: Database
) -> None:
    slack.fail_next("chat.postMessage", hold=True)  # the first clock stops mid-post…
    first = await start_clock(spawn, pg_database, "clock 1")
    await slack.wait_for(lambda: slack.held, within=START_S)  # …in the team's partition
    second = await start_clock(spawn, pg_database, "clock 2")
    # It takes every partition left but the held one, then waits for that one.
    await second.said("waits for 1 partitions other clocks hold")
    assert not second.has_said(f"took partition {OURS} ")

    await slack.land_held()  # Slack answers: the first clock finishes its partition
    await swept(first)
    await swept(second, within=START_S + POLL_S)
    shares = await split(deals)
    assert shares == {
        name_of(first): list(range(OURS + 1)),  # in order, up to the one it was held in
        name_of(second): list(range(OURS + 1, partitions.PARTITIONS)),
    }
    await assert_each_nudge_posted_once(deals, slack)
    assert await first.stop(signal.SIGTERM) < STOP_S
    assert await second.stop(signal.SIGINT) < STOP_S


@pytest.mark.postgres
async def test_a_killed_clocks_partition_is_swept_by_the_other_within_seconds(
    spawn: Spawn, pg_database: str, slack: SlackStandIn, deals: Database
) -> None:
    """Killed before it claimed anything: the other clock posts every nudge, once."""
    # Who can read the deal channels is asked before anything is claimed; Slack is slow to
    # answer the first clock's question, and the first clock dies waiting.
    slack.fail_next("conversations.info", delay=30.0)
    first = await start_clock(spawn, pg_database, "clock 1")
    await slack.wait_for(lambda: slack.calls_to("conversations.info"), within=START_S)
    second = await start_clock(spawn, pg_database, "clock 2")
    await second.said("waits for 1 partitions other clocks hold")
    assert not slack.posts(), "the first clock posted before it was frozen"

    await first.kill()  # SIGKILL: no goodbye; its connection, and its row lock, go with it
    # The second clock asks every POLL_S: well within one sweep interval (15 min).
    await second.said(f"took partition {OURS} ", within=2 * POLL_S + 5)
    await swept(second)
    assert await split(deals) == {
        name_of(first): list(range(OURS)),
        name_of(second): list(range(OURS, partitions.PARTITIONS)),
    }
    sent = await assert_each_nudge_posted_once(deals, slack)
    assert len(slack.calls_to("chat.postMessage")) <= sent  # nothing posted twice, or lost
    assert await second.stop(signal.SIGTERM) < STOP_S


@pytest.mark.postgres
async def test_a_clock_killed_mid_post_loses_nothing_and_doubles_nothing(
    spawn: Spawn, pg_database: str, slack: SlackStandIn, deals: Database
) -> None:
    """Killed with its nudges claimed and one post in flight: the other clock takes the
    partition at once but leaves the dead clock's claims alone (they may still land); the
    next tick, once they are stale, looks at each channel's history and posts the rest."""
    slack.fail_next("chat.postMessage", hold=True)
    first = await start_clock(spawn, pg_database, "clock 1")
    await slack.wait_for(lambda: slack.held, within=START_S)
    second = await start_clock(spawn, pg_database, "clock 2")
    await second.said("waits for 1 partitions other clocks hold")

    await first.kill()
    await second.said(f"took partition {OURS} ", within=2 * POLL_S + 5)
    await swept(second)
    assert (await split(deals))[name_of(second)] == list(range(OURS, partitions.PARTITIONS))
    await slack.land_held()  # the post the dead clock made shows up in the channel after all
    assert await second.stop(signal.SIGTERM) < STOP_S

    later = NOW + timedelta(minutes=15)  # the next tick: the dead clock's claims are stale
    third = await start_clock(spawn, pg_database, "clock 3", now=later.isoformat())
    await swept(third)
    assert (await split(deals, later.replace(minute=15))) == {
        name_of(third): list(range(partitions.PARTITIONS))
    }
    await assert_each_nudge_posted_once(deals, slack)
    assert await third.stop(signal.SIGTERM) < STOP_S


async def test_on_sqlite_one_clock_sweeps_every_team(
    spawn: Spawn, tmp_path: Path, slack: SlackStandIn
) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    db = Database(url)
    await upgrade(db)
    for user_id in (SE, AE, CHAMPION):
        slack.add_user(user_id, user_id.lower())
    slack.add_channel("CDEAL", members=(SE, AE, CHAMPION))
    await seed_poc(db, new_poc(start=DAY, end=END, exec_briefed=False))
    try:
        clock = await start_clock(spawn, url, "clock")
        await clock.said("SQLite: this clock sweeps every team")
        summary = await clock.said("sweep at ")
        assert "for T0POCBOT: 1 POCs in 1 chunk, 2 nudges due" in summary, summary
        async with db.engine.connect() as conn:  # the work table is PostgreSQL's
            assert await partitions.unswept(conn, TICK) == 0
        assert not clock.has_said("partition")
        assert await clock.stop(signal.SIGTERM) < STOP_S
    finally:
        await db.dispose()
