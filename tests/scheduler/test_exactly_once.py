"""Exactly once for every destination: the deal channel, the internal channel, each DM.

Faults come from the Slack stand-in (a refused DM, a 503 after the message landed, a post
that times out and shows up later, a sweep killed mid-post); the sweep's `now` is injected.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.domain import ScopeChangeKind
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message, SlackStandIn
from bot.views.text import MAX_MESSAGE_BLOCKS
from scheduler.delivery import NUDGE_EVENT, Delivery, Pacer
from scheduler.sweep import sweep
from storage import models as m
from storage import sentlog, writes
from storage.db import Database
from storage.migrate import upgrade
from tests.blockkit import check_everything_sent
from tests.conftest import PG_SKIP, PG_URL
from tests.queries import sent_rows
from tests.scheduler.seed import AE, CHAMPION, SE, TEAM, local, new_poc, seed_poc

#: Wed 21 Oct 2026: the kickoff milestone (deal channel) and the unbriefed executive
#: (internal) are due.
DAY, END = date(2026, 10, 21), date(2026, 11, 3)
MORNING = local(DAY, 9, 5)
ROOT = Path(__file__).resolve().parents[2]
#: A `python -m bot sweep` that has not reached the stand-in by then is broken, not slow.
PROCESS_DEADLINE_S = 60.0


def alerts(slack: SlackStandIn, destination: str) -> list[Message]:
    """Nudge messages (ours, with metadata) in a channel, or in the DM with a user."""
    return [
        msg
        for msg in slack.posts(destination)
        if (msg.metadata or {}).get("event_type") == NUDGE_EVENT
    ]


def carried(slack: SlackStandIn) -> Counter[int]:
    """How many posted messages carry each sent-log id."""
    seen: Counter[int] = Counter()
    for msg in slack.posts():
        meta = msg.metadata or {}
        if meta.get("event_type") == NUDGE_EVENT:
            seen.update(meta["event_payload"]["log_ids"])
    return seen


async def sent_log(db: Database, team_id: str = TEAM) -> list[m.NudgeLog]:
    return await sent_rows(db, team_id=team_id)


async def assert_once_per_destination(db: Database, slack: SlackStandIn) -> None:
    """Every sent-log row sent, in exactly one posted message; one row per destination."""
    rows = await sent_log(db)
    assert rows and {r.status for r in rows} == {"sent"}, [(r.key, r.status) for r in rows]
    copies = carried(slack)
    assert {r.id: copies[r.id or 0] for r in rows} == {r.id: 1 for r in rows}
    keys = Counter((r.poc_id, r.key, r.local_date, r.destination) for r in rows)
    assert set(keys.values()) == {1}


async def shared_poc(db: Database, slack: SlackStandIn, channel: str = "CDEAL") -> int:
    """A POC in a channel shared with the prospect: the kickoff goes there, the unbriefed
    executive's alert to the SE and the AE by DM."""
    if channel not in slack.channels:
        slack.add_channel(channel, members=(SE, AE, CHAMPION))
    slack.set_channel(channel, is_ext_shared=True)
    return await seed_poc(db, new_poc(channel=channel, start=DAY, end=END, exec_briefed=False))


# ---------------------------------------------------------------- a claim per destination


@pytest.mark.parametrize("refusal", ["http_500", "cannot_dm_bot", "account_inactive"])
async def test_the_se_dm_refused_for_four_sweeps_the_ae_gets_one_copy(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery, refusal: str
) -> None:
    await shared_poc(db, slack)
    if refusal == "http_500":
        slack.fail_next("chat.postMessage", channel=SE, status=500, times=4)
    else:
        slack.fail_next("chat.postMessage", channel=SE, error=refusal, times=4)
    for minute in (5, 20, 35, 50):  # the clock's sweeps, 15 minutes apart
        await sweep(db, client, local(DAY, 9, minute), delivery=delivery)
    assert len(alerts(slack, AE)) == 1
    assert len(alerts(slack, "CDEAL")) == 1
    assert alerts(slack, SE) == []
    to_se = [c for c in slack.calls if c.method == "chat.postMessage" and c.args["channel"] == SE]
    if refusal == "http_500":
        # Tried each sweep, each time after a look at the DM's history; once Slack takes it,
        # it arrives once, and the AE still has one copy.
        assert len(to_se) == 4
        assert len(slack.calls_to("conversations.history")) == 3
        await sweep(db, client, local(DAY, 10, 5), delivery=delivery)
        assert len(alerts(slack, SE)) == len(alerts(slack, AE)) == 1
        await assert_once_per_destination(db, slack)
    else:
        # Refused for good: tried once, blocked, and the AE told once who is not reached.
        assert len(to_se) == 1
        statuses = {r.destination: r.status for r in await sent_log(db)}
        assert statuses == {"CDEAL": "sent", AE: "sent", SE: "blocked"}
        (notice,) = [msg for msg in slack.posts(AE) if not msg.metadata]
        assert f"<@{SE}>" in notice.text and refusal in notice.text
        # Two business days on (the back-off), the unchanged alert again: the AE's alone.
        await sweep(db, client, local(date(2026, 10, 23), 9, 5), delivery=delivery)
        assert (len(alerts(slack, AE)), len(alerts(slack, SE))) == (2, 0)
        assert len([msg for msg in slack.posts(AE) if not msg.metadata]) == 1
        assert len(to_se) == 1


async def test_a_503_after_a_dm_landed_is_not_posted_again(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await shared_poc(db, slack)
    slack.fail_next("chat.postMessage", channel=SE, status=503, land=True)
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert (first.delivery.sent, first.delivery.failed) == (2, 1)
    later = await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert (later.delivery.found, later.delivery.messages) == (1, 0)
    assert len(alerts(slack, SE)) == len(alerts(slack, AE)) == len(alerts(slack, "CDEAL")) == 1
    assert slack.calls_to("conversations.open"), "a DM's history is read on its D… channel"
    await assert_once_per_destination(db, slack)


@pytest.mark.parametrize("destination", ["CDEAL", SE])
async def test_a_post_landing_12s_after_a_timeout_is_found_before_any_retry(
    db: Database,
    slack: SlackStandIn,
    client: AsyncWebClient,
    delivery: Delivery,
    destination: str,
) -> None:
    await shared_poc(db, slack)
    slack.fail_next("chat.postMessage", channel=destination, hold=True)
    first = await sweep(db, client, MORNING, delivery=delivery)  # the client times out
    assert first.delivery.failed == 1 and slack.held
    # A sweep within LATE_LANDING (a second clock, an operator) leaves it alone …
    soon = await sweep(db, client, MORNING + timedelta(seconds=5), delivery=delivery)
    assert soon.due == 0
    # … the post shows up 12 s after the attempt …
    (landed,) = await slack.land_held()
    # … and the first sweep allowed to retry finds it instead of posting again.
    later = await sweep(db, client, MORNING + timedelta(seconds=31), delivery=delivery)
    assert (later.delivery.found, later.delivery.messages) == (1, 0)
    await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert alerts(slack, destination) == [landed]
    await assert_once_per_destination(db, slack)


async def test_a_refusing_internal_channel_is_blocked_once_and_its_alerts_go_by_dm(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    slack.add_channel("CINT", is_private=True, bot_member=False)  # the bot was removed
    await seed_poc(db, new_poc(start=DAY, end=END, exec_briefed=False, internal_channel="CINT"))
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert (first.delivery.sent, first.delivery.blocked, first.delivery.owners_told) == (1, 1, 1)
    assert len(alerts(slack, "CDEAL")) == 1, "the deal channel is not affected"
    (notice,) = slack.posts(SE)
    assert "<#CINT>" in notice.text and "/invite @pocbot" in notice.text
    # The refused alert is placed again, around the internal channel: by DM.
    await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert len(alerts(slack, SE)) == len(alerts(slack, AE)) == 1
    again = await sweep(db, client, local(DAY, 9, 35), delivery=delivery)
    assert again.due == 0
    # Two business days on (the back-off), the unchanged alert again, by DM.
    await sweep(db, client, local(date(2026, 10, 23), 9, 5), delivery=delivery)
    assert len(alerts(slack, SE)) == len(alerts(slack, AE)) == 2
    assert len([msg for msg in slack.posts(SE) if not msg.metadata]) == 1, "told once"
    # Invited back (member_joined_channel through the real server): the channel again.
    async with Sandbox(db, slack=slack) as sb:
        await sb.client.join(slack.bot_user_id, "CINT")
        await until_unblocked(db)
        # Its next message is two business days on (the back-off).
        await sweep(db, client, local(date(2026, 10, 27), 9, 5), delivery=delivery)
    assert len(alerts(slack, "CINT")) == 1
    assert len(alerts(slack, SE)) == 2


async def until_unblocked(db: Database, within: float = 5.0) -> None:
    """The join is acknowledged first and handled after: wait for its effect, with a deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        async with db.session() as s:
            blocked = await sentlog.blocked_destinations(session=s, team_ids=[TEAM])
        if not blocked:
            return
        assert loop.time() < deadline, f"still blocked: {blocked}"
        await asyncio.sleep(0.02)


# ---------------------------------------------------------------- kill -9 mid-delivery


@pytest.fixture(params=["sqlite", "postgres"])
async def process_db(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, Database]]:
    """A migrated database that processes of their own can open: an SQLite file, or a
    throwaway PostgreSQL database (advisory locks are per database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'pocbot.db'}"
        db = Database(url)
        await upgrade(db)
        yield url, db
        await db.dispose()
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    name = f"pocbot_delivery_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = Database(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    try:
        await upgrade(db)
        yield url, db
    finally:
        await db.dispose()
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def cli_sweep(url: str, slack: SlackStandIn, now: object) -> asyncio.subprocess.Process:
    """`python -m bot sweep --now …`, configured as an operator would."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": "unused-by-sweep",
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sweep",
        "--now",
        now.isoformat(),  # type: ignore[attr-defined]
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(proc: asyncio.subprocess.Process) -> str:
    out, err = await asyncio.wait_for(proc.communicate(), PROCESS_DEADLINE_S)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()


async def test_kill_9_mid_delivery_then_sweeps_15_and_45_minutes_later_post_once_each(
    process_db: tuple[str, Database], slack: SlackStandIn
) -> None:
    url, db = process_db
    for channel in ("C1", "C2"):
        await shared_poc(db, slack, channel)
    # The first DM to the AE is taken by Slack but never answered: the process is killed
    # while it waits, and the message shows up in the DM afterwards.
    slack.fail_next("chat.postMessage", channel=AE, hold=True)
    proc = await cli_sweep(url, slack, MORNING)
    try:
        await slack.wait_for(lambda: slack.held, within=PROCESS_DEADLINE_S)
    finally:
        proc.kill()  # SIGKILL: no cleanup, no rollback by us
        await proc.wait()
    assert proc.returncode == -9
    await slack.land_held()
    unfinished = [r for r in await sent_log(db) if r.status == "claimed"]
    assert unfinished, "killed mid-delivery: claims left behind"

    report = await finished(await cli_sweep(url, slack, MORNING + timedelta(minutes=15)))
    found = re.search(r"\((\d+) found already posted\)", report)
    assert found and int(found[1]) >= 1, f"the landed DM was found, not re-posted: {report}"
    assert slack.calls_to("conversations.history"), "looked before re-posting"
    report = await finished(await cli_sweep(url, slack, MORNING + timedelta(minutes=45)))
    assert "0 nudges due" in report
    for channel in ("C1", "C2"):
        assert len(alerts(slack, channel)) == 1
    for owner in (SE, AE):
        (digest,) = alerts(slack, owner)  # one digest, both POCs in it
        assert len([b for b in digest.blocks if b.get("block_id", "")[:5] == "text:"]) == 2
    await assert_once_per_destination(db, slack)


# ---------------------------------------------------------------- nothing recorded unseen


async def many_nudges(db: Database) -> int:
    """31 nudges due at once: the kickoff, the unbriefed executive, 29 scope changes."""
    poc_id = await seed_poc(db, new_poc(start=DAY, end=END, exec_briefed=False))
    async with db.transaction() as s:
        for i in range(29):
            await writes.add_scope_change(
                session=s,
                team_id=TEAM,
                poc_id=poc_id,
                kind=ScopeChangeKind.criterion_added,
                detail=f"Criterion {i + 1} added after kickoff",
                now=local(DAY, 8, 30),
            )
    return poc_id


def nudge_keys(msg: Message) -> list[str]:
    return [
        b["block_id"].split(":", 1)[1] for b in msg.blocks if b.get("block_id", "")[:6] == "nudge:"
    ]


@pytest.mark.parametrize("second_fails", [False, True])
async def test_31_nudges_due_are_all_delivered_across_messages(
    db: Database,
    slack: SlackStandIn,
    client: AsyncWebClient,
    delivery: Delivery,
    second_fails: bool,
) -> None:
    await many_nudges(db)
    if second_fails:
        slack.fail_next("chat.postMessage", channel="CDEAL", status=500, after=1)
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert first.due == 31
    if second_fails:
        # Only what was in an accepted message is recorded as sent; the rest waits.
        assert (first.delivery.sent, first.delivery.failed) == (16, 15)
        await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    else:
        assert (first.delivery.sent, first.delivery.messages) == (31, 2)
    await sweep(db, client, local(DAY, 9, 35), delivery=delivery)  # nothing left to send
    posted = alerts(slack, "CDEAL")
    assert [len(nudge_keys(msg)) for msg in posted] == [16, 15]
    assert all(len(msg.blocks) <= MAX_MESSAGE_BLOCKS for msg in posted)
    if not second_fails:
        assert "1 of 2" in str(posted[0].blocks) and "2 of 2" in str(posted[1].blocks)
    keys = [k for msg in posted for k in nudge_keys(msg)]
    assert len(keys) == len(set(keys)) == 31
    rows = await sent_log(db)
    assert sorted(r.key for r in rows) == sorted(keys)
    ts_of = {k: msg.ts for msg in posted for k in nudge_keys(msg)}
    assert {r.key: r.message_ts for r in rows} == ts_of, "each row names its own message"
    await assert_once_per_destination(db, slack)


# ---------------------------------------------------------------- team-scoped work


async def test_two_installations_on_one_database_each_sweep_posts_only_its_own(
    db: Database,
) -> None:
    teams = {"TACME": "Globex", "TINITECH": "Umbrella"}
    async with (
        SlackStandIn(token="xoxb-acme", team_id="TACME") as acme,
        SlackStandIn(token="xoxb-initech", team_id="TINITECH") as initech,
    ):
        stand_ins = {"TACME": acme, "TINITECH": initech}
        for team_id, stand_in in stand_ins.items():
            for user_id in (SE, AE, CHAMPION):
                stand_in.add_user(user_id, user_id.lower())
            # The same channel id in both workspaces: only the token tells them apart.
            stand_in.add_channel("CDEAL", members=(SE, AE, CHAMPION))
            await seed_poc(
                db,
                new_poc(start=DAY, end=END, exec_briefed=False, prospect=teams[team_id]),
                team_id=team_id,
            )
        for team_id, stand_in in stand_ins.items():
            settings = Settings(slack_bot_token=stand_in.token, slack_api_url=stand_in.api_url)
            client = web_client(settings, retry_server_errors=False, timeout=0.5)
            try:
                # Single-token mode: the team is the token's own, from auth.test.
                report = await sweep(db, client, MORNING, delivery=Delivery(db, pacer=Pacer(0)))
            finally:
                await close_client(client)
            assert report.teams == [team_id] and report.pocs == 1
            assert (report.due, report.delivery.sent, report.delivery.blocked) == (2, 2, 0)
        for team_id, stand_in in stand_ins.items():
            (posted,) = alerts(stand_in, "CDEAL")
            other = next(p for t, p in teams.items() if t != team_id)
            assert teams[team_id] in posted.text and other not in str(posted.blocks)
            assert not [c for c in stand_in.calls if c.error == "invalid_auth"]
            rows = await sent_log(db, team_id)
            assert {(r.status, r.destination) for r in rows} == {("sent", "CDEAL")}
            check_everything_sent(stand_in)
    async with db.session() as s:
        blocked = await s.exec(sa.select(m.Poc.delivery_blocked).where(m.Poc.team_id.in_(teams)))
    assert set(blocked.scalars().all()) == {None}
