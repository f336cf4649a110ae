"""A sweep over several workspaces: each team told with its own token, a team without one
skipped, a dead token stopping its team alone, and chunks of teams that change nothing but
memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from storage import models as m
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.queries import counting, sent_rows
from tests.scheduler.seed import AE, CHAMPION, SE, local, new_poc, seed_bulk

DAY = date(2026, 10, 21)
MORNING = local(DAY, 9, 5)
ALPHA, BETA = "TALPHA", "TBETA"


class Installed:
    """Workspaces as an installation store gives them: a client per installed team.
    `uninstall` / `install` change which teams have one, between sweeps."""

    def __init__(self, clients: dict[str, AsyncWebClient]) -> None:
        self.installed = dict(clients)

    async def teams(self) -> list[str]:
        return sorted(self.installed)

    async def clients(self, teams: Collection[str]) -> dict[str, AsyncWebClient]:
        return {t: c for t, c in self.installed.items() if t in teams}


def channels(team: str, n: int) -> list[str]:
    return [f"C{team[1:]}{i}" for i in range(n)]


async def seed_team(db: Database, team: str, n: int, slack: SlackStandIn | None = None) -> None:
    """`n` POCs of `team` starting today: a kickoff in each deal channel, and for half of
    them (exec not briefed) an internal alert."""
    news = [
        new_poc(channel=c, start=DAY, end=date(2026, 11, 3), exec_briefed=i % 2 == 0)
        for i, c in enumerate(channels(team, n))
    ]
    await seed_bulk(db, news, team_id=team)
    if slack is not None:
        for c in channels(team, n):
            slack.add_channel(c, members=(SE, AE, CHAMPION))


@pytest.fixture
async def slacks() -> AsyncIterator[dict[str, SlackStandIn]]:
    """Two workspaces, each its own Slack with its own bot token."""
    async with (
        SlackStandIn(team_id=ALPHA, token="xoxb-alpha") as alpha,
        SlackStandIn(team_id=BETA, token="xoxb-beta") as beta,
    ):
        for s in (alpha, beta):
            for user_id in (SE, AE, CHAMPION):
                s.add_user(user_id, user_id.lower())
        yield {ALPHA: alpha, BETA: beta}
        check_everything_sent(alpha)
        check_everything_sent(beta)


@pytest.fixture
async def installed(slacks: dict[str, SlackStandIn]) -> AsyncIterator[Installed]:
    clients = {
        team: web_client(
            Settings(slack_bot_token=s.token, slack_api_url=s.api_url),
            retry_server_errors=False,
            timeout=0.5,
        )
        for team, s in slacks.items()
    }
    yield Installed(clients)
    for c in clients.values():
        await close_client(c)


def posted_to(slack: SlackStandIn) -> set[str]:
    """Where the bot posted nudges (the channel or DM each post named)."""
    return {str(c.args["channel"]) for c in slack.calls_to("chat.postMessage")}


async def by_status(db: Database, team: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in await sent_rows(db, team_id=team):
        out[r.status] = out.get(r.status, 0) + 1
    return out


def nudges_in(slack: SlackStandIn, channel: str) -> int:
    return len([x for x in slack.posts(channel) if x.metadata])


async def test_each_team_is_told_with_its_own_token(
    db: Database, slacks: dict[str, SlackStandIn], installed: Installed
) -> None:
    for team, s in slacks.items():
        await seed_team(db, team, 4, s)
    report = await sweep(db, installed, MORNING, delivery=Delivery(db, pacer=Pacer(0)))
    assert report.teams == [ALPHA, BETA] and report.pocs == 8
    for team, s in slacks.items():
        # Each Slack checks the token: a post with the other team's would be refused.
        assert not [c for c in s.calls if c.error], [c for c in s.calls if c.error]
        assert posted_to(s) == set(channels(team, 4))
        assert await by_status(db, team) == {"sent": 6}  # 4 kickoffs, 2 internal alerts


@contextmanager
def parameters_sent(db: Database) -> Iterator[list[object]]:
    """Every parameter of every statement sent meanwhile."""
    seen: list[object] = []

    def note(_c: object, _cur: object, _s: str, params: object, *_: object) -> None:
        seen.append(params)

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def test_a_team_without_a_client_is_not_read_claimed_or_told(
    db: Database, slacks: dict[str, SlackStandIn], installed: Installed
) -> None:
    for team, s in slacks.items():
        await seed_team(db, team, 2, s)
    del installed.installed[BETA]  # uninstalled since
    with parameters_sent(db) as params:
        report = await sweep(
            db, installed, MORNING, teams=[ALPHA, BETA], delivery=Delivery(db, pacer=Pacer(0))
        )
    assert BETA not in repr(params)
    assert report.pocs == 2 and report.delivery.sent == 3
    assert slacks[BETA].calls == []
    assert await sent_rows(db, team_id=BETA) == []


async def test_a_token_revoked_before_the_sweep_costs_one_call_and_stops_its_team(
    db: Database, slacks: dict[str, SlackStandIn], installed: Installed
) -> None:
    for team, s in slacks.items():
        await seed_team(db, team, 4, s)
    beta = slacks[BETA]
    beta.revoke(beta.token)  # uninstalled by an admin; the installation store not told yet
    report = await sweep(db, installed, MORNING, delivery=Delivery(db, pacer=Pacer(0)))
    assert report.delivery.teams_stopped == {BETA: "token_revoked"}
    # One refused call (who can read a channel, before anything is claimed), then nothing
    # more with that token: nothing of Beta's claimed, sent or refused.
    assert [c.error for c in beta.calls] == ["token_revoked"]
    assert await by_status(db, ALPHA) == {"sent": 6}
    assert await by_status(db, BETA) == {}

    beta.token_errors.clear()  # reinstalled: the token works again
    later = await sweep(db, installed, MORNING + timedelta(minutes=15), delivery=Delivery(db))
    assert later.delivery.teams_stopped == {}
    assert await by_status(db, BETA) == {"sent": 6}
    assert later.delivery.sent == 6  # Alpha's were done already
    for c in channels(BETA, 4):
        assert nudges_in(beta, c) == 1
    for c in channels(ALPHA, 4):
        assert nudges_in(slacks[ALPHA], c) == 1


async def test_a_token_revoked_mid_delivery_stops_its_team_and_a_reinstall_finishes_once(
    db: Database, slacks: dict[str, SlackStandIn], installed: Installed
) -> None:
    for team, s in slacks.items():
        await seed_team(db, team, 6, s)
    beta = slacks[BETA]
    # Beta's first post goes through; Slack refuses the token from then on.
    beta.fail_next("chat.postMessage", error="token_revoked", after=1, times=1000)
    report = await sweep(db, installed, MORNING, delivery=Delivery(db, pacer=Pacer(0)))
    assert report.delivery.teams_stopped == {BETA: "token_revoked"}
    refused = [c for c in beta.calls if c.error]
    assert refused and all(c.method == "chat.postMessage" for c in refused)
    # No call starts after the first refused one: those after it were under way already.
    first = beta.calls.index(refused[0])
    assert all(c.error for c in beta.calls[first:])
    assert await by_status(db, ALPHA) == {"sent": 9}
    # Not refused (blocked) but failed, so retakeable: a reinstall the same day delivers it.
    statuses = await by_status(db, BETA)
    assert set(statuses) == {"sent", "failed"}, statuses
    assert report.delivery.stopped == statuses["failed"] and report.delivery.blocked == 0

    beta.faults.clear()  # reinstalled
    await sweep(db, installed, MORNING + timedelta(minutes=15), delivery=Delivery(db))
    assert await by_status(db, BETA) == {"sent": 9}
    for team, s in slacks.items():
        for c in channels(team, 6):
            # Exactly once: what landed before the stop is not posted again.
            assert nudges_in(s, c) == 1


async def test_a_dead_token_answering_account_inactive_is_not_a_refusal(
    db: Database, slacks: dict[str, SlackStandIn], installed: Installed
) -> None:
    """Slack says account_inactive for a dead token too: auth.test tells it from a
    deactivated user, and nothing is blocked for good."""
    for team, s in slacks.items():
        await seed_team(db, team, 2, s)
    beta = slacks[BETA]
    beta.revoke(beta.token, "account_inactive")
    report = await sweep(db, installed, MORNING, delivery=Delivery(db, pacer=Pacer(0)))
    assert report.delivery.teams_stopped == {BETA: "account_inactive"}
    assert [c.method for c in beta.calls] == ["conversations.info", "auth.test"]
    assert await by_status(db, BETA) == {}
    assert await by_status(db, ALPHA) == {"sent": 3}


# ---------------------------------------------------------------- chunks


async def sent_log(db: Database, teams: list[str]) -> list[tuple[str, int, str, str, str]]:
    rows = [r for t in teams for r in await sent_rows(db, team_id=t)]
    return sorted((r.team_id, r.poc_id, r.key, r.destination, r.status) for r in rows)


TEAMS = ["TONE", "TTWO", "TTHREE", "TFOUR"]


async def one_slack_for_all(db: Database, sizes: dict[str, int]) -> AsyncIterator[Installed]:
    """These teams with so many POCs each, on one Slack (it does not tell teams apart)."""
    async with SlackStandIn(team_id="TONE") as slack:
        for user_id in (SE, AE, CHAMPION):
            slack.add_user(user_id, user_id.lower())
        for team, n in sizes.items():
            await seed_team(db, team, n, slack)
        client = web_client(
            Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url),
            retry_server_errors=False,
        )
        try:
            yield Installed(dict.fromkeys(sizes, client))
        finally:
            await close_client(client)


async def test_tiny_chunks_write_the_same_sent_log_as_one(db: Database) -> None:
    async for workspaces in one_slack_for_all(db, dict(zip(TEAMS, [3, 1, 4, 2], strict=True))):
        chunked = await sweep(db, workspaces, MORNING, delivery=Delivery(db), chunk_pocs=1)
        assert chunked.chunks == 4 and chunked.pocs == 10
        by_chunks = await sent_log(db, TEAMS)
        async with db.transaction() as s:
            await s.exec(sa.delete(m.NudgeLog.__table__))  # type: ignore[call-overload]
        whole = await sweep(db, workspaces, MORNING, delivery=Delivery(db))
        assert whole.chunks == 1
        assert await sent_log(db, TEAMS) == by_chunks
        assert {r[-1] for r in by_chunks} == {"sent"} and len(
            by_chunks
        ) == 14  # 10 kickoffs, 4 alerts


async def statements_of_sweep(db: Database, workspaces: Installed, chunk_pocs: int) -> int:
    """Statements a sweep sends, but delivery's one write per message posted."""
    with counting(db) as statements:
        await sweep(db, workspaces, MORNING, delivery=Delivery(db), chunk_pocs=chunk_pocs)
    return len(
        [s for s in statements if not s.lstrip().upper().startswith(("PRAGMA", "UPDATE NUDGE_LOG"))]
    )


async def test_the_statements_per_chunk_do_not_grow_with_its_pocs(db: Database) -> None:
    async for workspaces in one_slack_for_all(db, {"TONE": 2, "TTWO": 2}):
        small = await statements_of_sweep(db, workspaces, chunk_pocs=2)
    async for workspaces in one_slack_for_all(db, {"TTHREE": 40, "TFOUR": 40}):
        large = await statements_of_sweep(db, workspaces, chunk_pocs=40)
    assert small == large, f"{small} statements for 2 chunks of 2 POCs, {large} for 40"


# ---------------------------------------------------------------- zones still asleep


async def test_pocs_before_their_nudge_hour_are_not_loaded_and_are_planned_at_it(
    db: Database,
) -> None:
    """At 09:05 in New York it is 06:05 in Los Angeles: that POC is not even read, and at
    09:05 there it is planned."""
    await seed_bulk(
        db,
        [
            new_poc(channel="CNY", start=DAY, end=date(2026, 11, 3)),
            new_poc(channel="CLA", start=DAY, end=date(2026, 11, 3), tz="America/Los_Angeles"),
        ],
        team_id=ALPHA,
    )
    with parameters_sent(db) as params:
        early = await sweep(db, None, MORNING, teams=[ALPHA], dry_run=True)
    assert [d.poc.channel_id for d in early.plan] == ["CNY"]
    # The POCs' read named New York's zone alone.
    assert "America/Los_Angeles" not in repr(params) and "America/New_York" in repr(params)
    later = await sweep(
        db, None, local(DAY, 9, 5, tz="America/Los_Angeles"), teams=[ALPHA], dry_run=True
    )
    assert sorted(d.poc.channel_id for d in later.plan) == ["CLA", "CNY"]
    weekend = await sweep(db, None, local(date(2026, 10, 24), 12), teams=[ALPHA], dry_run=True)
    assert weekend.plan == []
