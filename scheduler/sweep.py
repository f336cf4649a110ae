"""One sweep: load the live POCs of the teams it serves, ask the rules what is due, claim it
per destination, deliver it.

`sweep(now)` is the whole job of the clock, and of `python -m bot sweep` for operators. It
reads in a fixed number of queries however many POCs there are, skips what the sent-log says
is already handled today, and claims the rest in bulk, one row per nudge and destination,
before delivery posts anything.

A sweep serves the installations whose tokens it holds: in single-token mode, the token's own
team (auth.test). It never reads, claims or posts another team's POCs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, utc_now, web_client
from bot.exposed import channels_exposed
from bot.privacy import ChannelInfo, is_shared
from bot.rules import DEFAULT_NUDGE_HOUR
from bot.startup import open_database
from scheduler.delivery import CONCURRENCY, Delivery, DeliveryReport
from scheduler.due import Due, place, plan
from scheduler.lifecycle import LifeReport, settle
from storage import lifecycle, sentlog, snapshots
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    at: datetime
    teams: list[str] = field(default_factory=list)
    pocs: int = 0
    due: int = 0
    claimed: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0
    plan: list[Due] = field(default_factory=list)
    life: LifeReport = field(default_factory=LifeReport)

    def summary(self) -> str:
        d = self.delivery
        return (
            f"sweep at {self.at.isoformat()} for {', '.join(self.teams)}: {self.pocs} POCs, "
            f"{self.due} nudges due, {self.claimed} claimed, {d.sent} sent in {d.messages} "
            f"messages ({d.found} found already posted), {d.failed} failed, {d.blocked} blocked, "
            f"{self.seconds * 1000:.0f} ms"
        )


async def sharing(
    client: AsyncWebClient, due: Sequence[Due], cache: ChannelInfo
) -> dict[str, bool | None]:
    """Ask Slack who can read the channels internal nudges would go to: the deal channels
    where that decides their destination, and the internal channels (bot/privacy.py: shared,
    or a guest or another team's member in it; cached; a few at a time)."""
    asked = {
        d.poc.channel_id
        for d in due
        if d.internal_way()
        and not d.poc.quiet
        and not d.poc.internal_channel_id
        and d.poc.channel_id not in d.blocked
    } | {
        d.poc.internal_channel_id
        for d in due
        if d.internal_way()
        and d.poc.internal_channel_id
        and d.poc.internal_channel_id not in d.blocked
    }
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(channel: str) -> tuple[str, bool | None]:
        async with gate:
            try:
                return channel, await is_shared(client, channel, cache)
            except (aiohttp.ClientError, TimeoutError) as e:  # unknown, so private
                log.warning("conversations.info %s failed: %r", channel, e)
                return channel, None

    return dict(await asyncio.gather(*(one(c) for c in sorted(asked))))


async def team_of(client: AsyncWebClient) -> str:
    """The installation a token belongs to (auth.test): the team a single-token sweep serves."""
    return str((await client.auth_test())["team_id"])


async def sweep(
    db: Database,
    client: AsyncWebClient | None,
    now: datetime,
    *,
    teams: Collection[str] | None = None,
    nudge_hour: int = DEFAULT_NUDGE_HOUR,
    channels: ChannelInfo | None = None,
    delivery: Delivery | None = None,
    dry_run: bool = False,
) -> SweepReport:
    """One pass at `now` for `teams` (default: the client's own team, from auth.test).

    With `dry_run` nothing is claimed or sent (client may then be None, given `teams`).
    """
    started = time.perf_counter()
    client = client or (delivery.client if delivery else None)
    if teams is None:
        if client is None:
            raise ValueError("a sweep serves the teams whose tokens it holds: pass teams")
        teams = [await team_of(client)]
    teams = sorted(teams)
    report = SweepReport(at=now, teams=teams)
    # First what changes in the POCs' lives (a verdict frozen at kickoff, an abandoned POC
    # closed): a POC closed now is not planned below.
    report.life = await settle(
        db,
        client,
        now,
        teams=teams,
        nudge_hour=nudge_hour,
        channels=channels or (delivery.channels if delivery else None),
        dry_run=dry_run,
    )
    due = await plan(db, now, teams=teams, nudge_hour=nudge_hour)
    report.plan = due
    report.pocs = await _count_live(db, teams)
    report.due = sum(len(d.nudges) for d in due)
    if not dry_run and report.due:
        assert client is not None
        delivery = delivery or Delivery(client, db, channels=channels or ChannelInfo())
        readable = await sharing(client, due, delivery.channels)
        await route_around_readers(client, db, due, readable, now)
        place(due, readable)
        claims = await _claim(db, due, now)
        report.claimed = len(claims)
        report.delivery = await delivery.deliver(due, claims, now)
    report.seconds = time.perf_counter() - started
    log.info(report.summary())
    return report


async def route_around_readers(
    client: AsyncWebClient,
    db: Database,
    due: Sequence[Due],
    readable: Mapping[str, bool | None],
    now: datetime,
) -> None:
    """An internal channel the prospect can read (or not known not to) takes nothing today:
    its nudges go by DM. One found readable is retired for good and our internal messages in
    it deleted, as are those in deal channels found readable (bot/exposed.py)."""
    exposed: dict[str, set[str]] = defaultdict(set)
    for d in due:
        for channel in (d.poc.internal_channel_id, d.poc.channel_id):
            if channel and readable.get(channel):
                exposed[d.poc.team_id].add(channel)
        internal = d.poc.internal_channel_id
        if internal and internal in readable and readable[internal] is not False:
            d.blocked = d.blocked | {internal}
    for team_id, channels in sorted(exposed.items()):
        try:
            await channels_exposed(client, db, team_id=team_id, channel_ids=channels, now=now)
        except Exception:
            # Today's nudges are routed around them already; the next sweep tries again.
            log.exception("retiring readable channels %s failed", sorted(channels))


async def _count_live(db: Database, teams: Sequence[str]) -> int:
    async with db.session() as s:
        return await snapshots.count_live_pocs(session=s, team_ids=teams)


async def _claim(db: Database, due: Sequence[Due], now: datetime) -> list[sentlog.Claim]:
    """One row per placed nudge and destination, and the rows to try again, in bulk.

    Nothing is read first but the POCs' status: the unique key and the retake's own condition
    decide, so a sweep that was faster keeps what it claimed. A POC closed or paused since it
    was planned (a `/poc close` during the sweep) is not claimed: what was due is not any more.
    """
    if due:
        async with db.session() as s:
            teams = sorted({d.poc.team_id for d in due})
            now_in = await lifecycle.open_statuses(session=s, team_ids=teams)
        due = [d for d in due if now_in.get(d.poc.id) == d.poc.status]
    wanted = [
        sentlog.NewClaim(
            d.poc.team_id,
            d.poc.id,
            n.key,
            n.kind.value,
            n.local_date,
            destination,
            condition=d.conditions.get(n.key, ""),
        )
        for d in due
        for n in d.unplaced
        for destination in d.destinations.get(n.key, ())
    ]
    retake = [row_id for d in due for row_id in d.retake]
    async with db.transaction() as s:
        return await sentlog.claim_nudges(session=s, wanted=wanted, retake=retake, now=now)


async def run_sweep(settings: Settings, *, now: datetime | None, dry_run: bool) -> int:
    """`python -m bot sweep [--now …] [--dry-run]`: one sweep, printed for an operator.

    It serves the token's team. A dry run without a token lists every team's POCs: it sends
    nothing, so there is no token to scope it by.
    """
    at = now or utc_now()
    if not dry_run:
        settings.require_slack()
    db = await open_database(settings)
    # 5xx are not retried by the client: re-posting is the sent-log's decision.
    client = web_client(settings, retry_server_errors=False) if settings.slack_bot_token else None
    try:
        teams = None
        if client is None:
            async with db.session() as s:
                teams = await snapshots.team_ids(session=s)
        report = await sweep(
            db, client, at, teams=teams, nudge_hour=settings.nudge_hour, dry_run=dry_run
        )
    finally:
        if client is not None:
            await close_client(client)
        await db.dispose()
    print(describe(report, dry_run=dry_run))
    return 0 if dry_run or not report.delivery.failed else 1


def describe(report: SweepReport, *, dry_run: bool) -> str:
    """What is due, POC by POC: the operator's view of a sweep."""
    d = report.delivery
    lines = [
        f"{'Dry run' if dry_run else 'Sweep'} at {report.at.isoformat()} for "
        f"{', '.join(report.teams) or 'no team'}: {report.pocs} live POCs, {report.due} nudges due"
        + (
            ""
            if dry_run
            else f", {d.sent} sent in {d.messages} messages ({d.found} found already posted), "
            f"{d.failed} failed, {d.blocked} refused"
        )
    ]
    for poc in report.life.closed:
        lines.append(
            f"\nPOC {poc.id} {poc.prospect} in {poc.channel_id}: "
            + ("would be closed" if dry_run else "closed")
            + " as no decision (no activity since its warning)"
        )
    for due in report.plan:
        poc = due.poc
        lines.append(f"\nPOC {poc.id} {poc.prospect} in {poc.channel_id} ({poc.tz})")
        for n in due.nudges:
            where = ", ".join(due.destinations.get(n.key, ())) or (
                "internal" if n.internal else "deal channel"
            )
            lines.append(f"  • {n.kind.value:<16} {where:<12} {n.text}")
        for n in due.handled:
            lines.append(f"  ✓ {n.kind.value:<16} already handled on {n.local_date}")
        for n in due.held:
            lines.append(
                f"  · {n.kind.value:<16} kept back today (said lately, or the day's message is out)"
            )
    if not report.plan and not report.life.closed:
        lines.append("Nothing is due.")
    return "\n".join(lines)
