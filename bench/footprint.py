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
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

import aiohttp

from bench.common import hwm_mb, rss_mb
from bot.sandbox.harness import SIGNING_SECRET
from bot.sandbox.signing import SlackClient
from bot.sandbox.slack_api import Message, SlackStandIn
from bot.server import EVENTS_PATH
from storage.db import Database
from storage.migrate import upgrade
from tests.e2e.journeys import NEW_POC

ROOT = Path(__file__).resolve().parents[1]
SE, AE, CHAMPION = "USE", "UAE", "UCHAMP"
#: the channel typed `/poc new` in: never holds a POC, so every command opens the modal
SPARE = "CSPARE"
MODES: dict[str, list[str]] = {"serve": [], "serve --no-clock": ["--no-clock"]}
TARGET_MB, TARGET_S = 150, 3.0
#: time for imports finished lazily, the first sweep and the allocator to come to rest
SETTLE_S = 1.0
STARTUP_LIMIT_S = 30.0
#: the work Bolt does after the ack (posting kickoffs) has this long to finish
WORK_LIMIT_S = 120.0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until_healthy(port: int, proc: asyncio.subprocess.Process, t0: float) -> float:
    """Seconds from `t0` (just before the process was started) to the first 200 on /healthz."""
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as session:
        while time.perf_counter() - t0 < STARTUP_LIMIT_S:
            if proc.returncode is not None:
                raise RuntimeError(f"serve exited with {proc.returncode} before /healthz")
            try:
                async with session.get(url) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except (aiohttp.ClientError, TimeoutError):
                pass  # not listening yet
            await asyncio.sleep(0.01)
    raise RuntimeError(f"no healthy /healthz within {STARTUP_LIMIT_S:g} s")


async def open_modal(
    client: SlackClient, slack: SlackStandIn, user_id: str, channel: str, text: str
) -> dict[str, Any]:
    before = len(slack.opened)
    reply = await client.command(user_id, channel, text)
    if reply.status != 200:
        raise RuntimeError(f"/poc {text} answered {reply.status}: {reply.text}")
    return await slack.wait_for(
        lambda: slack.opened[before] if len(slack.opened) > before else None
    )


async def set_up(
    client: SlackClient, slack: SlackStandIn, home: str
) -> tuple[dict[str, Any], Message]:
    """A POC with a criterion in `home`: the modal to submit again, the message to react to."""
    new_view = await open_modal(client, slack, SE, SPARE, "new")
    await client.submit(SE, new_view, {**NEW_POC, "channel": home})
    await slack.wait_for(lambda: slack.posts(home), within=10)
    crit_view = await open_modal(client, slack, SE, home, "criteria")
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


async def stop(proc: asyncio.subprocess.Process) -> int:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    return int(proc.returncode or 0)


async def measure(
    flags: list[str], n: int, concurrency: int, tmp: Path, log: IO[bytes]
) -> dict[str, Any]:
    url = f"sqlite:///{tmp / 'pocbot.db'}"
    db = Database(url)
    await upgrade(db)  # as a deploy's release phase does, so start-up is a restart
    await db.dispose()
    async with SlackStandIn() as slack:
        for uid in (SE, AE, CHAMPION):
            slack.add_user(uid, uid.lower())
        slack.add_channel(SPARE)
        channels = [f"C{i:05d}" for i in range(n + 1)]
        for c in channels:
            slack.add_channel(c, members=(SE, AE, CHAMPION))
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "PORT"}
        env.update(
            SLACK_BOT_TOKEN=slack.token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=url,
            HOST="127.0.0.1",
            PORT=str(port),
        )
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            *flags,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        client = SlackClient(f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, slack)
        try:
            startup = await until_healthy(port, proc, t0)
            await asyncio.sleep(SETTLE_S)
            idle = rss_mb(proc.pid)

            home, fresh = channels[0], iter(channels[1:])
            new_view, criterion = await set_up(client, slack, home)
            submitted: list[str] = []

            def submission() -> Awaitable[Any]:
                channel = next(fresh)
                submitted.append(channel)
                return client.submit(SE, new_view, {**NEW_POC, "channel": channel})

            kinds: list[Callable[[], Awaitable[Any]]] = [
                lambda: client.command(SE, SPARE, "new"),
                lambda: client.command(SE, home, "help"),
                lambda: client.command(SE, home, "status"),
                submission,
                lambda: client.reaction(CHAMPION, "white_check_mark", criterion),
            ]
            calls = list(itertools.islice(itertools.cycle(kinds), n))
            t, cpu = time.perf_counter(), cpu_s(proc.pid)
            non_200 = await send_all(calls, concurrency)
            sending, cpu = time.perf_counter() - t, cpu_s(proc.pid) - cpu
            # RSS "after" means after the work the acks promised, not just after the acks.
            await slack.wait_for(
                lambda: all(slack.posts(c) for c in submitted), within=WORK_LIMIT_S
            )
            await asyncio.sleep(SETTLE_S)
            after, peak = rss_mb(proc.pid), hwm_mb(proc.pid)
        finally:
            await client.close()
            code = await stop(proc)
    return {
        "startup_s": round(startup, 2),
        "idle_mb": round(idle, 1),
        "after_mb": round(after, 1),
        "peak_mb": round(peak, 1),
        "requests": n,
        "non_200": non_200,
        "pocs": len(submitted) + 1,
        "sending_s": round(sending, 1),
        "cpu_s": round(cpu, 1),
        "exit": code,
    }


def one(flags: list[str], n: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pocbot-footprint-") as tmp:
        path = Path(tmp)
        with open(path / "serve.log", "wb") as log:
            try:
                return asyncio.run(measure(flags, n, concurrency, path, log))
            except Exception:
                log.flush()
                tail = (path / "serve.log").read_text(errors="replace")[-3000:]
                print(f"serve's output:\n{tail}", file=sys.stderr)
                raise


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
        {"mode": mode, **one(MODES[mode], args.requests, args.concurrency)} for mode in args.modes
    ]
    print(report(rows, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
