"""The one scheduler: a sweep every SWEEP_MINUTES, in `python -m bot clock` or inside `serve`.

APScheduler 3 keeps jobs in memory and cannot share them between processes, so the clock is
a singleton. On PostgreSQL a session-level advisory lock, held on a connection of its own,
makes a second clock wait (a rolling deploy, a scaled-up dyno) instead of sweeping too. The
lock is a courtesy, not the guarantee: the sent-log's unique claim is what stops a nudge
from being posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import close_client, utc_now, web_client
from bot.config import Settings
from bot.privacy import ChannelInfo
from scheduler.delivery import Delivery
from scheduler.reconcile import Reconciler
from scheduler.sweep import SweepReport, sweep
from storage.db import Database

log = logging.getLogger(__name__)

JOB_ID = "sweep"
#: pg_advisory_lock key: "pocbot" in ASCII, so an operator can recognise it in pg_locks.
LOCK_KEY = 0x706F63626F74


class Clock:
    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        client: object | None = None,
        now: object = utc_now,
    ) -> None:
        self.settings = settings
        self.db = db
        # 5xx are not retried by the client: re-posting is the sent-log's decision.
        self._owns_client = client is None
        self.client = client or web_client(settings, retry_server_errors=False)
        self.now = now
        self.channels = ChannelInfo()
        # Votes whose events were lost: once a day, within half of each tick's interval.
        self.reconciler = Reconciler(
            db, self.client, budget=timedelta(minutes=settings.sweep_minutes / 2)
        )  # type: ignore[arg-type]
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.last: SweepReport | None = None
        self._lock_conn: AsyncConnection | None = None
        self._waiting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.db.engine.dialect.name == "postgresql" and not await self._take_lock():
            log.info("another clock holds the sweep lock; waiting to take over")
            self._waiting = asyncio.create_task(self._wait_for_lock())
            return
        self._schedule()

    def _schedule(self) -> None:
        minutes = self.settings.sweep_minutes
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(minutes=minutes, timezone=UTC),
            id=JOB_ID,
            replace_existing=True,
            # A sweep catches up on everything due today: running missed ones again is waste.
            coalesce=True,
            max_instances=1,
            misfire_grace_time=minutes * 60,
            next_run_time=datetime.now(UTC),  # sweep at start, then every `minutes`
        )
        self.scheduler.start()
        log.info("clock started: a sweep every %d min", minutes)

    async def tick(self) -> SweepReport | None:
        try:
            self.last = await sweep(
                self.db,
                self.client,  # type: ignore[arg-type]
                self.now(),  # type: ignore[operator]
                nudge_hour=self.settings.nudge_hour,
                delivery=Delivery(self.client, self.db, channels=self.channels),  # type: ignore[arg-type]
            )
        except Exception:
            # The next tick tries again; the sent-log keeps what was claimed retakeable.
            log.exception("sweep failed")
            return None
        finally:
            await self.reconciler.tick(self.now())  # type: ignore[operator]
        return self.last

    async def _take_lock(self) -> bool:
        if self._lock_conn is None:
            self._lock_conn = await self.db.engine.connect()
        got = await self._lock_conn.scalar(
            sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}
        )
        # End the implicit transaction; a session-level lock outlives it.
        await self._lock_conn.commit()
        return bool(got)

    async def _wait_for_lock(self) -> None:
        # pg_advisory_lock blocks in the server until the other clock's connection ends.
        assert self._lock_conn is not None
        await self._lock_conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        await self._lock_conn.commit()
        log.info("sweep lock taken")
        self._schedule()

    @property
    def sweeping(self) -> bool:
        return self.scheduler.running

    async def stop(self) -> None:
        if self._waiting:
            self._waiting.cancel()
            with suppress(asyncio.CancelledError):
                await self._waiting
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._lock_conn is not None:
            with suppress(Exception):
                await self._lock_conn.execute(sa.text("SELECT pg_advisory_unlock_all()"))
            await self._lock_conn.close()
            self._lock_conn = None
        if self._owns_client:
            await close_client(self.client)  # type: ignore[arg-type]


async def run_clock(settings: Settings) -> None:
    from bot.runtime import _stop_event, open_database

    settings.require_slack()
    db = await open_database(settings)
    clock = Clock(settings, db=db)
    stop = _stop_event()
    await clock.start()
    try:
        await stop.wait()
    finally:
        await clock.stop()
        await db.dispose()
