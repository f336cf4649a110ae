"""The managers' Monday digest, end to end on both databases, through the clock's own tick: only
on the manager's Monday from the nudge hour, only to managers, once however many clocks tick,
nothing when nothing happened; a failed post tried again, one that landed not posted twice.

The sandbox's Monday is 23 November 2026; "last week" is 16–22 November, the manager's time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.domain import Engagement, EngagementKind, Status
from bot.rules import qualify
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from bot.workspace import parse
from scheduler.clock import Clock
from scheduler.managers import DIGEST_EVENT
from storage import lifecycle, snapshots, workspace, writes
from tests.e2e.conftest import SE
from tests.scheduler.seed import local, new_poc, seed_poc

MANAGER, TOKYO_MANAGER = "UMGR", "UTOKYO"
SUN, MON, TUE = date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24)
NY = "America/New_York"


async def settings(sb: Sandbox, **typed: str) -> None:
    values = dict(parse(k, v) for k, v in typed.items())
    async with sb.db.transaction() as s:
        await workspace.save_settings(
            session=s, team_id=sb.slack.team_id, values=values, by=None, now=sb.clock.now
        )


async def seed(sb: Sandbox, channel: str, prospect: str, start: date, end: date, **kw: Any) -> int:
    sb.slack.add_channel(channel, prospect.lower())
    briefed = kw.pop("exec_briefed", True)
    made = new_poc(channel=channel, start=start, end=end, prospect=prospect, exec_briefed=briefed)
    new = replace(made, **kw)
    poc_id = await seed_poc(sb.db, new, team_id=sb.slack.team_id)
    # Its go/no-go frozen at its kickoff, as the clock freezes it on that day.
    async with sb.db.transaction() as s:
        snapshot = await snapshots.load_poc(session=s, team_id=sb.slack.team_id, poc_id=poc_id)
        assert snapshot is not None
        await lifecycle.freeze_kickoff_verdict(
            session=s,
            team_id=sb.slack.team_id,
            poc_id=poc_id,
            verdict=qualify(snapshot).verdict.value,
            now=local(start, 9),
        )
    return poc_id


async def last_week(sb: Sandbox) -> None:
    """A NO-GO set up on Tuesday, an overrun since the 17th, a POC won on Thursday, and one
    whose sponsor has not met us since its kickoff two weeks ago (the older ones AT RISK since
    their kickoff: no business sponsor named; not last week's news)."""
    await seed(
        sb, "CINITECH", "Initech", date(2026, 11, 17), date(2026, 12, 1), budget_confirmed=False
    )
    await seed(sb, "CHOOLI", "Hooli", date(2026, 11, 2), date(2026, 11, 16))
    won = await seed(sb, "CPIED", "Pied Piper", date(2026, 11, 9), date(2026, 11, 23))
    await seed(
        sb, "CUMBRELLA", "Umbrella", date(2026, 11, 9), date(2026, 12, 4), exec_briefed=False
    )
    async with sb.db.transaction() as s:
        await lifecycle.close(
            session=s,
            team_id=sb.slack.team_id,
            poc_id=won,
            outcome=Status.won,
            by=SE,
            note="Signed",
            verdict="GO",
            now=local(date(2026, 11, 19), 15),
        )


def digests(sb: Sandbox, user_id: str) -> list[Message]:
    return [
        m for m in sb.slack.posts(user_id) if (m.metadata or {}).get("event_type") == DIGEST_EVENT
    ]


def clock(sb: Sandbox) -> Clock:
    return Clock(sb.deps.settings, db=sb.db, client=sb.sweep_client, now=sb.clock)


async def tick_at(sb: Sandbox, day: date, hour: int, minute: int = 0, *clocks: Clock) -> None:
    sb.clock.set(local(day, hour, minute))
    for c in clocks or (clock(sb),):
        await c.tick()


async def test_only_on_their_monday_only_to_managers_once(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager", tz=NY)
    sb.slack.add_user(TOKYO_MANAGER, "Taro Manager", tz="Asia/Tokyo")
    sb.slack.add_usergroup("S0MGRS", [TOKYO_MANAGER])
    await settings(sb, managers=f"{MANAGER},S0MGRS")
    await last_week(sb)
    first, second = clock(sb), clock(sb)  # two clocks: a rolling deploy

    await tick_at(sb, SUN, 9, 0, first)  # Sunday 23:00 in Tokyo: nobody's Monday
    assert not digests(sb, MANAGER) and not digests(sb, TOKYO_MANAGER)
    await tick_at(sb, SUN, 19, 0, first, second)  # Monday 09:00 in Tokyo
    assert len(digests(sb, TOKYO_MANAGER)) == 1 and not digests(sb, MANAGER)
    await tick_at(sb, MON, 8, 45, first, second)  # before the hour in New York
    assert not digests(sb, MANAGER)
    await tick_at(sb, MON, 9, 0, first, second)
    await tick_at(sb, MON, 9, 15, second, first)
    await tick_at(sb, MON, 17, 0, first)
    await tick_at(sb, TUE, 9, 0, first, second)
    assert len(digests(sb, MANAGER)) == 1 and len(digests(sb, TOKYO_MANAGER)) == 1
    assert not digests(sb, SE), "not a manager"

    digest = digests(sb, MANAGER)[0]
    said = "\n".join(b["text"]["text"] for b in digest.blocks if b["type"] == "section")
    verdicts, overrun, stalled, closed = said.split("\n*")
    assert "New NO-GO and AT RISK verdicts* (1)" in verdicts and "*Initech*" in verdicts
    assert "In overrun* (1)" in overrun and "*Hooli*" in overrun and "overrun by 7 days" in overrun
    assert "Sponsors stalled* (1)" in stalled and "*Umbrella*" in stalled
    assert "Closed last week* (1)" in closed and "*Won* Thu 19 Nov *Pied Piper*" in closed
    assert digest.text.startswith("Your team's week (Mon 23 Nov): 1 new NO-GO")


async def test_at_the_workspaces_own_hour(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager", tz=NY)
    await settings(sb, managers=MANAGER, nudge_hour="7")
    await last_week(sb)
    await tick_at(sb, MON, 6, 45)
    assert not digests(sb, MANAGER)
    await tick_at(sb, MON, 7, 0)
    assert len(digests(sb, MANAGER)) == 1


async def test_a_quiet_week_sends_nothing_and_is_judged_once(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager", tz=NY)
    await settings(sb, managers=MANAGER)
    quiet = await seed(sb, "CQUIET", "Quiet Co", date(2026, 11, 2), date(2026, 12, 18))
    async with sb.db.transaction() as s:  # its sponsor met us on Friday: no stall
        await writes.add_engagement(
            session=s,
            team_id=sb.slack.team_id,
            poc_id=quiet,
            engagement=Engagement(local(date(2026, 11, 20), 11), EngagementKind.meeting, "Erin"),
            logged_by=SE,
        )
    await tick_at(sb, MON, 9, 0)
    asked = len([c for c in sb.slack.calls if c.method == "users.info"])
    await tick_at(sb, MON, 9, 15)
    assert not digests(sb, MANAGER)
    assert len([c for c in sb.slack.calls if c.method == "users.info"]) == asked


async def test_no_managers_no_digest(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager", tz=NY)
    await last_week(sb)
    await tick_at(sb, MON, 9, 0)
    assert not digests(sb, MANAGER) and not digests(sb, SE)


async def test_a_failed_post_is_tried_again_and_one_that_landed_is_not_posted_twice(
    sb: Sandbox,
) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager", tz=NY)
    await settings(sb, managers=MANAGER)
    await last_week(sb)
    sb.slack.fail_next("chat.postMessage", status=503, channel=MANAGER)
    await tick_at(sb, MON, 9, 0)
    assert not digests(sb, MANAGER)
    await tick_at(sb, MON, 9, 15)
    assert len(digests(sb, MANAGER)) == 1

    # Next Monday Slack answers 503 but shows the message: the next tick finds it.
    sb.slack.fail_next("chat.postMessage", status=503, channel=MANAGER, land=True)
    await tick_at(sb, date(2026, 11, 30), 9, 0)
    await tick_at(sb, date(2026, 11, 30), 9, 15)
    assert len(digests(sb, MANAGER)) == 2
