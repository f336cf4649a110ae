"""Issue 15's measures, over four simulated weeks through the Slack stand-in (bench/noise.py).

America/New_York, Mon 2 Nov → Sun 29 Nov 2026: eight POCs nobody acts on, owned by one SE
and one AE, and a healthy one, swept five times every day. Every Block Kit payload posted is
validated by the `slack` fixture.
"""

from __future__ import annotations

from datetime import date

from slack_sdk.web.async_client import AsyncWebClient

from bench.noise import (
    AE2,
    HEALTHY,
    HOLIDAYS,
    PEOPLE,
    SE2,
    day_by_day,
    measures,
    replay,
)
from bot.sandbox.slack_api import SlackStandIn
from storage.db import Database
from tests.queries import sent_rows
from tests.scheduler.seed import SE, TEAM


async def test_four_weeks_of_nine_pocs_stay_within_the_issues_measures(
    db: Database, slack: SlackStandIn, client: AsyncWebClient
) -> None:
    r = await replay(db, slack, client)
    listing = "\n".join(day_by_day(r))
    # The calendar is the one the rules follow: both holidays are days off.
    assert {date(2026, 11, 11), date(2026, 11, 26)} == HOLIDAYS
    busy = r.business_days
    assert len(busy) == 18
    assert {row.status for row in await sent_rows(db, team_id=TEAM)} == {"sent"}

    # A POC where nobody acts: at most two messages a week in its deal channel…
    for channel in r.stalled:
        weeks = r.per_week(channel)
        assert max(weeks.values()) <= 2, f"{channel}: {dict(weeks)}\n{listing}"
        assert min(weeks.values()) >= 1, f"{channel} went silent: {dict(weeks)}"
        # …and the overdue kickoff is asked there, once.
        assert r.said_in(channel, "milestone:kickoff", "late") == 1, listing

    # The SE with eight such POCs: at most one DM a business day, each POC in it on at most
    # half of them. The AE's digest is the same; so is the healthy team's.
    for person in PEOPLE:
        per_day = r.dms_per_day(person)
        assert max(per_day[d] for d in busy) <= 1, f"{person}: {dict(per_day)}\n{listing}"
    in_digest = r.digest_days(SE)
    assert set(in_digest) == set(r.stalled.values()), "every stalled POC reaches the SE"
    for poc_id, days in in_digest.items():
        assert len(days) <= len(busy) // 2, f"POC {poc_id} on {sorted(days)}\n{listing}"

    # The healthy POC: at most two nudges a week in its deal channel.
    weeks = r.per_week(HEALTHY)
    assert max(weeks.values()) <= 2, f"{HEALTHY}: {dict(weeks)}\n{listing}"
    assert set(r.digest_days(SE2)) == set(r.digest_days(AE2)) == {r.healthy}

    # Nothing at all on weekends and public holidays.
    assert r.off_days() == [], listing

    # The policy keeps the alerts that matter: the SE hears of the stalled sponsor and of
    # the executive nobody briefed.
    assert r.carrying(SE, "sponsor_stalled") >= 1, listing
    assert r.carrying(SE, "exec_unbriefed") >= 1, listing

    # What `python -m bench.noise` prints says the same.
    assert [m.what for m in measures(r) if not m.holds] == []
