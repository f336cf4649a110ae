"""A scripted 14-day POC, swept every simulated day: the exact nudges, day by day.

America/New_York, Wed 21 Oct → Tue 3 Nov 2026: two weekends, and clocks go back on Sunday
1 November, so 09:05 local is 13:05 UTC before it and 14:05 UTC after.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Checkin, CheckinFormat, Health, MilestoneKind, ScopeChangeKind
from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery
from scheduler.sweep import sweep
from storage import models as m
from storage import writes
from storage.db import Database
from tests.queries import sent_rows
from tests.scheduler.seed import CHAMPION, SE, TEAM, local, new_poc, seed_poc

START, END = date(2026, 10, 21), date(2026, 11, 3)

#: day → the nudge keys posted that day (in the order of the message). The deal channel has
#: nobody from outside in it, so the internal alerts come here too; an unchanged alert is said
#: again after two business days (the delivery policy's back-off), a new stage of a milestone
#: (tomorrow, today, late) is news.
EXPECTED: dict[date, list[str]] = {
    date(2026, 10, 21): ["milestone:kickoff", "exec_unbriefed"],
    date(2026, 10, 22): [],  # the unbriefed executive was said yesterday (and is briefed today)
    date(2026, 10, 23): [],
    date(2026, 10, 24): [],  # Saturday
    date(2026, 10, 25): [],  # Sunday
    date(2026, 10, 26): ["milestone:midpoint", "champion_silent"],
    date(2026, 10, 27): ["scope_creep:1", "milestone:midpoint"],
    date(2026, 10, 28): [],
    date(2026, 10, 29): [],
    date(2026, 10, 30): ["readout_ready", "champion_silent"],
    date(2026, 10, 31): [],  # Saturday
    date(2026, 11, 1): [],  # Sunday, the DST change
    date(2026, 11, 2): ["milestone:readout"],  # the champion's silence backs off
    # a week since the sponsor was last in a meeting (the 27 Oct check-in): stalled; the
    # champion's silence two business days on, unchanged
    date(2026, 11, 3): ["milestone:readout", "cadence", "sponsor_stalled", "champion_silent"],
    # no read-out after the end: the overrun line alone (the read-out and sign-off reminders
    # would only say it again), and the next day it backs off
    date(2026, 11, 4): ["overrun"],
    date(2026, 11, 5): [],
}


async def what_people_did(db: Database, poc_id: int, day: date) -> None:
    """The team's own actions that day, after the morning sweep (as the handlers store them)."""
    at = local(day, 11)
    async with db.transaction() as s:
        if day == date(2026, 10, 21):
            await writes.mark_milestone_done(
                session=s, team_id=TEAM, poc_id=poc_id, kind=MilestoneKind.kickoff, by=SE, now=at
            )
        if day == date(2026, 10, 22):
            await writes.mark_briefed(session=s, team_id=TEAM, poc_id=poc_id, at=at)
        if day == date(2026, 10, 26):
            await writes.touch_last_seen(
                session=s, team_id=TEAM, channel_id="CDEAL", user_id=CHAMPION, at=at
            )
            await writes.add_scope_change(
                session=s,
                team_id=TEAM,
                poc_id=poc_id,
                kind=ScopeChangeKind.use_case_added,
                detail="SSO via Okta",
                now=at,
            )
        if day == date(2026, 10, 27):
            await writes.mark_milestone_done(
                session=s, team_id=TEAM, poc_id=poc_id, kind=MilestoneKind.midpoint, by=SE, now=at
            )
            await writes.add_checkin(
                session=s,
                team_id=TEAM,
                poc_id=poc_id,
                checkin=Checkin(
                    held_on=day,
                    format=CheckinFormat.meeting,
                    sponsor_present=True,
                    health=Health.green,
                    summary="Ingestion at 410 GB/h",
                    logged_by=SE,
                ),
                attendees=(),
                now=at,
            )


def keys_in(message: object) -> list[str]:
    blocks = getattr(message, "blocks", [])
    return [
        b["block_id"].split(":", 1)[1] for b in blocks if b.get("block_id", "").startswith("nudge:")
    ]


async def test_fourteen_days_of_nudges(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    poc_id = await seed_poc(db, new_poc(start=START, end=END, exec_briefed=False))
    seen: dict[date, list[str]] = {}
    for offset in range(16):
        day = START + timedelta(days=offset)
        early = await sweep(db, client, local(day, 8), delivery=delivery)
        assert early.due == 0, f"{day}: nothing goes out before 09:00 local"
        before = len(slack.posts("CDEAL"))
        first = await sweep(db, client, local(day, 9, 5), delivery=delivery)
        again = await sweep(db, client, local(day, 9, 5), delivery=delivery)
        assert again.due == 0 and again.delivery.messages == 0, f"{day}: second sweep is quiet"
        posted = slack.posts("CDEAL")[before:]
        assert len(posted) <= 1, f"{day}: at most one nudge message a day in the deal channel"
        seen[day] = keys_in(posted[0]) if posted else []
        assert first.delivery.sent == len(seen[day])
        await what_people_did(db, poc_id, day)
    assert seen == EXPECTED

    log = await sent_rows(db, team_id=TEAM, poc_id=poc_id)
    statuses = {row.status for row in log}
    async with db.session() as s:
        count = (await s.exec(sa.select(sa.func.count()).select_from(m.NudgeLog))).one()
    assert statuses == {"sent"}
    assert count[0] == sum(len(v) for v in EXPECTED.values())
    # The internal alerts went into the deal channel only because nobody outside is in it.
    assert not (await _is_shared(slack))
    poc_people = [r for r in log if r.kind in ("exec_unbriefed", "champion_silent")]
    assert all(r.channel_id == "CDEAL" for r in poc_people)


async def _is_shared(slack: SlackStandIn) -> bool:
    return slack.channels["CDEAL"].is_ext_shared
