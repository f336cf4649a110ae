"""CPU before the ack: what one modal submission costs the bot's process until Slack has its
answer, per kind of request, against a Bolt app that only acks.

`python -m bench.ack_cpu [--requests N] [--databases sqlite postgres] [--profile KIND]`

Why CPU and not wall time: with 20 submissions in flight every millisecond of CPU before an
ack is a millisecond the other 19 wait on one core, so this figure sets the latency under load.

How it is taken: the bot runs in this process's main thread (the real server, Bolt and our
listeners, as `serve` runs them); Slack's side (the stand-in answering Web API calls and the
client signing requests) runs in a thread of its own, whose CPU is subtracted. Requests go one
at a time, each after the previous one's follow-up work has finished. A Bolt middleware
notes the process's CPU clock when `ack()` is called; the sample is from just before the
request is sent to that moment: the HTTP server, signature check, Bolt's parsing and
middleware, our listener up to its ack. `--profile KIND` runs cProfile over the same windows.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import itertools
import logging
import pstats
import statistics
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bench.bare_bolt import bare_app
from bench.common import PG_URL, database, reopened
from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps, close_client, web_client
from bot.sandbox.harness import SIGNING_SECRET, open_modal
from bot.sandbox.signing import Reply, SlackClient
from bot.sandbox.slack_api import SlackStandIn
from bot.server import EVENTS_PATH, Server, web_app
from handlers import guard
from storage.db import Database
from tests.e2e.journeys import NEW_POC

SE, CHAMPION = "USE", "UCHAMP"
#: criteria submissions rotate over this many POCs (one POC with hundreds of criteria is
#: not what a submission usually meets)
POCS = 10
#: the first submissions of each kind fill caches (statements, imports): not counted
WARM_UP = 10
STATEMENT = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
KINDS = ("poc_new submission", "poc_criteria submission")
T = TypeVar("T")


class Slack:
    """Slack's side in a thread of its own: the stand-in and the client that signs requests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stand_in: SlackStandIn = self.call_now(self._stand_in())
        assert self.thread.ident is not None
        self._cpu_clock = time.pthread_getcpuclockid(self.thread.ident)

    async def _stand_in(self) -> SlackStandIn:
        slack = SlackStandIn()
        await slack.start()
        return slack

    def call_now(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run on Slack's loop from outside any loop (set-up only)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run on Slack's loop; the caller's loop stays free to serve the bot meanwhile."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def cpu_s(self) -> float:
        return time.clock_gettime(self._cpu_clock)

    def close(self) -> None:
        self.call_now(self.stand_in.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


@dataclass
class AckMeter:
    """The bot's CPU (the process's, less Slack's thread) from a request's start to its ack."""

    slack: Slack
    started: float = 0.0
    samples: list[float] = field(default_factory=list)
    profiler: cProfile.Profile | None = None

    def bot_cpu_s(self) -> float:
        return time.process_time() - self.slack.cpu_s()

    def start(self) -> None:
        self.started = self.bot_cpu_s()
        if self.profiler is not None:
            self.profiler.enable()

    def acked(self) -> None:
        if self.profiler is not None:
            self.profiler.disable()
        self.samples.append((self.bot_cpu_s() - self.started) * 1000)


def metered(app: AsyncApp, meter: AckMeter) -> None:
    """Every request's ack notes the CPU clock (Bolt reads `context.ack` lazily: set first)."""

    class MeteredAck(AsyncAck):
        async def __call__(self, *args: Any, **kwargs: Any) -> Any:
            response = await super().__call__(*args, **kwargs)
            meter.acked()
            return response

    async def meter_ack(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]) -> Any:
        context["ack"] = MeteredAck()
        return await next()

    app.use(meter_ack)


@asynccontextmanager
async def bot(
    slack: Slack, db: Database, meter: AckMeter, *, bare: bool
) -> AsyncIterator[SlackClient]:
    """pocbot (or bare Bolt) on `db`, served from this thread; yields Slack's client to it."""
    stand_in = slack.stand_in
    settings = Settings(
        slack_bot_token=stand_in.token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=stand_in.api_url,
        database_url=str(db.engine.url),
    )
    deps = Deps(settings=settings, db=db, bot_user_id=stand_in.bot_user_id)
    app = bare_app(settings) if bare else build_app(deps, client=web_client(settings))
    metered(app, meter)
    server = Server(web_app(app, db, signing_secret=SIGNING_SECRET))
    port = await server.start("127.0.0.1", 0)
    client = SlackClient(f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, stand_in)
    try:
        yield client
    finally:
        await slack.call(client.close())
        await server.stop()
        await close_client(app.client)


async def measure(
    slack: Slack, meter: AckMeter, send: Callable[[], Coroutine[Any, Any, Reply]]
) -> None:
    """One request, alone: the previous one's follow-up work is over before it starts."""
    await guard.settled()
    request = send()  # the form is Slack's work: built before the clock starts
    meter.start()
    reply = await slack.call(request)
    assert reply.status == 200 and not reply.text, reply.text


async def forms(slack: Slack, client: SlackClient, channels: list[str]) -> Any:
    """The new-POC modal, and a criteria modal for each of POCS POCs made with it."""
    stand_in = slack.stand_in
    new_view = await slack.call(open_modal(stand_in, client, SE, channels[0], "new"))
    criteria = []
    for channel in channels[:POCS]:
        reply = await slack.call(
            client.submit(SE, reopened(new_view), {**NEW_POC, "channel": channel})
        )
        assert reply.status == 200 and not reply.text, reply.text
        await guard.settled()
        view = await slack.call(open_modal(stand_in, client, SE, channel, "criteria"))
        use_case = view["blocks"][1]["element"]["options"][0]["value"]
        criteria.append((view, {"use_case": use_case, "statement": STATEMENT}))
    return new_view, criteria


async def each_kind(
    slack: Slack,
    meter: AckMeter,
    sends: dict[str, Callable[[], Coroutine[Any, Any, Reply]]],
    requests: int,
    profile: str | None,
) -> dict[str, list[float]]:
    """CPU ms before the ack of `requests` of each kind, after WARM_UP not counted."""
    out: dict[str, list[float]] = {}
    for name, send in sends.items():
        meter.profiler = None
        for counted in (False, True):
            if counted and profile and profile in name:
                meter.profiler = cProfile.Profile(time.thread_time)
            meter.samples = []
            for _ in range(requests if counted else WARM_UP):
                await measure(slack, meter, send)
        out[name] = meter.samples
        if meter.profiler is not None:
            print(profiled(meter.profiler, name))
    return out


def requests_of(
    client: SlackClient, new_view: dict[str, Any], criteria: list[Any], free: Iterator[str]
) -> dict[str, Callable[[], Coroutine[Any, Any, Reply]]]:
    """Each kind's next request: a new POC in a channel of its own, a criterion for the
    next of the POCs in turn."""
    form = itertools.cycle(criteria)

    def new_poc() -> Coroutine[Any, Any, Reply]:
        return client.submit(SE, reopened(new_view), {**NEW_POC, "channel": next(free)})

    def criterion() -> Coroutine[Any, Any, Reply]:
        view, answers = next(form)
        return client.submit(SE, reopened(view), answers)

    return {KINDS[0]: new_poc, KINDS[1]: criterion}


async def run(kind: str, requests: int, profile: str | None) -> list[dict[str, Any]]:
    slack = Slack()
    channels = [f"C{i:05d}" for i in range(POCS + 2 * (requests + WARM_UP))]
    for uid in (SE, CHAMPION):
        slack.stand_in.add_user(uid, uid)
    for c in channels:
        slack.stand_in.add_channel(c)
    free = iter(channels[POCS:])  # one live POC per channel: each new POC takes its own
    try:
        async with database(kind) as db:
            meter = AckMeter(slack)
            results = {}
            for bare in (False, True):
                async with bot(slack, db, meter, bare=bare) as client:
                    if not bare:
                        new_view, criteria = await forms(slack, client, channels)
                    sends = requests_of(client, new_view, criteria, free)
                    results[bare] = await each_kind(
                        slack, meter, sends, requests, None if bare else profile
                    )
    finally:
        slack.close()
    return [
        {"db": kind, "request": name, "ours": results[False][name], "bare": results[True][name]}
        for name in KINDS
    ]


def profiled(profiler: cProfile.Profile, title: str, top: int = 40) -> str:
    out = io.StringIO()
    print(f"\n### cProfile, {title}: before the ack only\n", file=out)
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def summary(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=10, method="inclusive")
    return f"{statistics.median(samples):.2f} / {statistics.fmean(samples):.2f} / {q[8]:.2f}"


def report(rows: list[dict[str, Any]]) -> str:
    out = [
        "| db | request | pocbot CPU ms p50 / mean / p90 | bare Bolt CPU ms p50 / mean / p90 "
        "| requests |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['db']} | {r['request']} | {summary(r['ours'])} | {summary(r['bare'])} "
            f"| {len(r['ours'])} |"
        )
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=200, help="per kind and app")
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    p.add_argument("--profile", choices=["poc_new", "poc_criteria"], help="cProfile this kind")
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows: list[dict[str, Any]] = []
    for kind in args.databases:
        rows += asyncio.run(run(kind, args.requests, args.profile))
    print(report(rows))


if __name__ == "__main__":
    main()
