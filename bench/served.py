"""The bot as a deployment runs it: `python -m bot serve` in a process of its own.

Benchmarks that measure the server start it here, so the load generator and the Slack
stand-in (in the benchmark's process) do not share the server's event loop or its core.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bench.common import PG_URL
from bot.sandbox.harness import SIGNING_SECRET
from bot.sandbox.slack_api import SlackStandIn
from bot.server import EVENTS_PATH
from storage.db import Database

#: A server that is not answering /healthz by then is broken, not slow.
START_TIMEOUT_S = 30.0
#: SIGTERM unanswered by then: SIGKILL.
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Served:
    pid: int
    port: int
    startup_s: float  # from spawning the process to the first 200 on /healthz
    proc: asyncio.subprocess.Process = field(repr=False, compare=False)

    @property
    def exit_code(self) -> int | None:
        """After the `served` block: how the process ended on SIGTERM (None while running)."""
        return self.proc.returncode

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def database_url(kind: str) -> AsyncIterator[str]:
    """An empty database another process can open: a temp SQLite file or a PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pocbot-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    assert PG_URL, "set TEST_DATABASE_URL for the PostgreSQL runs"
    name = f"pocbot_bench_{uuid.uuid4().hex[:8]}"
    # CREATE DATABASE cannot run inside a transaction.
    admin = Database(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@asynccontextmanager
async def served(
    slack: SlackStandIn, db_url: str, *, module: str = "bot", args: tuple[str, ...] = ("serve",)
) -> AsyncIterator[Served]:
    """Spawn `python -m <module> <args>` against the stand-in; stop it with SIGTERM after."""
    port = free_port()
    # Inherited SLACK_* settings stay out: SLACK_APP_TOKEN, say, would switch to Socket Mode.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": db_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, *args, env=env, stdout=log, stderr=log
        )
        try:
            startup = await _healthy(proc, port, started)
            yield Served(pid=proc.pid, port=port, startup_s=startup, proc=proc)
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


async def _healthy(proc: asyncio.subprocess.Process, port: int, started: float) -> float:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http:
        while time.perf_counter() - started < START_TIMEOUT_S:
            if proc.returncode is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before it was healthy")
            try:
                async with http.get(url) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - started
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.01)
    raise RuntimeError(f"server not healthy within {START_TIMEOUT_S} s")
