"""Request latency: pocbot against a bare Bolt app that only acks, on the same server stack.

`python -m bench.latency [--requests N]` — sequential and 20 concurrent, p50/p95/p99 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bench.common import database, percentiles
from bot.sandbox.harness import SIGNING_SECRET, Sandbox
from bot.sandbox.signing import SlackClient
from bot.server import EVENTS_PATH, Server, web_app
from tests.e2e.journeys import NEW_POC

SE, CHAMPION = "USE", "UCHAMP"
CONCURRENCY = 20
#: requests Bolt answered with an error because the ack took longer than Slack's 3 s
missed: list[str] = []


def bare_app(token: str, api_url: str) -> AsyncApp:
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        client=AsyncWebClient(token=token, base_url=api_url),
        token=token,
        signing_secret=SIGNING_SECRET,
    )

    async def just_ack(ack: Any) -> None:
        await ack()

    app.command("/poc")(just_ack)
    app.view("poc_new")(just_ack)
    app.view("poc_criteria")(just_ack)
    app.event("reaction_added")(just_ack)
    return app


async def timed(
    calls: list[Callable[[], Awaitable[Any]]], concurrency: int, name: str = ""
) -> list[float]:
    samples: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Callable[[], Awaitable[Any]]) -> None:
        async with gate:
            t = time.perf_counter()
            reply = await call()
            # A non-200 is Bolt giving up on an ack after 3 s: count it, at the time it took.
            samples.append((time.perf_counter() - t) * 1000)
            if reply.status != 200:
                missed.append(name)

    await asyncio.gather(*(one(c) for c in calls))
    return samples


async def run(requests: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with database("sqlite") as db, Sandbox(db) as sb:
        slack = sb.slack
        for uid in (SE, CHAMPION):
            slack.add_user(uid, uid)
        channels = [f"C{i:05d}" for i in range(requests * 5)]
        for c in channels:
            slack.add_channel(c)
        new_view = await sb.open_modal(SE, channels[0], "new")
        # One POC with a criterion, for criteria submissions and reactions.
        await sb.submit(SE, new_view, {**NEW_POC, "channel": channels[0]})
        await slack.wait_for(lambda: slack.posts(channels[0]))
        crit_view = await sb.open_modal(SE, channels[0], "criteria")
        statement = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
        uc = crit_view["blocks"][1]["element"]["options"][0]["value"]
        await sb.submit(SE, crit_view, {"use_case": uc, "statement": statement})
        message = await slack.wait_for(lambda: [m for m in slack.posts(channels[0]) if m.metadata])
        criterion_message = message[0]

        bare = bare_app(slack.token, slack.api_url)
        bare_server = Server(web_app(bare, db))
        port = await bare_server.start("127.0.0.1", 0)
        bare_client = SlackClient(f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, slack)
        free = itertools.count(1)

        def kinds(client: SlackClient) -> dict[str, Callable[[], Awaitable[Any]]]:
            return {
                "/poc new (ack)": lambda: client.command(SE, channels[0], "new"),
                "poc_new submission": lambda: client.submit(
                    SE, new_view, {**NEW_POC, "channel": channels[next(free)]}
                ),
                "poc_criteria submission": lambda: client.submit(
                    SE, crit_view, {"use_case": uc, "statement": statement}
                ),
                "reaction_added": lambda: client.reaction(
                    CHAMPION, "white_check_mark", criterion_message
                ),
            }

        ours, theirs = kinds(sb.client), kinds(bare_client)
        for name in ours:
            for mode, conc in (("sequential", 1), (f"{CONCURRENCY} concurrent", CONCURRENCY)):
                a = percentiles(await timed([ours[name]] * requests, conc, f"ours {name}"))
                b = percentiles(await timed([theirs[name]] * requests, conc, f"bare {name}"))
                rows.append(
                    {
                        "request": name,
                        "mode": mode,
                        "pocbot": a,
                        "bare": b,
                        "p50_ratio": round(a["p50"] / b["p50"], 2),
                    }
                )
        await bare_client.close()
        await bare_server.stop()
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    out = ["| request | mode | pocbot p50/p95/p99 ms | bare Bolt p50/p95/p99 ms | p50 ratio |"]
    out.append("|---|---|---|---|---|")
    for r in rows:
        a, b = r["pocbot"], r["bare"]
        out.append(
            f"| {r['request']} | {r['mode']} | {a['p50']} / {a['p95']} / {a['p99']} | "
            f"{b['p50']} / {b['p95']} / {b['p99']} | {r['p50_ratio']} |"
        )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=200)
    args = p.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    print(report(asyncio.run(run(args.requests))))
    print(f"\nrequests not acked within 3 s: {len(missed)}")


if __name__ == "__main__":
    main()
