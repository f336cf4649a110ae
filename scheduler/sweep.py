"""One sweep: load every live POC in bulk, ask governance what is due, claim it, deliver it.

`sweep(now)` is the whole job of the clock, and of `python -m bot sweep` for operators. It
reads in a fixed number of queries however many POCs there are, skips what the sent-log says
is already handled today, and claims the rest in bulk before delivery posts anything.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.domain import Nudge, Poc
from bot.governance import DEFAULT_NUDGE_HOUR, due_nudges
from bot.privacy import ChannelInfo
from scheduler.delivery import Delivery, DeliveryReport
from storage import repo
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Due:
    """A POC and what is due about it now that nobody has handled yet today."""

    poc: Poc
    nudges: list[Nudge]
    #: nudges due but already sent (or blocked) today, for the dry run's listing
    handled: list[Nudge] = field(default_factory=list)


@dataclass
class SweepReport:
    at: datetime
    pocs: int = 0
    due: int = 0
    claimed: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0
    plan: list[Due] = field(default_factory=list)

    def summary(self) -> str:
        d = self.delivery
        return (
            f"sweep at {self.at.isoformat()}: {self.pocs} POCs, {self.due} nudges due, "
            f"{self.claimed} claimed, {d.sent} sent in {d.messages} messages, {d.failed} failed, "
            f"{d.blocked} blocked, {self.seconds * 1000:.0f} ms"
        )


async def plan(db: Database, now: datetime, *, nudge_hour: int = DEFAULT_NUDGE_HOUR) -> list[Due]:
    """What is due now across every installation, minus what the sent-log has handled."""
    if now.tzinfo is None:
        raise ValueError("sweep needs an aware `now`")
    # Local dates run from UTC-12 to UTC+14: yesterday's UTC date covers every POC's today.
    since = (now - timedelta(days=1)).date()
    with gc_paused():
        async with db.session() as s:
            pocs = await repo.load_pocs(s, team_id=None, unblocked_only=True)
            handled, _ = await repo.handled_nudges(s, since=since, now=now)
        found: list[Due] = []
        for poc in pocs:
            due = due_nudges(poc, now, nudge_hour=nudge_hour)
            if not due:
                continue
            fresh = [n for n in due if (poc.id, n.key, n.local_date) not in handled]
            found.append(Due(poc, fresh, [n for n in due if n not in fresh]))
    return found


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a sweep builds its snapshots.

    Loading 10,000 POCs allocates ~400,000 objects, none of them garbage yet; each collection
    walks them all again. Measured: plan for 10,000 POCs 4.0 s with the collector, 2.6 s
    without. Reference counting still frees everything; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def sweep(
    db: Database,
    client: AsyncWebClient | None,
    now: datetime,
    *,
    nudge_hour: int = DEFAULT_NUDGE_HOUR,
    channels: ChannelInfo | None = None,
    delivery: Delivery | None = None,
    dry_run: bool = False,
) -> SweepReport:
    """One pass at `now`. With `dry_run` nothing is claimed or sent (client may be None)."""
    started = time.perf_counter()
    report = SweepReport(at=now)
    due = await plan(db, now, nudge_hour=nudge_hour)
    report.plan = due
    report.pocs = await _count_live(db)
    report.due = sum(len(d.nudges) for d in due)
    if not dry_run and report.due:
        assert client is not None or delivery is not None
        claims = await _claim(db, due, now)
        report.claimed = len(claims)
        delivery = delivery or Delivery(client, db, channels=channels or ChannelInfo())  # type: ignore[arg-type]
        report.delivery = await delivery.deliver(due, claims, now)
    report.seconds = time.perf_counter() - started
    log.info(report.summary())
    return report


async def _count_live(db: Database) -> int:
    async with db.session() as s:
        return await repo.count_live_pocs(s)


async def _claim(db: Database, due: Sequence[Due], now: datetime) -> list[repo.Claim]:
    since = (now - timedelta(days=1)).date()
    async with db.transaction() as s:
        # Read again inside the claiming transaction: another sweep may have been faster.
        _, retakeable = await repo.handled_nudges(s, since=since, now=now)
        wanted = []
        retake = []
        for d in due:
            for n in d.nudges:
                k = (d.poc.id, n.key, n.local_date)
                if k in retakeable:
                    retake.append(retakeable[k])
                else:
                    wanted.append(
                        (d.poc.team_id, d.poc.id, n.key, n.kind.value, n.local_date, None)
                    )
        return await repo.claim_nudges(s, wanted=wanted, retake=retake, now=now)


async def run_sweep(settings: Settings, *, now: datetime | None, dry_run: bool) -> int:
    """`python -m bot sweep [--now …] [--dry-run]`: one sweep, printed for an operator."""
    from bot.app import close_client, utc_now, web_client
    from bot.runtime import open_database

    at = now or utc_now()
    if not dry_run:
        settings.require_slack()
    db = await open_database(settings)
    client = None if dry_run else web_client(settings, retry_server_errors=False)
    try:
        report = await sweep(db, client, at, nudge_hour=settings.nudge_hour, dry_run=dry_run)
    finally:
        if client is not None:
            await close_client(client)
        await db.dispose()
    print(describe(report, dry_run=dry_run))
    return 0 if dry_run or not report.delivery.failed else 1


def describe(report: SweepReport, *, dry_run: bool) -> str:
    """What is due, POC by POC: the operator's view of a sweep."""
    lines = [
        f"{'Dry run' if dry_run else 'Sweep'} at {report.at.isoformat()}: "
        f"{report.pocs} live POCs, {report.due} nudges due"
        + ("" if dry_run else f", {report.delivery.sent} sent, {report.delivery.failed} failed")
    ]
    for d in report.plan:
        lines.append(f"\nPOC {d.poc.id} {d.poc.prospect} in {d.poc.channel_id} ({d.poc.tz})")
        for n in d.nudges:
            where = "internal" if n.internal else "deal channel"
            lines.append(f"  • {n.kind.value:<16} {where:<12} {n.text}")
        for n in d.handled:
            lines.append(f"  ✓ {n.kind.value:<16} already sent on {n.local_date}")
    if not report.plan:
        lines.append("Nothing is due.")
    return "\n".join(lines)
