"""A sweep over many workspaces: N live POCs over T teams, each team spoken to with a client
of its own, in chunks of ~2,000 POCs: the sweep's wall time, its planning time and the peak
RSS of the process that sweeps.

`python -m bench.sweep_teams [--rows 10000x1 50000x5000] [--databases sqlite postgres]
[--chunk 2000]`; BENCH_PROFILE=FILE writes the sweeping process's cProfile stats to FILE.

Each row seeds a fresh database here, and this process plays Slack (bot/sandbox); a fresh
child process then sweeps it as the clock does (`keep_plan=False`, paced delivery) and
reports its own figures, so its peak RSS is the sweep's and the imports', nothing of the
seeding's or the stand-in's. POCs as in bench/sweep_scale.py: 4 people, 3 use cases, 6
criteria, 6 milestones, 3 check-ins each, all starting today, so every one has its kickoff
due (and half an internal alert, which joins it in the deal channel: one message each).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import sys
from datetime import date
from pathlib import Path

from bench.clocks import run_clocks
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
from scheduler.delivery import Delivery
from scheduler.sweep import sweep
from scheduler.tokens import close_workspaces
from storage.db import Database
from tests.scheduler.seed import local, new_poc, seed_bulk

DAY = date(2026, 10, 21)
NOW = local(DAY, 9, 5)
ROOT = Path(__file__).resolve().parents[1]
#: POCs seeded per transaction: the seeding's memory stays small too
SEED_BATCH = 5000


def team_name(k: int) -> str:
    return f"T{k:06d}"


async def seed(db: Database, slack: SlackStandIn, pocs: int, teams: int) -> None:
    # Each team installed by OAuth, with a token of its own the stand-in accepts, and people
    # of its own.
    names = [team_name(k) for k in range(teams)]
    await seed_installations(db, {t: slack.installs.grant(t) for t in names})
    for team in names:
        for user_id in people_of(team):
            slack.add_user(user_id, user_id.lower())
    for start in range(0, pocs, SEED_BATCH):
        batch = range(start, min(pocs, start + SEED_BATCH))
        # Consecutive POCs share a team: pocs / teams each.
        owners = [team_name(i * teams // pocs) for i in batch]
        news = [
            staffed(
                new_poc(
                    channel=f"C{i:07d}",
                    start=DAY,
                    end=date(2026, 11, 3),
                    exec_briefed=i % 2 == 0,
                    use_cases=("Ingest logs", "Deploy via CI/CD", "SSO via Okta"),
                ),
                team,
            )
            for i, team in zip(batch, owners, strict=True)
        ]
        await seed_bulk(db, news, team_ids=owners, criteria_per_use_case=2, checkins=3)
        for i, team in zip(batch, owners, strict=True):
            slack.add_channel(f"C{i:07d}", members=people_of(team))


async def child(url: str, schema: str, api_url: str, chunk: int) -> None:
    """The sweep, in a process of its own, as an OAuth deployment's clock makes it (every
    installed team, each with its own token read from the database a chunk at a time): its
    figures as one JSON line."""
    db = Database(url, schema=schema or None)
    workspaces = Installed(oauth_settings(api_url), db)
    # The kernel's high-water mark of this process's own memory: getrusage's ru_maxrss keeps
    # the forking parent's across exec.
    before = hwm_mb(os.getpid())
    try:
        report = await sweep(
            db, workspaces, NOW, delivery=Delivery(db), chunk_pocs=chunk, keep_plan=False
        )
    finally:
        await close_workspaces(workspaces)
        await db.dispose()
    figures = {
        "seconds": report.seconds,
        "planning": report.planning,
        "chunks": report.chunks,
        "pocs": report.pocs,
        "claimed": report.claimed,
        "sent": report.delivery.sent,
        "failed": report.delivery.failed,
        "rss_before_mb": before,
        "peak_rss_mb": hwm_mb(os.getpid()),
    }
    print(json.dumps(figures))


async def one(kind: str, pocs: int, teams: int, chunk: int, clocks: int = 1) -> dict[str, object]:
    async with database(kind) as db, SlackStandIn(team_id=team_name(0)) as slack:
        await seed(db, slack, pocs, teams)
        url = db.url if kind == "sqlite" else str(PG_URL)
        if clocks > 1:  # PostgreSQL: the clocks share the tick's partitions
            figures = await shared(url, db.schema or "", slack.api_url, clocks)
        else:
            figures = await alone(url, db.schema or "", slack.api_url, chunk)
        posts = len(slack.calls_to("chat.postMessage"))
    return {"db": kind, "clocks": clocks, "teams": teams, "chunk": chunk, "posts": posts, **figures}


async def alone(url: str, schema: str, api_url: str, chunk: int) -> dict[str, object]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.sweep_teams",
        "--child",
        url,
        schema,
        api_url,
        str(chunk),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def shared(url: str, schema: str, api_url: str, clocks: int) -> dict[str, object]:
    """`clocks` processes at one tick (bench/clocks.py): the wall time from their start to
    the last one's end, the largest peak RSS, and what they did together."""
    r = await run_clocks(url, schema=schema, clocks=clocks, slack_api_url=api_url)
    workers = r["workers"]
    return {
        "seconds": r["wall_s"],
        "planning": float("nan"),
        "chunks": "/".join(str(w["partitions"]) for w in workers) + " partitions",
        "pocs": sum(w["pocs"] for w in workers),
        "claimed": sum(w["sent"] for w in workers),
        "sent": sum(w["sent"] for w in workers),
        "failed": 0,
        "rss_before_mb": float("nan"),
        "peak_rss_mb": max(w["peak_rss_mb"] for w in workers),
    }


HEADER = (
    "| db | clocks | teams | live POCs | chunk | chunks | sweep s | of which planning s "
    "| nudges sent | messages | failed | peak RSS MB (before sweeping) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(r: dict[str, object]) -> str:
    planning = "—" if r["planning"] != r["planning"] else f"{r['planning']:.2f}"  # NaN: shared
    before = "" if r["rss_before_mb"] != r["rss_before_mb"] else f" ({r['rss_before_mb']:.0f})"
    return (
        f"| {r['db']} | {r['clocks']} | {r['teams']:,} | {r['pocs']:,} | {r['chunk']:,} | "
        f"{r['chunks']} | {r['seconds']:.1f} | {planning} | {r['sent']:,} | "
        f"{r['posts']:,} | {r['failed']} | {r['peak_rss_mb']:.0f}{before} |"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        url, schema, api_url, chunk = sys.argv[2:6]
        run = child(url, schema, api_url, int(chunk))
        if profile := os.environ.get("BENCH_PROFILE"):  # where the sweep's time goes
            cProfile.runctx("asyncio.run(run)", globals(), {"run": run}, profile)
        else:
            asyncio.run(run)
        return
    p = argparse.ArgumentParser()
    p.add_argument("--rows", nargs="+", default=["10000x1", "50000x5000"], help="POCSxTEAMS")
    p.add_argument("--chunk", type=int, default=2000)
    p.add_argument("--clocks", type=int, nargs="+", default=[1, 2], help="PostgreSQL only: >1")
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    args = p.parse_args()
    print(HEADER)
    for kind in args.databases:
        for spec in args.rows:
            pocs, teams = (int(x) for x in spec.split("x"))
            for clocks in args.clocks if kind == "postgres" else [1]:
                r = asyncio.run(one(kind, pocs, teams, args.chunk, clocks))
                print(row(r), flush=True)


if __name__ == "__main__":
    main()
