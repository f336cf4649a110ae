"""Two clocks in one tick, in-process on two engines (two connections, as two processes have):
the partitions split between them, every team swept once, every nudge posted once; a clock's
work on SQLite, alone, without the work table; the day's pass over votes started once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Collection
from datetime import date, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.sandbox.slack_api import SlackStandIn
from scheduler.clock import Clock, tick_of
from scheduler.delivery import NUDGE_EVENT, Delivery, Pacer
from scheduler.partitions import Share, take_share
from scheduler.sweep import sweep
from storage import partitions
from storage.db import Database, is_postgres
from tests.queries import sent_rows
from tests.scheduler.seed import TEAM, local, new_poc, seed_poc

DAY, END = date(2026, 10, 21), date(2026, 11, 3)
NOW = local(DAY, 9, 5)
TICK = tick_of(NOW, 15)
#: Six teams (the stand-in answers for any) in five partitions: 0, 1 (two teams), 2, 5, 7.
TEAMS = ["T0POCBOT", "TACME", "TGLOBEX", "THOOLI", "TINITECH", "TUMBRELLA"]


class AllTeams:
    """Every team of the test spoken to through the one stand-in's token."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def teams(self) -> list[str]:
        return list(TEAMS)

    async def clients(self, teams: Collection[str]) -> dict[str, AsyncWebClient]:
        return {t: self.client for t in teams if t in TEAMS}


@pytest.fixture
async def second(db_url: tuple[str, str | None], db: Database) -> AsyncIterator[Database]:
    url, schema = db_url
    other = Database(url, schema=schema)
    yield other
    await other.dispose()


async def test_two_clocks_split_a_tick_and_post_each_nudge_once(
    db: Database, second: Database, client: AsyncWebClient, slack: SlackStandIn
) -> None:
    if not is_postgres(db.engine):
        pytest.skip("SQLite runs one clock")
    for team_id in TEAMS:
        await seed_poc(db, new_poc(start=DAY, end=END, exec_briefed=False), team_id=team_id)
    shares = partitions.split(TEAMS)
    first_busy = min(shares)
    entered, release, rest = asyncio.Event(), asyncio.Event(), asyncio.Event()
    swept: Counter[str] = Counter()

    def clock(database: Database) -> object:
        async def work(claimed: partitions.Claimed) -> bool:
            teams = shares.get(claimed.partition, [])
            if claimed.partition == first_busy and not entered.is_set():
                entered.set()  # the first clock is in the middle of this partition…
                await release.wait()  # …until the test lets it finish
            if teams:
                await sweep(
                    database,
                    AllTeams(client),
                    NOW,
                    teams=teams,
                    delivery=Delivery(database, pacer=Pacer(0)),
                )
                swept.update(teams)
            if claimed.partition == partitions.PARTITIONS - 1:
                rest.set()  # the second clock took everything else
            return False

        return work

    one = asyncio.create_task(
        take_share(
            db,
            TICK,
            work=clock(db),
            now=lambda: NOW,
            until=TICK + timedelta(minutes=15),
            by="one",
            poll=0.05,
        )  # type: ignore[arg-type]
    )
    await asyncio.wait_for(entered.wait(), 10)
    two = asyncio.create_task(
        take_share(
            second,
            TICK,
            work=clock(second),
            now=lambda: NOW,
            until=TICK + timedelta(minutes=15),
            by="two",
            poll=0.05,
        )  # type: ignore[arg-type]
    )
    # The second clock sweeps everything else, then asks for the held one until it is done.
    await asyncio.wait_for(rest.wait(), 10)
    assert not two.done()
    release.set()
    first, other = await asyncio.wait_for(asyncio.gather(one, two), 30)
    assert isinstance(first, Share) and isinstance(other, Share)
    assert first.partitions == list(range(first_busy + 1))
    assert other.partitions == list(range(first_busy + 1, partitions.PARTITIONS))
    assert first.left == other.left == 0
    assert swept == Counter(TEAMS)  # every team once

    rows = [r for t in TEAMS for r in await sent_rows(db, team_id=t)]
    assert len(rows) == 2 * len(TEAMS) and {r.status for r in rows} == {"sent"}
    carried: Counter[int] = Counter()
    for message in slack.posts():
        if (message.metadata or {}).get("event_type") == NUDGE_EVENT:
            carried.update(message.metadata["event_payload"]["log_ids"])  # type: ignore[index]
    assert {r.id: carried[r.id or 0] for r in rows} == {r.id: 1 for r in rows}


async def test_a_clock_sweeps_its_team_each_tick_with_the_work_table_on_postgresql_only(
    db: Database, client: AsyncWebClient, slack: SlackStandIn
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=END, exec_briefed=False))
    settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
    clock = Clock(settings, db=db, client=client, now=lambda: NOW)
    report = await clock.tick()
    assert report is not None and report.teams == [TEAM] and report.due == 2
    async with db.engine.connect() as conn:
        if is_postgres(db.engine):
            assert await partitions.sweepers(conn, TICK) == {
                clock.name: list(range(partitions.PARTITIONS))
            }
            assert clock.share is not None and clock.share.partitions == list(range(16))
        else:  # SQLite: one clock, every team, no partitions
            assert await partitions.unswept(conn, TICK) == 0
            assert clock.share is None
    await clock.tick()  # the same tick again: nothing more
    assert len(await sent_rows(db, team_id=TEAM)) == 2


async def test_two_clocks_start_the_days_pass_over_votes_once(
    db: Database, second: Database, client: AsyncWebClient, slack: SlackStandIn
) -> None:
    if not is_postgres(db.engine):
        pytest.skip("SQLite runs one clock")
    settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
    at = [NOW]
    clocks = [Clock(settings, db=d, client=client, now=lambda: at[0]) for d in (db, second)]
    passes = lambda: [sorted(c.reconciler.last_pass) for c in clocks]  # noqa: E731
    await clocks[0].tick()
    await clocks[1].tick()
    assert passes() == [[TEAM], []]  # the clock that swept the team's partition
    at[0] = NOW + timedelta(hours=6)
    await clocks[1].tick()  # the other clock, the same day: not again
    assert passes() == [[TEAM], []]
    at[0] = NOW + timedelta(days=1)
    await clocks[1].tick()
    assert passes() == [[TEAM], [TEAM]]
