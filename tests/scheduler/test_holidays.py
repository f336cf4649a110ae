"""Public holidays through a whole sweep: the POC's country comes from its timezone, nothing
is posted on its holidays (observed days included), and business-day counts skip them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery
from scheduler.sweep import sweep
from storage.db import Database
from tests.scheduler.seed import local, new_poc, seed_poc


@dataclass(frozen=True)
class Case:
    tz: str
    #: days off, in order: the sweep posts nothing on any of them
    off: tuple[date, ...]
    #: the kickoff (the POC's start, a week before the first day off)
    kickoff: date
    #: the business day after the days off, and how overdue the kickoff is then
    back: date
    overdue: int


CASES = {
    "US Thanksgiving": Case(
        "America/New_York", (date(2026, 11, 26),), date(2026, 11, 19), date(2026, 11, 27), 5
    ),
    # 4 July 2026 is a Saturday: Friday 3 July is the day off.
    "US Independence Day observed": Case(
        "America/New_York", (date(2026, 7, 3),), date(2026, 6, 26), date(2026, 7, 6), 5
    ),
    "UK Christmas and Boxing Day": Case(
        "Europe/London",
        (date(2025, 12, 25), date(2025, 12, 26)),
        date(2025, 12, 18),
        date(2025, 12, 29),
        5,
    ),
    "India Gandhi Jayanti": Case(
        "Asia/Kolkata", (date(2026, 10, 2),), date(2026, 9, 25), date(2026, 10, 5), 5
    ),
    "Australia Good Friday and Easter Monday": Case(
        "Australia/Sydney",
        (date(2026, 4, 3), date(2026, 4, 6)),
        date(2026, 3, 27),
        date(2026, 4, 7),
        5,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_no_nudge_on_a_public_holiday_and_counts_skip_it(
    name: str, db: Database, slack: SlackStandIn, client: AsyncWebClient, delivery: Delivery
) -> None:
    case = CASES[name]
    # The executive is not briefed and kickoff is never marked done: something is due on
    # every business day, so a quiet day is the calendar's doing.
    await seed_poc(
        db,
        new_poc(
            start=case.kickoff,
            end=case.kickoff + timedelta(days=21),
            tz=case.tz,
            exec_briefed=False,
        ),
    )

    due_back: list[str] = []

    async def posts_on(day: date) -> int:
        before = len(slack.posts())
        report = await sweep(db, client, local(day, 9, 5, tz=case.tz), delivery=delivery)
        assert report.delivery.failed == 0
        # What is due that day, said or kept back by the delivery policy.
        due_back[:] = [n.text for d in report.plan for n in (*d.nudges, *d.held, *d.handled)]
        return len(slack.posts()) - before

    assert await posts_on(case.off[0] - timedelta(days=1)) > 0
    for day in case.off:
        assert await posts_on(day) == 0, f"{name}: nothing on {day}"
        assert due_back == [], f"{name}: nothing is even due on {day}"
    await posts_on(case.back)
    overdue = f"Kickoff was planned for {case.kickoff:%a} {case.kickoff.day} {case.kickoff:%b}"
    assert f"{overdue} ({case.overdue} business days ago)" in " ".join(due_back), due_back
