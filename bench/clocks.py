"""Clocks sharing a sweep: N processes claim partitions of one tick on one PostgreSQL database.

`python -m bench.clocks [--pocs 5000] [--teams 500] [--clocks 1 2] [--dry-run]`

Each row seeds a fresh schema (POCs spread over teams, one deal channel each), then starts
`--clocks` worker processes at once. Each worker does what `python -m bot clock` does at a
tick on PostgreSQL (scheduler.partitions.take_share, the real sweep of each claimed
partition's teams) and reports its partitions, its POCs and its own peak RSS; the row's wall
time runs from the spawn to the last worker's exit (start-up included, as a deployment pays).
Without --dry-run the workers post to a Slack stand-in in this process; with it they plan
without claiming or posting.

`run_clocks(url, schema=…)` takes a database already seeded, for a bigger benchmark to call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import (
    PG_URL,
    database,
    hwm_mb,
    oauth_settings,
    people_of,
    seed_installations,
    staffed,
)
from bot.installations import Installed
from bot.sandbox.slack_api import SlackStandIn
from scheduler.clock import tick_of
from scheduler.delivery import Delivery
from scheduler.partitions import clock_name, take_share
from scheduler.sweep import sweep
from scheduler.tokens import close_workspaces
from storage import partitions, snapshots
from storage.db import Database
from tests.scheduler.seed import local, new_poc, seed_bulk

#: Wed 21 Oct 2026, 09:05 New York: every POC's kickoff is due, and half the POCs' unbriefed
#: executives (as bench/delivery.py).
DAY, END = date(2026, 10, 21), date(2026, 11, 3)
NOW = local(DAY, 9, 5)
TOKEN = "xoxb-sandbox"


async def run_clocks(
    url: str,
    *,
    schema: str | None = None,
    clocks: int = 2,
    now: datetime = NOW,
    slack_api_url: str | None = None,
) -> dict[str, Any]:
    """`clocks` processes sweep the seeded database at `now`'s tick; their figures. Without
    `slack_api_url` they plan only (a dry run: nothing claimed or posted)."""
    db = Database(url, schema=schema)
    try:
        async with db.engine.begin() as conn:  # the bench's tick is its own, every run
            await conn.execute(
                sa.update(partitions.SweepPartition.__table__).values(swept_tick=None)
            )  # type: ignore[attr-defined]
    finally:
        await db.dispose()
    args = [url, schema or "", now.isoformat(), slack_api_url or ""]
    started = time.perf_counter()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.clocks", "--worker", *args, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(clocks)
    ]
    outputs = await asyncio.gather(*(p.communicate() for p in procs))
    wall = time.perf_counter() - started
    workers = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    return {"clocks": clocks, "wall_s": round(wall, 2), "workers": workers}


async def worker(url: str, schema: str, at: str, api_url: str) -> dict[str, Any]:
    """One clock's tick, as scheduler.clock.Clock takes its share on PostgreSQL."""
    now = datetime.fromisoformat(at)
    db = Database(url, schema=schema or None)
    # As an OAuth deployment's clock: every installed team, each with its own token.
    workspaces = Installed(oauth_settings(api_url), db) if api_url else None
    async with db.session() as s:
        shares = partitions.split(await snapshots.team_ids(session=s))
    figures = {"pocs": 0, "teams": 0, "due": 0, "sent": 0, "sweep_s": 0.0}

    async def work(claimed: partitions.Claimed) -> bool:
        teams = shares.get(claimed.partition, [])
        if teams:
            report = await sweep(
                db,
                workspaces,
                now,
                teams=teams,
                delivery=Delivery(db) if workspaces else None,
                dry_run=workspaces is None,
                keep_plan=False,
            )
            figures["teams"] += len(teams)
            figures["pocs"] += report.pocs
            figures["due"] += report.due
            figures["sent"] += report.delivery.sent
        return False

    tick = tick_of(now, 15)
    t = time.perf_counter()
    try:
        share = await take_share(
            db,
            tick,
            work=work,
            now=lambda: now,
            until=tick + timedelta(minutes=15),
            by=clock_name(),
            poll=0.2,
        )
    finally:
        if workspaces:
            await close_workspaces(workspaces)
        await db.dispose()
    figures["sweep_s"] = round(time.perf_counter() - t, 2)
    # The kernel's high-water mark of this process alone (getrusage's keeps the parent's).
    peak = round(hwm_mb(os.getpid()))
    return {"partitions": len(share.partitions), **figures, "peak_rss_mb": peak}


async def row(pocs: int, teams: int, clocks: int, *, dry_run: bool) -> dict[str, Any]:
    """A fresh schema of `pocs` POCs over `teams` teams, swept by `clocks` processes."""
    async with database("postgres") as db, SlackStandIn(token=TOKEN) as slack:
        names = [f"T{team:06d}" for team in range(teams)]
        await seed_installations(db, {t: slack.installs.grant(t) for t in names})
        per_team = -(-pocs // teams)
        for team, name in enumerate(names):
            people = people_of(name)  # each workspace has people of its own
            for user_id in people:
                slack.add_user(user_id, user_id.lower())
            news = [
                staffed(
                    new_poc(
                        channel=f"C{team:05d}{i:04d}", start=DAY, end=END, exec_briefed=i % 2 == 0
                    ),
                    name,
                )
                for i in range(min(per_team, pocs - team * per_team))
            ]
            for n in news:
                slack.add_channel(n.channel_id, members=people)
            if news:
                await seed_bulk(db, news, team_id=name)
        url = db.engine.url.render_as_string(hide_password=False).replace("+asyncpg", "")
        schema = await _schema(db)
        return await run_clocks(
            url, schema=schema, clocks=clocks, slack_api_url=None if dry_run else slack.api_url
        )


async def _schema(db: Database) -> str:
    async with db.engine.connect() as conn:
        return str(await conn.scalar(sa.text("SELECT current_schema()")))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--worker", nargs=4, metavar=("URL", "SCHEMA", "NOW", "API_URL"))
    p.add_argument("--pocs", type=int, default=5000)
    p.add_argument("--teams", type=int, default=500)
    p.add_argument("--clocks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--dry-run", action="store_true", help="plan only: no claims, no Slack")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(worker(*args.worker))))
        return
    assert PG_URL, "set TEST_DATABASE_URL: clocks share the work on PostgreSQL only"
    print(
        "| POCs | teams | clocks | mode | wall s "
        "| per clock: partitions, POCs, sent, sweep s, peak RSS MB |"
    )
    print("|---|---|---|---|---|---|")
    for n in args.clocks:
        r = asyncio.run(row(args.pocs, args.teams, n, dry_run=args.dry_run))
        each = "; ".join(
            f"{w['partitions']}, {w['pocs']:,}, {w['sent']:,}, {w['sweep_s']}, {w['peak_rss_mb']}"
            for w in r["workers"]
        )
        mode = "plan" if args.dry_run else "deliver"
        print(f"| {args.pocs:,} | {args.teams:,} | {n} | {mode} | {r['wall_s']} | {each} |")


if __name__ == "__main__":
    main()
