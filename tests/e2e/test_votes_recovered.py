"""Votes are never lost (issue 11 item 5), end to end: the bot's database goes down behind a
real TCP proxy while people react, the events are acknowledged and nothing is stored; when
the database is back, the web process's retry or the clock's reconciliation reads the
criterion messages' reactions from Slack (`reactions.get`) and records each vote once.

The database faults need PostgreSQL behind `tests.netfault.FaultyLink`; SQLite is a file
opened inside the bot's own process, with no link to break. The recovery itself (reactions
Slack never delivered) runs on both databases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.domain import Verdict
from bot.recovery import PACE, recovery_for
from bot.sandbox.harness import Clock, Sandbox
from bot.sandbox.slack_api import Message
from scheduler.clock import Clock as SweepClock
from scheduler.reconcile import Reconciler
from storage import verdicts
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.e2e.conftest import AE, CHAMPION, DEAL, MONDAY_9AM_NY, OUTSIDER, deal_team
from tests.e2e.journeys import create_poc, eventually
from tests.e2e.test_criteria import GOOD, add_criterion, criterion_message
from tests.netfault import FaultyLink

PASS, FAIL = "white_check_mark", "x"
NO_LINK = (
    "SQLite is a file opened inside the bot's process: there is no network link to break "
    "(the recovery itself runs on SQLite in the tests without a fault)"
)


@pytest.fixture
async def linked(
    db_url: tuple[str, str | None], db: Database
) -> AsyncIterator[tuple[Sandbox, FaultyLink]]:
    """The bot on PostgreSQL through a proxy the test can break; `db` stays a direct line."""
    url, schema = db_url
    if schema is None:
        pytest.skip(NO_LINK)
    async with FaultyLink() as link:
        bot_db = Database(link.url(url), schema=schema)
        sandbox = Sandbox(bot_db, clock=Clock(MONDAY_9AM_NY))
        deal_team(sandbox.slack)
        try:
            async with sandbox:
                yield sandbox, link
                check_everything_sent(sandbox.slack)
        finally:
            await recovery_for(bot_db).stop()
            await bot_db.dispose()


async def two_criteria(sb: Sandbox) -> tuple[Message, Message]:
    poc = await create_poc(sb)
    use_case = str(poc.use_cases[0].id)
    assert await add_criterion(sb, use_case, GOOD) == {}
    assert await add_criterion(sb, use_case, GOOD.replace("1 hour", "2 hours")) == {}
    return await criterion_message(sb, 1), await criterion_message(sb, 2)


async def criterion_at(db: Database, team_id: str, message: Message) -> Any:
    async with db.session() as s:
        found = await verdicts.criterion_by_message(
            session=s, team_id=team_id, channel_id=message.channel, ts=message.ts
        )
    assert found is not None
    return found


async def votes(db: Database, team_id: str, message: Message) -> list[tuple[str, bool]]:
    criterion = await criterion_at(db, team_id, message)
    async with db.session() as s:
        found = await verdicts.votes_for(session=s, team_id=team_id, criterion_id=criterion.id)
    return [(v.user_id, v.added) for v in found]


async def until(probe: Callable[[], bool]) -> None:
    """Wait for work done after an ack that leaves no Slack call to wait on."""

    async def check() -> bool:
        return probe()

    await eventually(check)


def reconciler(sb: Sandbox) -> Reconciler:
    """The clock's reconciliation, on the client the clock uses; no pacing in tests."""
    return Reconciler(sb.db, sb.sweep_client, pace=0)


# ---------------------------------------------------------------- the database goes down


async def test_votes_while_the_database_is_down_are_recovered_by_the_clock(
    linked: tuple[Sandbox, FaultyLink], db: Database
) -> None:
    sb, link = linked
    team = sb.slack.team_id
    first, second = await two_criteria(sb)
    await sb.client.reaction(AE, PASS, second)
    await sb.slack.wait_for(lambda: second.edited >= 1)

    link.refuse()  # the database is down
    for user, name, message, added in [
        (CHAMPION, PASS, first, True),  # a vote
        (OUTSIDER, FAIL, first, True),  # not an evaluator: never counts
        (AE, PASS, second, False),  # a vote taken back
    ]:
        reply = await sb.client.reaction(user, name, message, added=added)
        assert reply.status == 200, "the event is acknowledged all the same"
    recovery = recovery_for(sb.db)
    await until(lambda: len(recovery.pending) == 2)  # both handlers failed
    assert await votes(db, team, first) == []
    assert await votes(db, team, second) == [(AE, True)]

    # The web process goes away before the database is back, its memory with it: only the
    # clock can recover these votes now.
    await recovery.stop()
    link.heal()
    updates = len(sb.slack.calls_to("chat.update"))
    report = await reconciler(sb).tick(sb.clock())
    assert (report.calls, report.changed) == (2, 2)

    assert await votes(db, team, first) == [(CHAMPION, True)]
    assert await votes(db, team, second) == [(AE, True), (AE, False)]
    one, two = await criterion_at(db, team, first), await criterion_at(db, team, second)
    assert (one.verdict, one.verdict_by, one.conflict) == (Verdict.passed, CHAMPION, False)
    assert (two.verdict, two.verdict_by) == (Verdict.pending, None)
    assert len(sb.slack.calls_to("chat.update")) == updates + 2
    assert "Passed" in str(first.blocks) and f"<@{CHAMPION}>" in str(first.blocks)
    assert "Pending" in str(second.blocks)

    # Reconciling again (tomorrow, or a restarted clock) changes nothing.
    again = await reconciler(sb).tick(sb.clock())
    assert (again.calls, again.changed) == (2, 0)
    assert await votes(db, team, first) == [(CHAMPION, True)]
    assert await votes(db, team, second) == [(AE, True), (AE, False)]
    assert len(sb.slack.calls_to("chat.update")) == updates + 2


async def test_the_web_process_recovers_a_vote_once_the_database_is_back(
    linked: tuple[Sandbox, FaultyLink], db: Database
) -> None:
    sb, link = linked
    team = sb.slack.team_id
    first, _ = await two_criteria(sb)
    link.refuse()
    assert (await sb.client.reaction(CHAMPION, FAIL, first)).status == 200
    recovery = recovery_for(sb.db)
    await until(lambda: bool(recovery.pending))
    link.heal()
    # No clock here: the process that failed retries on its own (1 s, then 2 s, 5 s …).
    await sb.slack.wait_for(lambda: first.edited >= 1, within=15)
    assert await votes(db, team, first) == [(CHAMPION, True)]
    assert (await criterion_at(db, team, first)).verdict == Verdict.failed
    assert "Failed" in str(first.blocks)
    await until(lambda: not recovery.pending)
    # The clock's pass the same day finds nothing left to do.
    assert (await reconciler(sb).tick(sb.clock())).changed == 0
    assert await votes(db, team, first) == [(CHAMPION, True)]


# ---------------------------------------------------------------- events that never came


async def test_reactions_slack_never_delivered_are_recovered_once(sb: Sandbox) -> None:
    """Slack gives up on an event after three tries; the reaction is still on the message."""
    team = sb.slack.team_id
    first, second = await two_criteria(sb)
    await sb.client.reaction(AE, FAIL, second)  # delivered and stored
    await sb.slack.wait_for(lambda: second.edited >= 1)
    # In Slack only: the events never reach the bot.
    sb.slack.react(DEAL, first.ts, CHAMPION, "heavy_check_mark")
    sb.slack.react(DEAL, first.ts, OUTSIDER, FAIL)
    sb.slack.react(DEAL, second.ts, AE, FAIL, added=False)
    sb.slack.react(DEAL, second.ts, CHAMPION, PASS)

    report = await reconciler(sb).tick(sb.clock())
    assert (report.calls, report.changed) == (2, 2)
    assert await votes(sb.db, team, first) == [(CHAMPION, True)]
    assert await votes(sb.db, team, second) == [(AE, True), (AE, False), (CHAMPION, True)]
    two = await criterion_at(sb.db, team, second)
    assert (two.verdict, two.verdict_by) == (Verdict.passed, CHAMPION)
    assert "Passed" in str(first.blocks) and "Passed" in str(second.blocks)
    assert not sb.slack.ephemerals(OUTSIDER), "reconciling is silent"

    again = await reconciler(sb).tick(sb.clock())
    assert again.changed == 0
    assert len(await votes(sb.db, team, second)) == 3


async def test_the_clock_reconciles_once_a_day_at_slacks_pace(sb: Sandbox) -> None:
    """Through the clock's own tick: a sweep, then the day's reconciliation, one
    reactions.get per criterion, no faster than Tier 3 allows."""
    team = sb.slack.team_id
    first, second = await two_criteria(sb)
    sb.slack.react(DEAL, first.ts, CHAMPION, PASS)
    clock = SweepClock(sb.deps.settings, db=sb.db, client=sb.sweep_client, now=sb.clock)

    await clock.tick()
    asked = [c for c in sb.slack.calls if c.method == "reactions.get"]
    assert [c.args["timestamp"] for c in asked] == [first.ts, second.ts]
    # The stand-in records arrivals; the pacer spaces the starts, and a loaded machine moves
    # an arrival by some milliseconds. Unpaced, the two would arrive within a few ms.
    assert asked[1].at - asked[0].at >= PACE - 0.1
    assert await votes(sb.db, team, first) == [(CHAMPION, True)]

    sb.clock.advance(hours=6)
    await clock.tick()  # the same day: no more calls
    assert len([c for c in sb.slack.calls if c.method == "reactions.get"]) == 2
    sb.clock.advance(days=1)
    await clock.tick()
    assert len([c for c in sb.slack.calls if c.method == "reactions.get"]) == 4
    assert await votes(sb.db, team, first) == [(CHAMPION, True)]
