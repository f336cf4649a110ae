"""`python -m bot serve` in Socket Mode, as a process of its own, against the Slack stand-in.

The stand-in runs in the test's event loop, so the process is awaited, never waited on with
a blocking call (that would stop the stand-in from answering it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.served import free_port
from bot.sandbox.slack_api import SlackStandIn

#: A Socket Mode server not connected by then is broken, not slow.
START_TIMEOUT_S = 30.0
#: What the issue allows a refused token (to exit) and SIGTERM (to stop).
EXIT_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


def serve_env(
    slack: SlackStandIn, db_url: str, *, app_token: str, log_level: str | None = "WARNING"
) -> dict[str, str]:
    """Socket Mode needs the bot token and the app token; no signing secret, no public URL.

    `log_level=None` leaves LOG_LEVEL unset: the default a newcomer gets.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN=slack.token,
        SLACK_APP_TOKEN=app_token,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=db_url,
        HOST="127.0.0.1",
        PORT=str(free_port()),
    )
    env.pop("LOG_LEVEL", None)
    if log_level is not None:
        env["LOG_LEVEL"] = log_level
    return env


@dataclass
class Exited:
    code: int
    stdout: str
    stderr: str
    seconds: float  # from spawning the process to its exit

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.stdout + self.stderr).splitlines() if line.strip()]


async def run_to_exit(
    slack: SlackStandIn,
    db_url: str,
    cwd: Path,
    *,
    app_token: str,
    log_level: str | None = "WARNING",
) -> Exited:
    """Run `serve` until it exits by itself; fail if it is still running after 30 s."""
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=serve_env(slack, db_url, app_token=app_token, log_level=log_level),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), EXIT_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"serve was still running after {EXIT_TIMEOUT_S} s") from None
    assert proc.returncode is not None
    return Exited(proc.returncode, out.decode(), err.decode(), time.perf_counter() - started)


@dataclass
class Serving:
    proc: asyncio.subprocess.Process
    port: int  # /healthz (Socket Mode serves no /slack/events)
    log: Path
    startup_s: float  # spawn to the WebSocket being open

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def exit(self) -> float:
        """Wait for the process to exit by itself; the seconds it took (fails after 30 s)."""
        waiting = time.perf_counter()
        try:
            await asyncio.wait_for(self.proc.wait(), EXIT_TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(
                f"serve still running after {EXIT_TIMEOUT_S} s:\n{self.output()[-3000:]}"
            ) from None
        return time.perf_counter() - waiting

    async def terminate(self) -> float:
        """SIGTERM; the seconds until the process exited (fails after 10 s)."""
        sent = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(
                f"serve ignored SIGTERM for {STOP_TIMEOUT_S} s:\n{self.output()[-3000:]}"
            ) from None
        return time.perf_counter() - sent


@asynccontextmanager
async def socket_serve(
    slack: SlackStandIn,
    db_url: str,
    cwd: Path,
    *,
    args: tuple[str, ...] = ("serve", "--no-clock"),
    log_level: str = "INFO",
) -> AsyncIterator[Serving]:
    """`python -m bot <args>` with SLACK_APP_TOKEN, connected to the stand-in's socket."""
    log = cwd / "serve.log"
    env = serve_env(slack, db_url, app_token=slack.app_token, log_level=log_level)
    started = time.perf_counter()
    with log.open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, env=env, cwd=cwd, stdout=sink, stderr=sink
        )
    serving = Serving(proc, int(env["PORT"]), log, 0.0)
    try:
        serving.startup_s = await _connected(slack, serving) - started
        yield serving
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _connected(slack: SlackStandIn, serving: Serving) -> float:
    connected = asyncio.ensure_future(
        slack.wait_for(lambda: slack.link.connected, within=START_TIMEOUT_S)
    )
    exited = asyncio.ensure_future(serving.proc.wait())
    done, _ = await asyncio.wait({connected, exited}, return_when=asyncio.FIRST_COMPLETED)
    if connected not in done:
        connected.cancel()
        raise AssertionError(
            f"serve exited ({serving.proc.returncode}) before connecting:\n{serving.output()}"
        )
    exited.cancel()
    connected.result()
    return time.perf_counter()
