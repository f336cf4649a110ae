"""Request latency: pocbot against a bare Bolt app that only acks, on the same server stack.

`python -m bench.latency [--requests N] [--databases sqlite postgres] [--workers 1 2]`

Both apps run as processes of their own (`python -m bot serve`, `python -m bench.bare_bolt`),
as a deployment runs them, on PostgreSQL also as two processes each (`serve --workers 2`,
`bare_bolt --workers 2`: SO_REUSEPORT spreads connections over them); this process is
Slack: it signs the requests, times them to the ack, and answers the bots' Web API calls
through the stand-in. Sequential, then CONCURRENCY requests in flight at once; p50/p95/p99
in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import PG_URL, percentiles, reopened
from bench.served import database_url, served
from bot.sandbox.harness import SIGNING_SECRET, open_modal
from bot.sandbox.signing import Reply, SlackClient
from bot.sandbox.slack_api import SlackStandIn
from tests.e2e.journeys import NEW_POC

SE, CHAMPION = "USE", "UCHAMP"
CONCURRENCY = 20
#: Criteria submissions rotate over this many POCs, so none grows past a realistic size
#: (a POC has 6-20 criteria; a thousand on one would measure loading a thousand).
POCS = 20
#: Slack gives up on a request that is not acknowledged within 3 s.
ACK_DEADLINE_MS = 3000
STATEMENT = "Ingests 500 GB of JSON logs within 1 hour without dropping records"

Call = Callable[[], Awaitable[Reply]]


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)
    late: int = 0  # answered after the deadline, or not with a 200 (Bolt's ack timeout)


async def timed(calls: list[Call], concurrency: int) -> Timing:
    timing = Timing()
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Call) -> None:
        async with gate:
            t = time.perf_counter()
            reply = await call()
            ms = (time.perf_counter() - t) * 1000
            timing.samples.append(ms)
            if reply.status != 200 or ms > ACK_DEADLINE_MS:
                timing.late += 1

    await asyncio.gather(*(one(c) for c in calls))
    return timing


async def settled(slack: SlackStandIn, quiet_s: float = 0.3) -> None:
    """Wait until the bots' follow-up work is done (no Web API call for `quiet_s`), so no
    row is measured while the previous one's messages are still being posted."""
    seen = -1
    while seen != len(slack.calls):
        seen = len(slack.calls)
        await asyncio.sleep(quiet_s)


async def run(kind: str, requests: int, workers: int = 1) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with SlackStandIn() as slack, database_url(kind) as url:
        for uid in (SE, CHAMPION):
            slack.add_user(uid, uid)
        # Every poc_new submission needs a channel of its own: one live POC per channel.
        channels = [f"C{i:05d}" for i in range(requests * 5)]
        for c in channels:
            slack.add_channel(c)
        async with (
            served(
                slack, url, args=("serve", "--no-clock", "--workers", str(workers))
            ) as ours_proc,
            served(
                slack, url, module="bench.bare_bolt", args=("--workers", str(workers))
            ) as bare_proc,
        ):
            ours = SlackClient(ours_proc.events_url, SIGNING_SECRET, slack)
            bare = SlackClient(bare_proc.events_url, SIGNING_SECRET, slack)
            # POCS POCs with one criterion each: the targets of criteria submissions and
            # (the first one's) of reactions.
            new_view = await open_modal(slack, ours, SE, channels[0], "new")
            criteria_forms = []
            for channel in channels[:POCS]:
                reply = await ours.submit(SE, reopened(new_view), {**NEW_POC, "channel": channel})
                assert reply.status == 200 and not reply.text, reply.text
                await slack.wait_for(lambda c=channel: slack.posts(c))
                view = await open_modal(slack, ours, SE, channel, "criteria")
                use_case = view["blocks"][1]["element"]["options"][0]["value"]
                criteria_forms.append((view, {"use_case": use_case, "statement": STATEMENT}))
            await ours.submit(SE, *criteria_forms[0])
            posted = await slack.wait_for(
                lambda: [m for m in slack.posts(channels[0]) if m.metadata]
            )
            free = itertools.count(POCS)
            form = itertools.cycle(criteria_forms)

            def kinds(client: SlackClient) -> dict[str, Call]:
                return {
                    "/poc new (ack)": lambda: client.command(SE, channels[0], "new"),
                    "poc_new submission": lambda: client.submit(
                        SE, reopened(new_view), {**NEW_POC, "channel": channels[next(free)]}
                    ),
                    "poc_criteria submission": lambda: criterion(client),
                    "reaction_added": lambda: client.reaction(
                        CHAMPION, "white_check_mark", posted[0]
                    ),
                }

            def criterion(client: SlackClient) -> Awaitable[Reply]:
                view, answers = next(form)
                return client.submit(SE, reopened(view), answers)

            ours_kinds, bare_kinds = kinds(ours), kinds(bare)
            for name in ours_kinds:
                for mode, conc in (("sequential", 1), (f"{CONCURRENCY} concurrent", CONCURRENCY)):
                    await settled(slack)
                    a = await timed([ours_kinds[name]] * requests, conc)
                    await settled(slack)
                    b = await timed([bare_kinds[name]] * requests, conc)
                    pa, pb = percentiles(a.samples), percentiles(b.samples)
                    rows.append(
                        {
                            "db": kind,
                            "processes": workers,
                            "request": name,
                            "mode": mode,
                            "pocbot": pa,
                            "bare": pb,
                            "p50_ratio": round(pa["p50"] / pb["p50"], 2),
                            "late": a.late,
                        }
                    )
            await ours.close()
            await bare.close()
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    out = [
        "| db | processes | request | mode | pocbot p50 / p95 / p99 ms "
        "| bare Bolt p50 / p95 / p99 ms | p50 ratio | acked late |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a, b = r["pocbot"], r["bare"]
        out.append(
            f"| {r['db']} | {r['processes']} | {r['request']} | {r['mode']} "
            f"| {a['p50']} / {a['p95']} / {a['p99']} | {b['p50']} / {b['p95']} / {b['p99']} "
            f"| {r['p50_ratio']} | {r['late']} |"
        )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=200, help="per row and app")
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    p.add_argument(
        "--workers",
        nargs="+",
        type=int,
        default=[1, 2],
        help="web processes per run (both apps); SQLite runs one only",
    )
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows: list[dict[str, Any]] = []
    for kind in args.databases:
        for workers in sorted({1 if kind == "sqlite" else w for w in args.workers}):
            rows += asyncio.run(run(kind, args.requests, workers))
    print(report(rows))


if __name__ == "__main__":
    main()
