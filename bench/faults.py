"""Messages per destination over a morning of sweeps with Slack's faults injected.

`python -m bench.faults [--databases sqlite postgres]`

Four POCs, each with its own SE and AE, each meeting one fault through the Slack stand-in:

- refused DM: the SE's DM answers `cannot_dm_bot` (refused for good);
- failing DM: the SE's DM answers 500 to the first four posts (the issue's "4 sweeps");
- 503 landed: the AE's DM answers 503 after the message was posted;
- late landing: the deal channel's post times out and shows up 12 s later;
- 31 nudges: 31 nudges due at once in one channel, its second message answers 500.

The real sweep, Delivery and Web API client run the clock's sweeps at 09:05, 09:20, 09:35,
09:50 and 10:05 (the late post lands between the first two). Printed: the messages each
destination holds after each sweep, and the nudges (sent-log rows) they carry.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
from collections import Counter
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import PG_URL, database
from bot.config import Settings
from bot.deps import close_client, web_client
from bot.domain import Person, Role, ScopeChangeKind
from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import NUDGE_EVENT, Delivery, Pacer
from scheduler.sweep import sweep
from storage import writes
from storage.db import Database
from tests.queries import sent_rows
from tests.scheduler.seed import TEAM, local, new_poc, seed_poc

DAY, END = date(2026, 10, 21), date(2026, 11, 3)
NEW_YORK = ZoneInfo("America/New_York")
SWEEPS = [local(DAY, 9, minute) for minute in (5, 20, 35, 50)] + [local(DAY, 10, 5)]


async def seed(db: Database, slack: SlackStandIn, name: str, *, shared: bool) -> int:
    se, ae, champion = f"USE{name}", f"UAE{name}", f"UCH{name}"
    for user in (se, ae, champion):
        slack.add_user(user, user.lower())
    channel = f"C{name}"
    slack.add_channel(channel, members=(se, ae, champion), is_ext_shared=shared)
    new = dataclasses.replace(
        new_poc(channel=channel, start=DAY, end=END, exec_briefed=False, prospect=name),
        people=(
            Person(Role.se, user_id=se),
            Person(Role.ae, user_id=ae),
            Person(Role.champion, user_id=champion),
            Person(Role.exec_sponsor, name="Erin Exec"),
        ),
        created_by=se,
    )
    return await seed_poc(db, new)


def messages(slack: SlackStandIn) -> Counter[str]:
    """Nudge messages per destination (a DM is named by its user)."""
    users = {slack.dm_id(u): u for u in slack.users if u != slack.bot_user_id}
    seen: Counter[str] = Counter()
    for m in slack.posts():
        if (m.metadata or {}).get("event_type") == NUDGE_EVENT:
            seen[users.get(m.channel, m.channel)] += 1
    return seen


async def one(kind: str) -> dict[str, Any]:
    async with database(kind) as db, SlackStandIn(team_id=TEAM) as slack:
        await seed(db, slack, "Refused", shared=True)
        await seed(db, slack, "Failing", shared=True)
        await seed(db, slack, "Landed", shared=True)
        await seed(db, slack, "Late", shared=True)
        many = await seed(db, slack, "Many", shared=False)
        async with db.transaction() as s:
            for i in range(29):
                await writes.add_scope_change(
                    session=s,
                    team_id=TEAM,
                    poc_id=many,
                    kind=ScopeChangeKind.criterion_added,
                    detail=f"Criterion {i + 1}",
                    now=local(DAY, 8),
                )
        slack.fail_next("chat.postMessage", channel="USERefused", error="cannot_dm_bot")
        slack.fail_next("chat.postMessage", channel="USEFailing", status=500, times=4)
        slack.fail_next("chat.postMessage", channel="UAELanded", status=503, land=True)
        slack.fail_next("chat.postMessage", channel="CLate", hold=True)
        slack.fail_next("chat.postMessage", channel="CMany", status=500, after=1)
        settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
        # As the clock builds it, with a short timeout so the held post times out quickly.
        client = web_client(settings, retry_server_errors=False, timeout=1.0)
        rows: list[dict[str, Any]] = []
        try:
            delivery = Delivery(db, pacer=Pacer(0))
            for i, at in enumerate(SWEEPS):
                report = await sweep(db, client, at, delivery=delivery)
                rows.append({"at": at, "report": report, "messages": messages(slack)})
                if i == 0:
                    await slack.land_held()  # 12 s after the attempt, before the next sweep
        finally:
            await close_client(client)
        log = await sent_rows(db, team_id=TEAM)
        carried: Counter[int] = Counter()
        for m in slack.posts():
            if (m.metadata or {}).get("event_type") == NUDGE_EVENT:
                carried.update(m.metadata["event_payload"]["log_ids"])
        return {
            "db": kind,
            "rows": rows,
            "statuses": Counter(r.status for r in log),
            "log": len(log),
            "duplicated": sum(n - 1 for n in carried.values() if n > 1),
            "lost": len([r for r in log if r.status == "sent" and not carried[r.id or 0]]),
            "destinations": sorted({r.destination for r in log}),
            "notices": Counter(
                user
                for user in slack.users
                for m in slack.posts(user)
                if user != slack.bot_user_id and not m.metadata
            ),
        }


def report(results: list[dict[str, Any]]) -> str:
    out = []
    for r in results:
        times = [f"{row['at'].astimezone(NEW_YORK):%H:%M}" for row in r["rows"]]
        out.append(f"\n{r['db']}: nudge messages per destination after each sweep (New York time)")
        out.append("| destination | " + " | ".join(times) + " |")
        out.append("|---|" + "---|" * len(times))
        for d in r["destinations"]:
            counts = [str(row["messages"][d]) for row in r["rows"]]
            out.append(f"| {d} | " + " | ".join(counts) + " |")
        out.append(f"owners told of a refusal: {dict(r['notices'])}")
        out.append(
            "sweeps: "
            + "; ".join(
                f"{row['report'].delivery.messages} posted, {row['report'].delivery.found} found, "
                f"{row['report'].delivery.failed} failed, {row['report'].delivery.blocked} refused"
                for row in r["rows"]
            )
        )
        out.append(
            f"sent-log: {r['log']} rows {dict(r['statuses'])}; duplicated {r['duplicated']}, "
            f"sent but in no message {r['lost']}"
        )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(report([asyncio.run(one(kind)) for kind in args.databases]))


if __name__ == "__main__":
    main()
