"""The one scheduler: a sweep every SWEEP_MINUTES, in `python -m bot clock` or inside `serve`.

The ticks fall on the UTC clock, not on multiples of the interval from whenever the process
started: with 15 minutes at :00, :15, :30 and :45, so a POC's 09:00 nudges go at 09:00, not at
09:07 (every timezone's offset is a multiple of 15 minutes, so every local 09:00 is a tick).
The clock also sweeps once as it starts.

APScheduler 3 keeps jobs in memory and cannot share them between processes, so the clock is
a singleton. On PostgreSQL a session-level advisory lock (`AdvisoryLock.sweep`), held on a
connection of its own, makes a second clock wait (a rolling deploy, a scaled-up dyno) instead
of sweeping too. The waiting clock asks for the lock every LOCK_POLL_S rather than blocking
in `pg_advisory_lock`: a poll is bounded by the statement timeout, survives a database
restart, and leaves nothing to cancel on the server when SIGTERM comes. The lock is a
courtesy, not the guarantee: the sent-log's unique claim is what stops a nudge from being
posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.config import Settings
from bot.deps import utc_now
from bot.privacy import ChannelInfo
from bot.rules import candidate_monday
from bot.startup import open_database, stop_event
from bot.tenancy import Workspaces
from scheduler.delivery import Delivery
from scheduler.managers import MondayDigests
from scheduler.reconcile import Reconciler
from scheduler.sweep import SweepReport, sweep
from scheduler.tokens import as_workspaces, close_workspaces, workspaces_for
from storage import locks, replays
from storage.db import Database, failure_reason, is_postgres

log = logging.getLogger(__name__)

JOB_ID = "sweep"
#: Seconds between a waiting clock's attempts at the sweep lock. A sweep runs every 15 min by
#: default; taking over a few seconds after the other clock stops costs nothing.
LOCK_POLL_S = 5.0
#: Seconds a sweep under way may take to finish once the process is asked to stop. Within
#: the 10 s a platform gives between SIGTERM and SIGKILL, with room for the rest.
STOP_GRACE_S = 3.0


#: The whole day, in minutes: the longest tick, and what a tick over an hour must divide.
_DAY_MINUTES = 24 * 60


def tick_minutes(sweep_minutes: int) -> int:
    """The interval the clock keeps: `sweep_minutes` if ticks that far apart fall on the same
    minutes every hour (it divides 60) or the same hours every day (a whole number of hours
    dividing 24); else the longest such interval below it. So 45 sweeps every 30 minutes and
    90 every hour: a sweep sooner than asked costs a query, one later is a late nudge."""
    if sweep_minutes < 60:
        return max(m for m in range(1, sweep_minutes + 1) if 60 % m == 0)
    hours = min(sweep_minutes, _DAY_MINUTES) // 60
    return 60 * max(h for h in range(1, hours + 1) if 24 % h == 0)


def sweep_trigger(sweep_minutes: int) -> CronTrigger:
    """Every `tick_minutes(sweep_minutes)` on the UTC clock, counted from midnight."""
    minutes = tick_minutes(sweep_minutes)
    if minutes < 60:
        return CronTrigger(minute=f"*/{minutes}", timezone=UTC)
    hours = minutes // 60
    # Once a day is hour 0: cron refuses a step of 24 in the 24 hours 0–23.
    return CronTrigger(hour=f"*/{hours}" if hours < 24 else 0, minute=0, timezone=UTC)


class Clock:
    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        client: AsyncWebClient | None = None,
        workspaces: Workspaces | None = None,
        now: object = utc_now,
    ) -> None:
        self.settings = settings
        self.db = db
        # The workspaces it speaks for, a client each: the deployment's (workspaces_for), or
        # those given (a single client speaks for its own team).
        given = workspaces or client
        self._owns_workspaces = given is None
        self.workspaces = as_workspaces(given) if given else workspaces_for(settings, db)
        self.now = now
        self.channels = ChannelInfo()
        # Votes whose events were lost: once a day, within half of each tick's interval.
        self.reconciler = Reconciler(
            db,
            self.workspaces,
            budget=timedelta(minutes=tick_minutes(settings.sweep_minutes) / 2),
        )
        # The sales managers' Monday digest, after the sweep (scheduler/managers.py).
        self.digests = MondayDigests(db, self.workspaces, default_tz=settings.default_tz)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.last: SweepReport | None = None
        self._lock_conn: AsyncConnection | None = None
        self._waiting: asyncio.Task[None] | None = None
        self._sweeping: asyncio.Task[object] | None = None
        self._stopping = False

    async def start(self) -> None:
        if not is_postgres(self.db.engine) or await self._take_lock():
            self._schedule()
            return
        log.info("another clock holds the sweep lock; waiting to take over (no sweeps here)")
        self._waiting = asyncio.create_task(self._wait_for_lock())

    def _schedule(self) -> None:
        asked = self.settings.sweep_minutes
        minutes = tick_minutes(asked)
        if minutes != asked:
            log.warning(
                "SWEEP_MINUTES=%d does not divide the hour (or the day): sweeping every %d min "
                "so that the sweeps fall on the clock",
                asked,
                minutes,
            )
        self.scheduler.add_job(
            self.tick,
            sweep_trigger(minutes),
            id=JOB_ID,
            replace_existing=True,
            # A sweep catches up on everything due today: running missed ones again is waste.
            coalesce=True,
            max_instances=1,
            misfire_grace_time=minutes * 60,
            next_run_time=datetime.now(UTC),  # sweep at start, then on the clock's ticks
        )
        self.scheduler.start()
        log.info("clock started: a sweep every %d min from 00:00 UTC, and one now", minutes)

    async def tick(self) -> SweepReport | None:
        self._sweeping = asyncio.current_task()
        try:
            return await self._tick()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # stop() cut the sweep short after its grace: what it claimed and did not post
            # stays retakeable in the sent-log. Ending quietly keeps APScheduler from logging
            # our own shutdown as a failed job.
            log.info("sweep cut short by shutdown; the next clock takes up what is left")
            return None
        finally:
            self._sweeping = None

    async def _tick(self) -> SweepReport | None:
        report = None
        try:
            report = self.last = await sweep(
                self.db,
                self.workspaces,
                self.now(),  # type: ignore[operator]
                nudge_hour=self.settings.nudge_hour,
                delivery=Delivery(self.db, channels=self.channels),
                keep_plan=False,  # memory holds one chunk of POCs, whatever their number
            )
        except Exception:
            # The next tick tries again; the sent-log keeps what was claimed retakeable.
            log.exception("sweep failed")
        await self._monday(report)
        # After the nudges, within the same stop grace: votes whose events were lost.
        await self.reconciler.tick(self.now())  # type: ignore[operator]
        await forget_old_requests(self.db, self.now())  # type: ignore[operator]
        return report

    async def _monday(self, report: SweepReport | None) -> None:
        """The managers' Monday digest, for the teams the sweep served. Never raises: the
        next tick tries again."""
        now = self.now()  # type: ignore[operator]
        if candidate_monday(now) is None:
            return  # most of the week: nothing to ask anyone
        try:
            teams = report.teams if report else await self.workspaces.teams()
            await self.digests.tick(now, teams=teams, nudge_hour=self.settings.nudge_hour)
        except Exception:
            log.exception("Monday digests failed; the next tick tries again")

    async def _take_lock(self) -> bool:
        """One attempt; a database that does not answer counts as "not yet"."""
        try:
            if self._lock_conn is None:
                self._lock_conn = await self.db.engine.connect()
            got = await locks.try_lock(self._lock_conn, locks.AdvisoryLock.sweep)
            # End the implicit transaction; a session-level lock outlives it.
            await self._lock_conn.commit()
            return got
        except Exception as e:
            log.warning("cannot ask for the sweep lock (will retry): %s", failure_reason(e))
            await self._drop_lock_conn()
            return False

    async def _wait_for_lock(self) -> None:
        while True:
            await asyncio.sleep(LOCK_POLL_S)
            if await self._take_lock():
                break
        log.info("sweep lock taken: this clock sweeps now")
        self._schedule()

    async def _drop_lock_conn(self) -> None:
        if self._lock_conn is not None:
            conn, self._lock_conn = self._lock_conn, None
            with suppress(Exception):
                await conn.invalidate()

    @property
    def sweeping(self) -> bool:
        return self.scheduler.running

    async def stop(self) -> None:
        self._stopping = True
        if self._waiting:
            self._waiting.cancel()
            with suppress(asyncio.CancelledError):
                await self._waiting
        if self.scheduler.running:
            self.scheduler.pause()  # no new sweep; shutting the scheduler down would cancel ours
        sweeping = self._sweeping
        if sweeping is not None and not sweeping.done():
            # Let a sweep under way post what it claimed; past the grace, what it claimed
            # and did not post stays in the sent-log for the next clock to retake.
            _, pending = await asyncio.wait({sweeping}, timeout=STOP_GRACE_S)
            for task in pending:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        # Ending the connection ends the session, and with it the lock (a connection merely
        # returned to the pool would keep holding it).
        await self._drop_lock_conn()
        if self._owns_workspaces:
            await close_workspaces(self.workspaces)


async def forget_old_requests(db: Database, now: datetime) -> int:
    """Drop replay keys older than Slack could replay (signatures last five minutes; kept a
    day): the table stays as small as a day of requests. Never raises: it is housekeeping."""
    try:
        async with db.transaction() as s:
            return await replays.forget_handled(session=s, before=now - replays.HANDLED_KEEP)
    except Exception:
        log.exception("forgetting old replay keys failed; the next tick tries again")
        return 0


async def run_clock(settings: Settings) -> None:
    settings.require_slack()
    db = await open_database(settings)
    clock = Clock(settings, db=db)
    stop = stop_event()
    await clock.start()
    try:
        await stop.wait()
    finally:
        await clock.stop()
        await db.dispose(stopping=True)
