"""The scheduler: a sweep every SWEEP_MINUTES, in `python -m bot clock` or inside `serve`.

The ticks fall on the UTC clock, not on multiples of the interval from whenever the process
started: with 15 minutes at :00, :15, :30 and :45, so a POC's 09:00 nudges go at 09:00, not at
09:07 (every timezone's offset is a multiple of 15 minutes, so every local 09:00 is a tick).
The clock also sweeps once as it starts.

APScheduler 3 keeps jobs in memory and cannot share them between processes; the database
shares the work instead. On PostgreSQL any number of clocks run (a rolling deploy, a clock
per dyno, one in `serve`): at each tick each claims partitions of the teams
(scheduler/partitions.py) until every partition is swept for that tick, so the clocks split
the teams between them, and a clock killed mid-sweep leaves its partition to the others
within seconds (its row lock ends with its connection). SQLite has one writer and runs one
clock, which sweeps every team itself. The split is for throughput and failover, not the
guarantee: the sent-log's unique claim is what stops a nudge from being posted twice, and the
managers' digests are claimed one by one (scheduler/managers.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import utc_now
from bot.privacy import ChannelInfo
from bot.rules import candidate_monday
from bot.startup import open_database, stop_event
from bot.tenancy import Workspaces
from scheduler.delivery import Delivery
from scheduler.managers import MondayDigests
from scheduler.partitions import Share, clock_name, take_share
from scheduler.reconcile import Reconciler
from scheduler.sweep import SweepReport, sweep
from scheduler.tokens import as_workspaces, close_workspaces, workspaces_for
from storage import partitions, replays
from storage.db import Database, is_postgres

log = logging.getLogger(__name__)

JOB_ID = "sweep"
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


def tick_of(now: datetime, minutes: int) -> datetime:
    """The tick `now` falls in: the last instant of the clock's trigger at or before it. The
    clocks name a tick by it, so two that sweep "the 10:15" agree whatever their start."""
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((now - midnight).total_seconds()) // 60
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)


def offset_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that reads `start` now and runs on from there (`clock --now`): a rehearsal
    of a given day, or a test's."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


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
        self.name = clock_name()
        self.last: SweepReport | None = None
        #: PostgreSQL: what this clock took of the last tick
        self.share: Share | None = None
        self._teams: dict[int, list[str]] = {}
        #: set as each tick ends, swept or failed: what a test or an embedding process awaits
        self.ticked = asyncio.Event()
        self._sweeping: asyncio.Task[object] | None = None
        self._stopping = False

    async def start(self) -> None:
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
        shared = (
            f"; the teams shared with any other clock on this database ({partitions.PARTITIONS}"
            f" partitions, this clock: {self.name})"
            if is_postgres(self.db.engine)
            else "; SQLite: this clock sweeps every team"
        )
        log.info(
            "clock started: a sweep every %d min from 00:00 UTC, and one now%s", minutes, shared
        )

    async def tick(self) -> SweepReport | None:
        self._sweeping = asyncio.current_task()
        try:
            if is_postgres(self.db.engine):
                await self._take_share()
                return self.last
            return await self._sweep_all()
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
            self.ticked.set()

    async def _sweep_all(self) -> SweepReport | None:
        """SQLite's one clock: every team, then the digests, the votes and the replay keys."""
        report = await self._sweep(None)
        await self._monday(report.teams if report else None)
        # After the nudges, within the same stop grace: votes whose events were lost.
        await self.reconciler.tick(self.now())  # type: ignore[operator]
        await forget_old_requests(self.db, self.now())  # type: ignore[operator]
        return report

    async def _take_share(self) -> None:
        """PostgreSQL: partitions of this tick's teams until every one is swept."""
        now: datetime = self.now()  # type: ignore[operator]
        minutes = tick_minutes(self.settings.sweep_minutes)
        tick = tick_of(now, minutes)
        try:
            # One list per tick: an installation added since is swept from the next.
            self._teams = partitions.split(await self.workspaces.teams())
            self.share = await take_share(
                self.db,
                tick,
                work=self._partition,
                now=self.now,  # type: ignore[arg-type]
                until=tick + timedelta(minutes=minutes),
                by=self.name,
            )
        except Exception:
            # The next tick tries again; what this one did not sweep is still unswept.
            log.exception("sweep failed")
        # The day's votes, as far as this tick's budget goes (queued by `_partition`).
        await self.reconciler.tick(self.now(), fill=False)  # type: ignore[operator]

    async def _partition(self, claimed: partitions.Claimed) -> bool:
        """One claimed partition: its teams' sweep and digests; its daily pass over votes if
        due (the row says when it was last started, by whichever clock); the replay keys
        with partition 0, so one clock a tick forgets them."""
        now: datetime = self.now()  # type: ignore[operator]
        teams = self._teams.get(claimed.partition, [])
        if claimed.partition == 0:
            await forget_old_requests(self.db, now)
        if not teams:
            return False
        await self._sweep(teams)
        await self._monday(teams)
        last = claimed.reconciled_at
        if last is not None and now - last < self.reconciler.every:
            return False
        await self.reconciler.start_pass(teams, now)
        return True

    async def _sweep(self, teams: list[str] | None) -> SweepReport | None:
        """One sweep of `teams` (None: every team the clock speaks for). Never raises: the
        next tick tries again, and the sent-log keeps what was claimed retakeable."""
        try:
            self.last = await sweep(
                self.db,
                self.workspaces,
                self.now(),  # type: ignore[operator]
                teams=teams,
                nudge_hour=self.settings.nudge_hour,
                delivery=Delivery(self.db, channels=self.channels),
                keep_plan=False,  # memory holds one chunk of POCs, whatever their number
            )
            return self.last
        except Exception:
            log.exception("sweep failed")
            return None

    async def _monday(self, teams: list[str] | None) -> None:
        """The managers' Monday digest, for the teams swept (None: every team served). Never
        raises: the next tick tries again."""
        now = self.now()  # type: ignore[operator]
        if candidate_monday(now) is None:
            return  # most of the week: nothing to ask anyone
        try:
            teams = teams or await self.workspaces.teams()
            await self.digests.tick(now, teams=teams, nudge_hour=self.settings.nudge_hour)
        except Exception:
            log.exception("Monday digests failed; the next tick tries again")

    @property
    def sweeping(self) -> bool:
        return self.scheduler.running

    async def stop(self) -> None:
        self._stopping = True
        if self.scheduler.running:
            self.scheduler.pause()  # no new sweep; shutting the scheduler down would cancel ours
        sweeping = self._sweeping
        if sweeping is not None and not sweeping.done():
            # Let a sweep under way post what it claimed; past the grace, what it claimed
            # and did not post stays in the sent-log for the next clock to retake, and the
            # partition it held is free again once its connection is closed.
            _, pending = await asyncio.wait({sweeping}, timeout=STOP_GRACE_S)
            for task in pending:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
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


async def run_clock(settings: Settings, *, now: datetime | None = None) -> None:
    """`python -m bot clock [--now …]`: ticks until SIGTERM or SIGINT."""
    settings.require_slack()
    db = await open_database(settings)
    clock = Clock(settings, db=db, now=offset_clock(now) if now else utc_now)
    stop = stop_event()
    await clock.start()
    try:
        await stop.wait()
    finally:
        await clock.stop()
        await db.dispose(stopping=True)
