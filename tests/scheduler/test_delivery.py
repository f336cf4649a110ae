"""Delivery through Slack's bad days, via the stand-in: each nudge posted once or recorded."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery
from scheduler.sweep import sweep
from storage.db import Database
from tests.queries import sent_rows
from tests.scheduler.seed import AE, SE, TEAM, local, new_poc, seed_poc

#: Wed 21 Oct 2026: the kickoff milestone and the unbriefed executive are due.
DAY = date(2026, 10, 21)
MORNING = local(DAY, 9, 5)


async def statuses(db: Database) -> list[str]:
    return sorted(r.status for r in await sent_rows(db, team_id=TEAM))


def nudge_posts(slack: SlackStandIn, channel: str = "CDEAL") -> list[object]:
    return [m for m in slack.posts(channel) if m.metadata]


async def test_each_nudge_is_posted_once_and_logged(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3), exec_briefed=False))
    report = await sweep(db, client, MORNING, delivery=delivery)
    assert (report.due, report.claimed, report.delivery.sent) == (2, 2, 2)
    (message,) = nudge_posts(slack)
    assert message.metadata["event_type"] == "pocbot_nudge"
    labels = str(message.blocks)
    for label in ("Mark done", "Log sponsor engagement", "Snooze 1 day"):
        assert label in labels
    assert await statuses(db) == ["sent", "sent"]


async def test_two_sweeps_at_once_post_each_nudge_once(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    for i in range(5):
        await seed_poc(
            db, new_poc(channel=f"C{i}", start=DAY, end=date(2026, 11, 3), exec_briefed=False)
        )
        slack.add_channel(f"C{i}")
    reports = await asyncio.gather(
        *(sweep(db, client, MORNING, delivery=delivery) for _ in range(3))
    )
    assert sum(r.delivery.sent for r in reports) == 10
    for i in range(5):
        assert len(nudge_posts(slack, f"C{i}")) == 1
    assert await statuses(db) == ["sent"] * 10


async def test_rate_limit_is_waited_out(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3)))
    slack.fail_next("chat.postMessage", error="ratelimited", retry_after=1)
    report = await sweep(db, client, MORNING, delivery=delivery)
    assert report.delivery.sent == 1
    limited, posted = [c for c in slack.calls if c.method == "chat.postMessage"]
    assert limited.error == "ratelimited"
    assert posted.at - limited.at >= 1.0, "Retry-After is honoured"
    assert len(nudge_posts(slack)) == 1


async def test_a_5xx_is_retried_by_a_later_sweep_after_a_look_at_history(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3)))
    slack.fail_next("chat.postMessage", status=500)
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert (first.delivery.sent, first.delivery.failed) == (0, 1)
    # A 5xx may yet land: not re-posted by this sweep, nor by one within LATE_LANDING.
    soon = await sweep(db, client, MORNING + timedelta(seconds=10), delivery=delivery)
    assert soon.due == 0 and len(slack.calls_to("chat.postMessage")) == 0
    later = await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert (later.delivery.sent, later.delivery.found) == (1, 0)
    assert len(nudge_posts(slack)) == 1
    assert len(slack.calls_to("conversations.history")) == 1, "looked before posting again"
    assert await statuses(db) == ["sent"]


async def test_a_5xx_after_the_message_landed_is_not_posted_again(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3)))
    slack.fail_next("chat.postMessage", status=503, land=True)
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert first.delivery.failed == 1
    later = await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert (later.delivery.sent, later.delivery.found, later.delivery.messages) == (1, 1, 0)
    assert len(nudge_posts(slack)) == 1, "found in the channel's history, not re-posted"
    assert await statuses(db) == ["sent"]


async def test_a_timeout_fails_now_and_succeeds_on_the_next_sweep(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3)))
    slack.fail_next("chat.postMessage", status=500, delay=1.0)
    first = await sweep(db, client, MORNING, delivery=delivery)
    assert (first.delivery.sent, first.delivery.failed) == (0, 1)
    assert await statuses(db) == ["failed"]
    later = await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
    assert later.delivery.sent == 1
    assert len(nudge_posts(slack)) == 1
    (row,) = await sent_rows(db, team_id=TEAM)
    assert (row.status, row.attempts) == ("sent", 2)


@pytest.mark.parametrize("how", ["not_in_channel", "is_archived", "channel_not_found"])
async def test_a_channel_that_cannot_take_nudges_blocks_and_tells_the_se_once(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery, how: str
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3), exec_briefed=False))
    if how == "not_in_channel":
        slack.set_channel("CDEAL", is_private=True)
        slack.channels["CDEAL"].members.discard(slack.bot_user_id)
    elif how == "is_archived":
        slack.set_channel("CDEAL", is_archived=True)
    else:
        slack.set_channel("CDEAL", missing=True)
    report = await sweep(db, client, MORNING, delivery=delivery)
    assert report.delivery.owners_told == 1

    def told() -> list[object]:
        return [m for m in slack.posts(SE) if "couldn't post" in m.text]

    def alerts(user: str) -> list[object]:
        return [m for m in slack.posts(user) if m.metadata]

    assert len(told()) == 1 and "Globex" in told()[0].text
    # A channel Slack cannot find cannot be checked for guests: its internal alert goes to the
    # SE and AE by DM at once. Where the channel looked private to the company, the alert was
    # meant for it and was refused with it: the next sweep sends it by DM instead.
    if how == "channel_not_found":
        assert await statuses(db) == ["blocked", "sent", "sent"]
    else:
        assert await statuses(db) == ["blocked", "blocked"]
        rerouted = await sweep(db, client, local(DAY, 9, 20), delivery=delivery)
        assert rerouted.delivery.sent == 2
    assert len(alerts(SE)) == len(alerts(AE)) == 1
    # The next sweeps that day neither retry the channel, nor tell again, nor repeat the alert.
    again = await sweep(db, client, local(DAY, 9, 35), delivery=delivery)
    assert again.due == 0
    # The next day the unchanged alert is backed off; two business days on it is said again:
    # the DMs get it, the channel is left alone.
    quiet = await sweep(db, client, local(date(2026, 10, 22), 9, 5), delivery=delivery)
    assert quiet.due == 0
    tomorrow = await sweep(db, client, local(date(2026, 10, 23), 9, 5), delivery=delivery)
    assert (tomorrow.due, tomorrow.delivery.sent) == (1, 2)
    assert len(alerts(SE)) == len(alerts(AE)) == 2
    assert len(told()) == 1
    to_channel = [
        c for c in slack.calls if c.method == "chat.postMessage" and c.args["channel"] == "CDEAL"
    ]
    assert len(to_channel) == 1, "the refused channel was tried once"


async def test_internal_alerts_avoid_a_shared_channel(
    db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3), exec_briefed=False))
    slack.set_channel("CDEAL", is_ext_shared=True)
    report = await sweep(db, client, MORNING, delivery=delivery)
    assert report.delivery.sent == 3  # the kickoff in the channel, the alert to SE and AE
    (public,) = nudge_posts(slack)
    assert "exec_unbriefed" not in str(public.blocks)
    assert "milestone:kickoff" in str(public.blocks)
    for owner in (SE, AE):
        (private,) = slack.posts(owner)
        assert "exec_unbriefed" in str(private.blocks)


async def test_dry_run_sends_nothing(db: Database, slack: SlackStandIn) -> None:
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3), exec_briefed=False))
    report = await sweep(db, None, MORNING, teams=[TEAM], dry_run=True)
    assert report.due == 2
    assert slack.calls == []
    assert await statuses(db) == []
    with pytest.raises(ValueError, match="teams"):
        await sweep(db, None, MORNING, dry_run=True)
