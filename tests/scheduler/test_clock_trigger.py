"""The clock ticks on the UTC clock (issue 15): with 15 minutes at :00, :15, :30 and :45, so
the first nudge of a 09:00 goes at 09:00, not 09:07. And it sweeps once as it starts.

The trigger is asked for its fire times from an injected `now`, as APScheduler asks it: after
a run at `previous`, the next is `get_next_fire_time(previous, now)`. Nothing sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.slack_api import SlackStandIn
from scheduler.clock import JOB_ID, Clock, sweep_trigger, tick_minutes
from storage.db import Database

START = datetime(2026, 3, 9, 8, 52, 13, 417_000, tzinfo=UTC)  # a process starting at 08:52:13


def utc(hour: int, minute: int, day: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ticks(trigger: CronTrigger, started: datetime, n: int) -> list[datetime]:
    """The `n` fire times after the sweep at start, as the scheduler computes them."""
    found: list[datetime] = []
    previous = started
    for _ in range(n):
        nxt = trigger.get_next_fire_time(previous, previous)
        assert nxt is not None
        found.append(nxt)
        previous = nxt
    return found


def test_every_15_minutes_on_the_quarter_hour() -> None:
    assert ticks(sweep_trigger(15), START, 5) == [
        utc(9, 0),
        utc(9, 15),
        utc(9, 30),
        utc(9, 45),
        utc(10, 0),
    ]


def test_a_first_ask_without_a_previous_run_gives_the_next_quarter_hour_too() -> None:
    assert sweep_trigger(15).get_next_fire_time(None, START) == utc(9, 0)
    on_the_dot = utc(9, 0)  # a tick is due at its own instant
    assert sweep_trigger(15).get_next_fire_time(None, on_the_dot) == on_the_dot
    assert sweep_trigger(15).get_next_fire_time(on_the_dot, on_the_dot) == utc(9, 15)


@pytest.mark.parametrize(
    ("minutes", "started", "expected"),
    [
        (5, START, [utc(8, 55), utc(9, 0), utc(9, 5)]),
        (1, START, [utc(8, 53), utc(8, 54), utc(8, 55)]),
        (30, utc(23, 50), [utc(0, 0, day=10), utc(0, 30, day=10), utc(1, 0, day=10)]),
        (60, START, [utc(9, 0), utc(10, 0), utc(11, 0)]),
        (120, START, [utc(10, 0), utc(12, 0), utc(14, 0)]),
        (24 * 60, START, [utc(0, 0, day=10), utc(0, 0, day=11), utc(0, 0, day=12)]),
        # Not a divisor of the hour (or the day): the longest one below it.
        (45, START, [utc(9, 0), utc(9, 30), utc(10, 0)]),
        (7, START, [utc(8, 54), utc(9, 0), utc(9, 6)]),
        (90, START, [utc(9, 0), utc(10, 0), utc(11, 0)]),
        (1000, START, [utc(12, 0), utc(0, 0, day=10), utc(12, 0, day=10)]),
    ],
)
def test_other_intervals(minutes: int, started: datetime, expected: list[datetime]) -> None:
    assert ticks(sweep_trigger(minutes), started, len(expected)) == expected


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        (1, 1),
        (7, 6),
        (15, 15),
        (25, 20),
        (45, 30),
        (59, 30),
        (60, 60),
        (90, 60),
        (300, 240),
        (1000, 720),
        (1440, 1440),
    ],
)
def test_tick_minutes(asked: int, kept: int) -> None:
    assert tick_minutes(asked) == kept


def test_every_setting_ticks_evenly_through_a_day_from_midnight() -> None:
    """Whatever SWEEP_MINUTES says (1 to 1440, bot/config.py): never a longer gap than asked,
    the same gap all day, the first tick at midnight."""
    for asked in range(1, 24 * 60 + 1):
        minutes = tick_minutes(asked)
        assert 1 <= minutes <= asked, asked
        just_before = utc(0, 0) - timedelta(microseconds=1)
        day = ticks(sweep_trigger(asked), just_before, 24 * 60 // minutes)
        assert day[0] == utc(0, 0), asked
        assert {b - a for a, b in pairwise(day)} <= {timedelta(minutes=minutes)}, asked
        assert day[-1] + timedelta(minutes=minutes) == utc(0, 0, day=10), asked


@pytest.mark.parametrize("day", [date(2026, 1, 15), date(2026, 7, 15)])
def test_every_timezones_nine_oclock_is_a_tick(day: date) -> None:
    """UTC quarter hours are every zone's quarter hours (India +5:30, Nepal +5:45, Chatham
    +12:45 included), in winter and in summer: no POC's 09:00 waits for a later tick."""
    trigger = sweep_trigger(15)
    for zone in sorted(available_timezones()):
        nine = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone)).replace(hour=9)
        at = nine.astimezone(UTC)
        assert trigger.get_next_fire_time(None, at) == at, zone


async def test_the_clock_sweeps_at_start_then_on_the_quarter_hour(
    db: Database, slack: SlackStandIn
) -> None:
    settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
    client = web_client(settings, retry_server_errors=False, timeout=5.0)
    clock = Clock(settings, db=db, client=client, now=lambda: START)
    started = datetime.now(UTC)
    await clock.start()
    try:
        job = clock.scheduler.get_job(JOB_ID)
        assert job is not None
        assert str(job.trigger) == str(sweep_trigger(15)) == "cron[minute='*/15']"
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 15 * 60)
        assert started <= job.next_run_time <= datetime.now(UTC)  # the sweep at start
        # APScheduler says when the job ran: with no POC the sweep makes no Slack call after
        # auth.test for `slack.wait_for` to look again on.
        ran = asyncio.Event()
        clock.scheduler.add_listener(lambda _: ran.set(), EVENT_JOB_EXECUTED)
        if clock.last is None:
            await asyncio.wait_for(ran.wait(), 5)
        report = clock.last
        assert report is not None
        assert report.pocs == 0
        after = clock.scheduler.get_job(JOB_ID).next_run_time
        assert (after.minute % 15, after.second, after.microsecond) == (0, 0, 0)
        assert started < after <= started + timedelta(minutes=15)
    finally:
        await clock.stop()
        await close_client(client)
