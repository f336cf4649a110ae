"""What is due: the live POCs of the teams a sweep serves, what the rules say is due about
each now, minus what the sent-log says is handled today (`plan`); then where each nudge goes
(`place`). No Slack here: the sweep asks Slack what `place` needs and delivers the rest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import Nudge, Poc, Status
from bot.privacy import internal_targets
from bot.rules import DEFAULT_NUDGE_HOUR, due_nudges
from bot.rules.calendar import add_business_days
from bot.rules.policy import LOOKBACK_DAYS, Said, Way, decide
from storage import models as m
from storage import sentlog, snapshots
from storage.db import Database
from storage.sentlog import LogRow, NudgeStatus
from storage.snapshots import gc_paused
from storage.sql import table
from storage.workspace import load_workspaces

log = logging.getLogger(__name__)


@dataclass
class Due:
    """A POC and what is due about it now that has not reached every destination yet today."""

    poc: Poc
    #: due now and still to be posted somewhere
    nudges: list[Nudge]
    #: due but already sent (or refused) everywhere today, for the dry run's listing
    handled: list[Nudge] = field(default_factory=list)
    #: sent-log rows of `nudges` to try again (failed, or claimed by a sweep that died)
    retake: list[int] = field(default_factory=list)
    #: of `nudges`, those with no sent-log row yet today: `place` says where they go
    unplaced: list[Nudge] = field(default_factory=list)
    #: destinations that refuse this POC's nudges (its deal channel included, if it does)
    blocked: frozenset[str] = frozenset()
    #: unplaced nudge key -> its destinations (channel ids, or user ids for DMs)
    destinations: dict[str, list[str]] = field(default_factory=dict)
    #: unplaced nudge key -> which way the policy sends it, and the condition it is said under
    ways: dict[str, Way] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    #: due, but the policy keeps it back today (backed off, or the day's message is out)
    held: list[Nudge] = field(default_factory=list)
    #: destination -> local dates it got (or is getting) a message about this POC
    told: dict[str, set[date]] = field(default_factory=dict)
    #: (team, user) -> local dates the user got (or is getting) a digest: shared by all Dues
    digests: Mapping[tuple[str, str], set[date]] = field(default_factory=dict)

    def internal_way(self) -> bool:
        """Some unplaced nudge goes the internal way."""
        return any(self.ways.get(n.key) == Way.internal for n in self.unplaced)


async def plan(
    db: Database,
    now: datetime,
    *,
    teams: Collection[str],
    nudge_hour: int = DEFAULT_NUDGE_HOUR,
) -> list[Due]:
    """What is due now for these installations' POCs, minus what the sent-log has handled."""
    if now.tzinfo is None:
        raise ValueError("sweep needs an aware `now`")
    teams = sorted(teams)
    # Local dates run from UTC-12 to UTC+14: yesterday's UTC date covers every POC's today;
    # the policy looks further back, at what was said in the last weeks.
    since = (now - timedelta(days=LOOKBACK_DAYS + 1)).date()
    with gc_paused():
        async with db.session() as s:
            awake = await _awake_zones(s, teams, now, nudge_hour)
            if awake == []:
                return []  # night or weekend for every POC: nothing can be due
            also = [] if awake is None else [table(m.Poc).c.tz.in_(awake)]
            pocs = await snapshots.load_pocs(session=s, team_ids=teams, also=also)
            rows = await sentlog.sent_log(session=s, team_ids=teams, since=since)
            refusing = await sentlog.blocked_destinations(session=s, team_ids=teams)
        logged: defaultdict[tuple[int, str, date], list[LogRow]] = defaultdict(list)
        said: defaultdict[int, list[LogRow]] = defaultdict(list)
        digests: defaultdict[tuple[str, str], set[date]] = defaultdict(set)
        for row in rows:
            logged[(row.poc_id, row.key, row.local_date)].append(row)
            said[row.poc_id].append(row)
            if _counts(row, now) and is_user(row.destination):
                digests[(row.team_id, row.destination)].add(row.local_date)
        found: list[Due] = []
        for poc in pocs:
            due = due_nudges(poc, now, nudge_hour=nudge_hour)
            if due:
                blocked = frozenset(refusing.get(poc.id, ()))
                d = _due(poc, due, logged, blocked, now)
                _apply_policy(d, said.get(poc.id, []), now)
                d.digests = digests
                found.append(d)
    return found


async def _awake_zones(
    session: AsyncSession, teams: Sequence[str], now: datetime, nudge_hour: int
) -> list[str] | None:
    """The time zones of these teams' POCs where something may be due now: a weekday at or
    past the earliest nudge hour of the teams (`due_nudges` says nothing before it, nor on
    a weekend). None when that is every zone. A POC of a zone still asleep is not loaded:
    reading and building its snapshot is most of a sweep's cost, and across the world's
    time zones most sweeps of a day find most POCs before their nudge hour or in a weekend.
    """
    zones = await snapshots.live_zones(session=session, team_ids=teams)
    settings = await load_workspaces(session=session, team_ids=teams)
    hours = [w.nudge_hour for w in settings.values() if w.nudge_hour is not None]
    earliest = min([nudge_hour, *hours])
    awake = [z for z in zones if _awake(now, z, earliest)]
    return None if len(awake) == len(zones) else awake


def _awake(now: datetime, zone: str, hour: int) -> bool:
    try:
        local = now.astimezone(ZoneInfo(zone))
    except (ValueError, KeyError):  # a zone this Python does not know: load it, to be safe
        return True
    return local.weekday() < 5 and local.hour >= hour


def is_user(destination: str) -> bool:
    """chat.postMessage to a user id posts in the app's DM with that user."""
    return destination.startswith(("U", "W"))


def _counts(row: LogRow, now: datetime) -> bool:
    """Was this row said (sent), or is it being said (claimed, or failed and to be retried)?"""
    if row.status == NudgeStatus.sent:
        return True
    return (
        row.status in (NudgeStatus.claimed, NudgeStatus.failed)
        and row.local_date >= (now - timedelta(days=1)).date()
    )


def _apply_policy(d: Due, rows: Sequence[LogRow], now: datetime) -> None:
    """Of the nudges no destination has today, the policy keeps back what it would not say."""
    live = [r for r in rows if _counts(r, now)]
    for r in live:
        d.told.setdefault(r.destination, set()).add(r.local_date)
    if not d.unplaced:
        return
    said = [Said(r.key, r.local_date, r.destination, r.condition, r.in_thread) for r in live]
    today = d.unplaced[0].local_date
    decisions = {x.nudge.key: x for x in decide(d.poc, d.unplaced, said, today)}
    for n in list(d.unplaced):
        x = decisions.get(n.key)
        if x is None:
            d.unplaced.remove(n)
            d.nudges.remove(n)
            d.held.append(n)
        else:
            d.ways[n.key], d.conditions[n.key] = x.way, x.condition


def _due(
    poc: Poc,
    due: list[Nudge],
    logged: Mapping[tuple[int, str, date], list[LogRow]],
    blocked: frozenset[str],
    now: datetime,
) -> Due:
    """Sort one POC's due nudges by what the sent-log says of them today."""
    d = Due(poc, [], blocked=blocked)
    for n in due:
        # Rows that still count: sent anywhere, or not yet refused. A nudge whose rows were
        # all refused is placed again, around the refusing destinations.
        live = [
            r
            for r in logged.get((poc.id, n.key, n.local_date), ())
            if r.status == NudgeStatus.sent
            or (r.status != NudgeStatus.blocked and r.destination not in blocked)
        ]
        if live:
            again = [r.id for r in live if sentlog.retakeable(r, now)]
            if again:
                d.nudges.append(n)
                d.retake.extend(again)
            else:
                d.handled.append(n)
        elif not n.internal and not poc.quiet and poc.channel_id in blocked:
            d.handled.append(n)  # the deal channel refuses; its SE has been told
        else:
            d.nudges.append(n)
            d.unplaced.append(n)
    return d


def place(due: Sequence[Due], shared: Mapping[str, bool | None]) -> None:
    """Where each unplaced nudge goes: the deal channel, or the internal destinations
    (internal channel, the deal channel when nobody outside is in it, else the SE's and AE's
    DMs), around the destinations that refuse. `shared`: deal channel -> shared with another
    organisation (missing or None: unknown, so private). A deal channel in quiet mode (a
    workspace setting) gets no nudge: they all take the internal way, never the deal channel."""
    for d in due:
        poc = d.poc
        for n in d.unplaced:
            if d.ways.get(n.key, Way.internal) == Way.channel:
                d.destinations[n.key] = [poc.channel_id]
                continue
            targets = internal_targets(
                poc,
                shared=shared.get(poc.channel_id),
                # Quiet mode, or a paused POC: nothing in the deal channel, whoever can read it.
                deal_channel_allowed=not poc.quiet and poc.status != Status.paused,
                blocked=d.blocked,
            )
            if not targets:
                log.warning("POC %s: no destination may take internal nudge %s", poc.id, n.key)
            d.destinations[n.key] = [t for t in targets if not _spoken_for(d, t, n.local_date)]
        _hold_unplaced(d)


def _spoken_for(d: Due, destination: str, today: date) -> bool:
    """Has this internal destination had its message about the POC today, or (a digest)
    had its one DM today, or this POC in yesterday's? Then today's news waits."""
    told = d.told.get(destination, set())
    if today in told:
        return True
    if is_user(destination) and d.poc.workspace.digest:
        if today in d.digests.get((d.poc.team_id, destination), set()):
            return True
        # Each POC in a person's digest every other business day at most.
        return add_business_days(today, -1, holidays=d.poc.holidays) in told
    return False


def _hold_unplaced(d: Due) -> None:
    """A nudge every destination of which has spoken for today waits for the next day."""
    for n in list(d.unplaced):
        if d.destinations.get(n.key) == [] and d.ways.get(n.key) == Way.internal:
            d.unplaced.remove(n)
            d.nudges.remove(n)
            d.held.append(n)
            d.destinations.pop(n.key, None)
