"""What the clock changes in a POC's life before it plans the day's nudges: the go/no-go
verdict frozen once kickoff has come, and a POC nobody has touched for long past its end
closed as no decision — only after its warning, on the day the warning named.

Both read only the few POCs concerned (a query each), not every POC again: the sweep's own
load of every open POC stays the one big read.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.closing import announce_close
from bot.domain import Poc, Status
from bot.privacy import ChannelInfo
from bot.rules import (
    AUTO_CLOSE_BUSINESS_DAYS,
    DEFAULT_NUDGE_HOUR,
    auto_close_due,
    kicked_off,
    last_activity,
    qualify,
)
from bot.views.text import day
from scheduler.tokens import TeamClients, TeamStopped
from storage import lifecycle, snapshots
from storage.db import Database
from storage.snapshots import gc_paused

log = logging.getLogger(__name__)

#: A POC AUTO_CLOSE_BUSINESS_DAYS past its end ended at least this long ago (five business
#: days a week, one day more for any time zone): older ones are the candidates.
_CANDIDATES_ENDED = timedelta(days=AUTO_CLOSE_BUSINESS_DAYS * 7 // 5 - 1)


#: POCs read per query when many are concerned at once.
_CHUNK = 5000


@dataclass
class LifeReport:
    frozen: int = 0  # kickoff verdicts frozen
    closed: list[Poc] = field(default_factory=list)  # closed as no decision (or that would be)


async def settle(
    db: Database,
    clients: TeamClients | None,
    now: datetime,
    *,
    teams: Sequence[str],
    nudge_hour: int = DEFAULT_NUDGE_HOUR,
    channels: ChannelInfo | None = None,
    dry_run: bool = False,
) -> LifeReport:
    """Freeze the kickoff verdicts that are due and close the abandoned POCs (`dry_run`:
    only say which would be closed), each announced with its team's client. A team whose
    token turns out dead keeps its POCs open: closing unannounced would lose the word."""
    report = LifeReport()
    if not dry_run:
        report.frozen = await freeze_verdicts(db, now, teams=teams)
    async with db.session() as s:
        ids = await lifecycle.ended_before(
            session=s, team_ids=teams, day=(now - _CANDIDATES_ENDED).date()
        )
    for poc in [p async for p in _load(db, teams, ids)]:
        if not auto_close_due(poc, now, nudge_hour=nudge_hour):
            continue
        if clients is not None and poc.team_id not in clients:
            continue  # stopped (dead token): closed by a sweep that can say so
        if dry_run or await _close(db, poc, now):
            report.closed.append(poc)
            if not dry_run and clients is not None:
                await _announce(db, clients, poc, now, channels or ChannelInfo())
    return report


async def freeze_verdicts(db: Database, now: datetime, *, teams: Sequence[str]) -> int:
    """The go/no-go of each POC whose kickoff has come, kept for good (win rates by verdict)."""
    async with db.session() as s:
        ids = await lifecycle.unfrozen_kickoffs(
            session=s, team_ids=teams, by=(now + timedelta(days=1)).date()
        )
    verdicts = {
        p.id: qualify(p).verdict.value async for p in _load(db, teams, ids) if kicked_off(p, now)
    }
    if not verdicts:
        return 0
    async with db.transaction() as s:
        return await lifecycle.freeze_kickoff_verdicts(
            session=s, team_ids=teams, verdicts=verdicts, now=now
        )


async def _load(db: Database, teams: Sequence[str], ids: Sequence[int]) -> AsyncIterator[Poc]:
    """These POCs, a chunk at a time: SQLite takes at most 32,766 parameters a statement, and
    the first sweep after this came in reads every POC already kicked off."""
    for start in range(0, len(ids), _CHUNK):
        async with db.session() as s:
            with gc_paused():  # many snapshots at once (see scheduler/due.py)
                chunk = await snapshots.load_pocs(
                    session=s, team_ids=teams, poc_ids=ids[start : start + _CHUNK]
                )
        for poc in chunk:
            yield poc


async def _close(db: Database, poc: Poc, now: datetime) -> bool:
    """Close as no decision, by the bot; False if someone closed or paused it meanwhile."""
    note = f"no activity since {day(last_activity(poc))}"
    async with db.transaction() as s:
        return await lifecycle.close(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            outcome=Status.no_decision,
            by=None,
            note=note,
            verdict=qualify(poc).verdict.value,
            now=now,
        )


async def _announce(
    db: Database, clients: TeamClients, poc: Poc, now: datetime, channels: ChannelInfo
) -> None:
    async with db.session() as s:
        closed = await snapshots.load_poc(session=s, team_id=poc.team_id, poc_id=poc.id)
    note = f"no activity since {day(last_activity(poc))}"
    log.info("POC %s closed as no decision: %s", poc.id, note)
    try:
        async with clients.speaking(poc.team_id) as client:
            await announce_close(
                client,
                closed or poc,
                Status.no_decision,
                by=None,
                note=note,
                now=now,
                channels=channels,
                db=db,
            )
    except TeamStopped as e:
        log.warning("POC %s closed, not announced: team %s stopped (%s)", poc.id, e.team, e.error)
