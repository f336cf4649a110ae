"""The clock's daily pass over votes: every posted criterion of every live POC of its team,
reconciled with the reactions Slack shows (bot/votes.py), once a day. It covers a web process
that died before the database came back (bot/recovery.py keeps its retries in memory), and
reactions whose events never reached us at all.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recovery import Pace, slack_reads
from bot.tenancy import DEAD_TOKEN_ERRORS, Workspaces
from bot.votes import Outcome, Target, reconcile_message
from scheduler.tokens import as_workspaces, slack_error
from storage import verdicts
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    calls: int = 0  # reactions.get
    changed: int = 0  # criteria whose votes were brought in line
    gone: int = 0
    failed: int = 0
    left: int = 0  # still queued for the next tick


class Reconciler:
    """Once a day per team, every posted criterion of its live POCs, `reactions.get` by
    `reactions.get` at `PACE`, with the team's own client; each tick spends at most `budget`,
    the rest waits for the next tick (a sweep every 15 minutes, half of it at most: 375
    messages a tick). A team without a client, or whose token is dead, is passed over.
    """

    def __init__(
        self,
        db: Database,
        workspaces: Workspaces | AsyncWebClient,
        *,
        every: timedelta = timedelta(days=1),
        pace: float | None = None,
        budget: timedelta = timedelta(minutes=5),
    ) -> None:
        self.db = db
        self.workspaces = as_workspaces(workspaces)
        self.every = every
        self.pace = slack_reads(db) if pace is None else Pace(pace)
        self.budget = budget
        self.queue: deque[Target] = deque()
        self.last_pass: dict[str, datetime] = {}

    async def tick(self, now: datetime, *, fill: bool = True) -> ReconcileReport:
        """Start the day's pass if one is due, and work through the queue within the budget.
        `fill=False`: the passes are started by `start_pass` (several clocks on PostgreSQL,
        where the work table says whose turn it is), this works through the queue only.

        Never raises: a failure is logged and the rest waits for the next tick.
        """
        report = ReconcileReport()
        try:
            if fill:
                await self._fill(now)
            await self._drain(now, report)
        except Exception:
            log.exception("reconciling votes failed; the next tick goes on")
        report.left = len(self.queue)
        if report.calls:
            log.info(
                "reconciled votes: %d reactions.get, %d criteria changed, %d gone, %d left",
                report.calls,
                report.changed,
                report.gone,
                report.left,
            )
        return report

    async def _fill(self, now: datetime) -> None:
        """Queue the day's pass of each team whose last one is a day old (a query each)."""
        if self.queue:
            return
        for team_id in await self.workspaces.teams():
            last = self.last_pass.get(team_id)
            if last is not None and now - last < self.every:
                continue
            async with self.db.session() as s:
                found = await verdicts.criterion_messages(session=s, team_id=team_id)
            self.queue.extend(Target(team_id, channel, ts) for channel, ts in found)
            self.last_pass[team_id] = now

    async def start_pass(self, teams: Collection[str], now: datetime) -> None:
        """Queue the day's pass over these teams, behind what is left of earlier ones. Never
        raises: a pass that could not be read waits for the next day, as a failed tick's."""
        try:
            async with self.db.session() as s:
                for team_id in teams:
                    found = await verdicts.criterion_messages(session=s, team_id=team_id)
                    self.queue.extend(Target(team_id, channel, ts) for channel, ts in found)
                    self.last_pass[team_id] = now
        except Exception:
            log.exception("reading the criteria to reconcile failed; tomorrow's pass goes on")

    async def _drain(self, now: datetime, report: ReconcileReport) -> None:
        started = time.monotonic()
        clients = await self.workspaces.clients({t.team_id for t in self.queue})
        while self.queue and time.monotonic() - started < self.budget.total_seconds():
            target = self.queue[0]
            client = clients.get(target.team_id)
            if client is None:  # uninstalled since it was queued, or its token is dead
                self.queue.popleft()
                continue
            await self.pace.wait()
            try:
                outcome = await reconcile_message(self.db, client, target, now=now)
            except SlackApiError as e:
                report.calls += 1
                error = slack_error(e)
                if error == "ratelimited":
                    return  # the client waited out Retry-After already: resume next tick
                log.warning("reconciling %s failed: %s", target.ts, error)
                report.failed += 1
                self.queue.popleft()
                if error in DEAD_TOKEN_ERRORS:
                    clients.pop(target.team_id, None)  # not one more call with it
                continue
            self.queue.popleft()
            report.calls += outcome != Outcome.not_a_criterion
            report.changed += outcome == Outcome.changed
            report.gone += outcome == Outcome.gone
