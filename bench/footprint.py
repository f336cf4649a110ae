"""Footprint of `serve`: start-up to the first healthy /healthz, RSS idle and after N requests.

`python -m bench.footprint [--requests 1000] [--concurrency 10]`

The real bot in a process of its own (`python -m bot serve`, with the clock and without), on a
migrated SQLite file, against the Slack stand-in in this process; every request is signed as
Slack signs it. Targets: RSS under 150 MB, start-up under 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.common import hwm_mb, reopened, rss_mb
from bench.served import database_url, served
from bot.sandbox.harness import SIGNING_SECRET, open_modal
from bot.sandbox.signing import SlackClient
from bot.sandbox.slack_api import Message, SlackStandIn
from storage.db import Database
from storage.migrate import upgrade
from tests.e2e.journeys import NEW_POC

SE, AE, CHAMPION = "USE", "UAE", "UCHAMP"
#: the channel typed `/poc new` in: never holds a POC, so every command opens the modal
SPARE = "CSPARE"
MODES: dict[str, tuple[str, ...]] = {
    "serve": ("serve",),
    "serve --no-clock": ("serve", "--no-clock"),
}
TARGET_MB, TARGET_S = 150, 3.0
#: time for imports finished lazily, the first sweep and the allocator to come to rest
SETTLE_S = 1.0
#: the work Bolt does after the ack (posting kickoffs) has this long to finish
WORK_LIMIT_S = 120.0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def set_up(
    client: SlackClient, slack: SlackStandIn, home: str
) -> tuple[dict[str, Any], Message]:
    """A POC with a criterion in `home`: the modal to submit again, the message to react to."""
    new_view = await open_modal(slack, client, SE, SPARE, "new")
    await client.submit(SE, reopened(new_view), {**NEW_POC, "channel": home})
    await slack.wait_for(lambda: slack.posts(home), within=10)
    crit_view = await open_modal(slack, client, SE, home, "criteria")
    uc = crit_view["blocks"][1]["element"]["options"][0]["value"]
    statement = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
    await client.submit(SE, crit_view, {"use_case": uc, "statement": statement})
    found = await slack.wait_for(lambda: [m for m in slack.posts(home) if m.metadata], within=10)
    return new_view, found[0]


async def send_all(calls: list[Callable[[], Awaitable[Any]]], concurrency: int) -> int:
    """Send every request, `concurrency` at a time; returns how many were not answered 200."""
    gate = asyncio.Semaphore(concurrency)
    failed = 0

    async def one(call: Callable[[], Awaitable[Any]]) -> None:
        nonlocal failed
        async with gate:
            if (await call()).status != 200:
                failed += 1

    await asyncio.gather(*(one(c) for c in calls))
    return failed


async def measure(args: tuple[str, ...], n: int, concurrency: int) -> dict[str, Any]:
    async with database_url("sqlite") as url, SlackStandIn() as slack:
        # Migrated before the process starts, as a deploy's release phase does: the start-up
        # figure is a restart's and leaves out migrating an empty database.
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        for uid in (SE, AE, CHAMPION):
            slack.add_user(uid, uid.lower())
        slack.add_channel(SPARE)
        channels = [f"C{i:05d}" for i in range(n + 1)]
        for c in channels:
            slack.add_channel(c, members=(SE, AE, CHAMPION))
        async with served(slack, url, args=args) as server:
            client = SlackClient(server.events_url, SIGNING_SECRET, slack)
            try:
                await asyncio.sleep(SETTLE_S)
                idle = rss_mb(server.pid)

                home, fresh = channels[0], iter(channels[1:])
                new_view, criterion = await set_up(client, slack, home)
                submitted: list[str] = []

                def submission() -> Awaitable[Any]:
                    channel = next(fresh)
                    submitted.append(channel)
                    return client.submit(SE, reopened(new_view), {**NEW_POC, "channel": channel})

                kinds: list[Callable[[], Awaitable[Any]]] = [
                    lambda: client.command(SE, SPARE, "new"),
                    lambda: client.command(SE, home, "help"),
                    lambda: client.command(SE, home, "status"),
                    submission,
                    lambda: client.reaction(CHAMPION, "white_check_mark", criterion),
                ]
                calls = list(itertools.islice(itertools.cycle(kinds), n))
                t, cpu = time.perf_counter(), cpu_s(server.pid)
                non_200 = await send_all(calls, concurrency)
                sending, cpu = time.perf_counter() - t, cpu_s(server.pid) - cpu
                # RSS "after" means after the work the acks promised, not just after the acks.
                await slack.wait_for(
                    lambda: all(slack.posts(c) for c in submitted), within=WORK_LIMIT_S
                )
                await asyncio.sleep(SETTLE_S)
                after, peak = rss_mb(server.pid), hwm_mb(server.pid)
            finally:
                await client.close()
    return {
        "startup_s": round(server.startup_s, 2),
        "idle_mb": round(idle, 1),
        "after_mb": round(after, 1),
        "peak_mb": round(peak, 1),
        "requests": n,
        "non_200": non_200,
        "pocs": len(submitted) + 1,
        "sending_s": round(sending, 1),
        "cpu_s": round(cpu, 1),
        "exit": server.exit_code,
    }


def report(rows: list[dict[str, Any]], n: int, concurrency: int) -> str:
    out = [
        f"| mode | start-up to /healthz s | RSS idle MB | RSS after {n:,} requests MB "
        "| peak RSS MB | requests | non-200 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['mode']} | {r['startup_s']} | {r['idle_mb']} | {r['after_mb']} | "
            f"{r['peak_mb']} | {r['requests']:,} | {r['non_200']} |"
        )
    out.append("")
    for r in rows:
        within = r["peak_mb"] < TARGET_MB and r["startup_s"] < TARGET_S
        out.append(
            f"- {r['mode']}: {r['pocs']} POCs created; requests sent in {r['sending_s']} s, "
            f"serve using {r['cpu_s']} s of CPU meanwhile; "
            f"exit code on SIGTERM {r['exit']}; within the targets "
            f"(< {TARGET_MB} MB, < {TARGET_S:g} s): {'yes' if within else 'no'}."
        )
    out.append(
        f"\nRequests, {concurrency} at a time, in turn: `/poc new` (opens the modal), "
        "`/poc help`, `/poc status`, a new-POC submission in a channel of its own, a "
        "reaction on a criterion; plus 4 set-up requests (a POC with a criterion) after the "
        f"idle reading. Idle RSS is read {SETTLE_S:g} s after the first healthy /healthz; "
        "the after-reading waits for every submission's kickoff message, then "
        f"{SETTLE_S:g} s. Peak RSS is the kernel's VmHWM."
    )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=10)
    p.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = [
        {"mode": mode, **asyncio.run(measure(MODES[mode], args.requests, args.concurrency))}
        for mode in args.modes
    ]
    print(report(rows, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
