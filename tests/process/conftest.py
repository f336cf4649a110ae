"""Processes as a deployment runs them: `python -m bot …` in subprocesses of its own.

Each process gets the Slack stand-in (running in the test's event loop) as its Web API, a
database of the test's own (a throwaway PostgreSQL database: advisory locks are per database,
so parallel runs must not share one), a loopback port, and an empty working directory (no
stray .env). Its output is read line by line as it comes, so a test waits for what a process
*says* — with a deadline — instead of sleeping. Whatever a test leaves running is killed at
teardown, and every process's output is printed when a test fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.sandbox.harness import SIGNING_SECRET
from bot.sandbox.slack_api import SlackStandIn
from storage.db import Database
from tests.conftest import PG_SKIP, PG_URL

#: Every deadline in these tests is measured from the event it waits on, and generous: the
#: machine running them may be busy. A process that misses one is broken, not slow.
START_S = 15.0
STOP_S = 10.0

#: Every setting is left out of what a process inherits (a SLACK_APP_TOKEN would switch it to
#: Socket Mode, a LOG_LEVEL change what it says); the tests set what they need.
_OURS = ("SLACK_", *(name.upper() for name in Settings.model_fields))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """One `python -m bot …`: what it printed so far, its port, how and when it ended."""

    def __init__(self, name: str, proc: asyncio.subprocess.Process, port: int | None) -> None:
        self.name = name
        self.proc = proc
        self.port = port
        self.spawned = time.monotonic()
        self.lines: list[str] = []
        self._said = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            async with self._said:
                self.lines.append(line.decode(errors="replace").rstrip("\n"))
                self._said.notify_all()
        await self.proc.wait()
        async with self._said:
            self._said.notify_all()

    async def said(self, text: str, *, within: float = START_S) -> str:
        """The first line containing `text`, waiting up to `within` s for it."""

        def found() -> str | None:
            return next((ln for ln in self.lines if text in ln), None)

        async def wait() -> str:
            async with self._said:
                while (line := found()) is None:
                    if self._reader.done():
                        raise AssertionError(
                            f"{self.name} exited ({self.proc.returncode}) without saying "
                            f"{text!r}:\n{self.output}"
                        )
                    await self._said.wait()
                return line

        try:
            return await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(
                f"{self.name} did not say {text!r} within {within} s:\n{self.output}"
            ) from None

    def has_said(self, text: str) -> bool:
        return any(text in ln for ln in self.lines)

    async def exit_code(self, *, within: float) -> int:
        """Wait for the process to end by itself, up to `within` s."""
        try:
            await asyncio.wait_for(asyncio.shield(self._reader), within)
        except TimeoutError:
            raise AssertionError(
                f"{self.name} still running after {within} s:\n{self.output}"
            ) from None
        assert self.proc.returncode is not None
        return self.proc.returncode

    async def stop(self, sig: signal.Signals = signal.SIGTERM, *, within: float = STOP_S) -> float:
        """Send `sig`; the process must exit 0 within `within` s. Returns the seconds it took."""
        sent = time.monotonic()
        self.proc.send_signal(sig)
        code = await self.exit_code(within=within)
        took = time.monotonic() - sent
        assert code == 0, f"{self.name} exited {code} on {sig.name}:\n{self.output}"
        return took

    async def healthz(
        self, http: aiohttp.ClientSession, *, within: float = 5.0
    ) -> tuple[int, dict]:
        assert self.port is not None
        url = f"http://127.0.0.1:{self.port}/healthz"
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=within)) as reply:
            return reply.status, await reply.json()

    async def healthy(self, http: aiohttp.ClientSession, *, within: float = START_S) -> float:
        """Poll /healthz until 200, `within` s of spawning; returns the seconds it took.

        The process is external: asking it, with a deadline, is the only way to know.
        """
        while time.monotonic() - self.spawned < within:
            if self.proc.returncode is not None:
                raise AssertionError(f"{self.name} exited ({self.proc.returncode}):\n{self.output}")
            try:
                status, _ = await self.healthz(http, within=2.0)
                if status == 200:
                    return time.monotonic() - self.spawned
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not healthy within {within} s:\n{self.output}")

    async def kill(self) -> None:
        """SIGKILL to the process's whole group: a supervisor and its workers alike."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        self._reader.cancel()


Spawn = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A PostgreSQL database of this test's own, dropped after."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    name = f"pocbot_proc_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def spawn(slack: SlackStandIn, tmp_path: Path) -> AsyncIterator[Spawn]:
    """`await spawn("serve", "--no-clock", db=url)` starts `python -m bot serve --no-clock`."""
    started: list[BotProcess] = []

    async def start(
        *args: str, db: str, name: str | None = None, port: bool = True, **env: str
    ) -> BotProcess:
        listen = free_port() if port else None
        environ = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        environ.update(
            SLACK_BOT_TOKEN=slack.token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=db,
            HOST="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        if listen is not None:
            environ["PORT"] = str(listen)
        environ.update(env)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            env=environ,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # a group of its own, so teardown can kill it all
        )
        bot = BotProcess(name or " ".join(args), proc, listen)
        started.append(bot)
        return bot

    try:
        yield start
    finally:
        for bot in started:
            await bot.kill()
            sys.stderr.write(f"\n--- {bot.name} (pid {bot.pid}) ---\n{bot.output}\n")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # A fresh connection per request: several workers behind one port must each get a chance.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as s:
        yield s
