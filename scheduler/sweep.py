"""One sweep: the live POCs of the teams it serves, a chunk of teams at a time; for each
chunk, what changes in the POCs' lives, what is due, claimed per destination, delivered.

`sweep(now)` is the whole job of the clock, and of `python -m bot sweep` for operators. Its
teams are grouped into chunks of about CHUNK_POCS live POCs (a team is never split), and each
chunk is settled, planned, claimed and delivered before the next is read: memory holds one
chunk, whatever the number of teams. Each chunk reads in a fixed number of queries however
many POCs it holds, skips what the sent-log says is already handled today, and claims the
rest in bulk, one row per nudge and destination, before delivery posts anything.

A sweep serves the teams its `Workspaces` has a client for (bot/tenancy.py), each with its
own token: it never reads, claims or posts anything of a team without one. A team whose token
Slack calls dead is stopped for the rest of the sweep (scheduler/tokens.py); the others go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import utc_now
from bot.exposed import channels_exposed
from bot.privacy import ChannelInfo
from bot.rules import DEFAULT_NUDGE_HOUR
from bot.startup import open_database
from bot.tenancy import Workspaces
from bot.text import plural
from scheduler.delivery import CONCURRENCY, Delivery, DeliveryReport
from scheduler.due import Due, place, plan
from scheduler.lifecycle import LifeReport, settle
from scheduler.tokens import (
    TeamClients,
    TeamStopped,
    as_workspaces,
    close_workspaces,
    workspaces_for,
)
from storage import lifecycle, sentlog, snapshots
from storage.db import Database

log = logging.getLogger(__name__)

#: Live POCs a sweep chunk holds (about: a team is never split). 2,000 POCs' snapshots take
#: ~50 MB and plan in ~0.3 s; the queries per chunk are the same whatever its size.
CHUNK_POCS = 2000


@dataclass
class SweepReport:
    at: datetime
    teams: list[str] = field(default_factory=list)
    pocs: int = 0
    due: int = 0
    claimed: int = 0
    chunks: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0
    planning: float = 0.0  # of which loading the POCs and asking the rules (`plan`)
    #: what was due, POC by POC (kept only when asked: the operator's view, tests)
    plan: list[Due] = field(default_factory=list)
    life: LifeReport = field(default_factory=LifeReport)

    def summary(self) -> str:
        d = self.delivery
        stopped = (
            f", teams stopped (dead token): {', '.join(sorted(d.teams_stopped))}"
            if d.teams_stopped
            else ""
        )
        # A few teams by name (one-workspace deployments: the one), thousands by number.
        served = ", ".join(self.teams) if len(self.teams) <= 3 else f"{len(self.teams)} teams"
        return (
            f"sweep at {self.at.isoformat()} for {served or 'no team'}: {self.pocs} POCs in "
            f"{plural(self.chunks, 'chunk')}, {self.due} nudges due, {self.claimed} claimed, "
            f"{d.sent} sent in {d.messages} messages ({d.found} found already posted), "
            f"{d.failed} failed, {d.blocked} blocked{stopped}, {self.seconds * 1000:.0f} ms "
            f"({self.planning * 1000:.0f} ms planning)"
        )


async def sharing(
    clients: TeamClients, due: Sequence[Due], cache: ChannelInfo
) -> dict[str, bool | None]:
    """Ask Slack who can read the channels internal nudges would go to: the deal channels
    where that decides their destination, and the internal channels (bot/privacy.py: shared,
    or a guest or another team's member in it; cached; a few at a time), each team with its
    own client."""
    asked = {
        (d.poc.team_id, d.poc.channel_id)
        for d in due
        if d.internal_way()
        and not d.poc.quiet
        and not d.poc.internal_channel_id
        and d.poc.channel_id not in d.blocked
    } | {
        (d.poc.team_id, d.poc.internal_channel_id)
        for d in due
        if d.internal_way()
        and d.poc.internal_channel_id
        and d.poc.internal_channel_id not in d.blocked
    }
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(team: str, channel: str) -> tuple[str, bool | None]:
        async with gate:
            try:
                async with clients.speaking(team) as client:
                    return channel, await cache.prospect_readable(client, channel)
            except TeamStopped:
                return channel, None  # nothing goes to this team now anyway
            except SlackApiError as e:  # Slack will not tell: private (bot/privacy.is_shared)
                log.warning("who can read %s? %s", channel, e.response.get("error"))
                return channel, None
            except (aiohttp.ClientError, TimeoutError) as e:  # unknown, so private
                log.warning("conversations.info %s failed: %r", channel, e)
                return channel, None

    return dict(await asyncio.gather(*(one(t, c) for t, c in sorted(asked))))


async def team_of(client: AsyncWebClient) -> str:
    """The installation a token belongs to (auth.test): the team a single-token sweep serves."""
    return str((await client.auth_test())["team_id"])


def chunks(teams: Sequence[str], live: Mapping[str, int], size: int) -> Iterator[list[str]]:
    """The teams with live POCs, in order, grouped until a group holds about `size` of them;
    a team bigger than `size` is a chunk of its own."""
    chunk: list[str] = []
    held = 0
    for team in teams:
        n = live.get(team, 0)
        if not n:
            continue  # nothing open: nothing to settle, plan or say
        if chunk and held + n > size:
            yield chunk
            chunk, held = [], 0
        chunk.append(team)
        held += n
    if chunk:
        yield chunk


async def sweep(
    db: Database,
    workspaces: Workspaces | AsyncWebClient | None,
    now: datetime,
    *,
    teams: Collection[str] | None = None,
    nudge_hour: int = DEFAULT_NUDGE_HOUR,
    channels: ChannelInfo | None = None,
    delivery: Delivery | None = None,
    dry_run: bool = False,
    chunk_pocs: int = CHUNK_POCS,
    keep_plan: bool = True,
) -> SweepReport:
    """One pass at `now` for `teams` (default: every team `workspaces` speaks for), each
    team with its own client; a team without one is skipped. A single client speaks for its
    own team (auth.test).

    With `dry_run` nothing is claimed or sent (`workspaces` may then be None, given `teams`:
    every team given is read). `keep_plan=False` keeps no chunk's plan in the report (the
    clock's sweeps: memory holds one chunk).
    """
    started = time.perf_counter()
    speaker = as_workspaces(workspaces) if workspaces is not None else None
    if teams is None:
        if speaker is None:
            raise ValueError("a sweep serves the teams whose tokens it holds: pass teams")
        teams = await speaker.teams()
    report = SweepReport(at=now, teams=sorted(teams))
    delivery = delivery or Delivery(db, channels=channels or ChannelInfo())
    async with db.session() as s:
        live = await snapshots.live_pocs_by_team(session=s)
    for chunk in chunks(report.teams, live, chunk_pocs):
        clients = TeamClients(await speaker.clients(chunk) if speaker is not None else {})
        served = chunk if speaker is None else clients.serving(chunk)
        if not served:
            continue  # uninstalled: nothing read, claimed or posted
        report.chunks += 1
        report.pocs += sum(live[t] for t in served)
        await _sweep_chunk(
            db, clients, served, report, delivery, nudge_hour, dry_run=dry_run, keep=keep_plan
        )
        report.delivery.teams_stopped.update(clients.stopped)
    report.seconds = time.perf_counter() - started
    log.info(report.summary())
    return report


async def _sweep_chunk(
    db: Database,
    clients: TeamClients,
    teams: list[str],
    report: SweepReport,
    delivery: Delivery,
    nudge_hour: int,
    *,
    dry_run: bool,
    keep: bool,
) -> None:
    """Settle, plan, claim and deliver one chunk of teams; what is read is dropped after."""
    now = report.at
    # First what changes in the POCs' lives (a verdict frozen at kickoff, an abandoned POC
    # closed): a POC closed now is not planned below.
    life = await settle(
        db,
        None if dry_run else clients,
        now,
        teams=teams,
        nudge_hour=nudge_hour,
        channels=delivery.channels,
        dry_run=dry_run,
    )
    report.life.frozen += life.frozen
    report.life.closed.extend(life.closed)
    if not dry_run:
        teams = clients.serving(teams)  # a token found dead while settling
    planned = time.perf_counter()
    due = await plan(db, now, teams=teams, nudge_hour=nudge_hour)
    report.planning += time.perf_counter() - planned
    if keep:
        report.plan.extend(due)
    report.due += sum(len(d.nudges) for d in due)
    if dry_run or not any(d.nudges for d in due):
        return
    readable = await sharing(clients, due, delivery.channels)
    due = [d for d in due if d.poc.team_id in clients]  # a token found dead since
    await route_around_readers(clients, db, due, readable, now)
    place(due, readable)
    claims = await _claim(db, due, now)
    report.claimed += len(claims)
    report.delivery.add(await delivery.deliver(due, claims, now, clients))


async def route_around_readers(
    clients: TeamClients,
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
            async with clients.speaking(team_id) as client:
                await channels_exposed(client, db, team_id=team_id, channel_ids=channels, now=now)
        except TeamStopped:
            pass  # nothing goes to this team now; the next sweep finds them again
        except Exception:
            # Today's nudges are routed around them already; the next sweep tries again.
            log.exception("retiring readable channels %s failed", sorted(channels))


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

    It serves the workspaces the deployment speaks for (scheduler/tokens.workspaces_for). A
    dry run without a token lists every team's POCs: it sends nothing, so there is no token
    to scope it by.
    """
    at = now or utc_now()
    if not dry_run:
        settings.require_slack()
    db = await open_database(settings)
    speaks = settings.slack_bot_token or settings.oauth
    workspaces = workspaces_for(settings, db) if speaks else None
    try:
        teams = None
        if workspaces is None:
            async with db.session() as s:
                teams = await snapshots.team_ids(session=s)
        report = await sweep(
            db, workspaces, at, teams=teams, nudge_hour=settings.nudge_hour, dry_run=dry_run
        )
    finally:
        if workspaces is not None:
            await close_workspaces(workspaces)
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
