"""The web process's retry: messages whose votes it could not store (the database did not
answer), reconciled with Slack as soon as the database is back; and the pace every
`reactions.get` of this process keeps.

Reconciling one message costs one `reactions.get` (scope reactions:read, Tier 3: about 50 a
minute per workspace); this retry and the clock's daily pass (scheduler/reconcile.py) share
one `Pace` per database, so together they stay within Slack's limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable, Sequence
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.votes import Target, reconcile_message
from storage.db import Database

log = logging.getLogger(__name__)

#: Seconds between two reactions.get calls: Slack's Tier 3 allows about 50 a minute.
PACE = 60 / 50
#: When the web process tries a vote it could not store again (seconds after the last try):
#: about 19 minutes in all, then the clock's daily pass is left to recover it.
RETRY_DELAYS = (1, 2, 5, 10, 30, 60, 120, 300, 600)


class Pace:
    """At most one call per `interval` seconds, across everything that shares it."""

    def __init__(self, interval: float = PACE) -> None:
        self.interval = interval
        self._last: float | None = None
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            if self._last is not None:
                wait = self._last + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            self._last = time.monotonic()


_PACES: weakref.WeakKeyDictionary[Database, Pace] = weakref.WeakKeyDictionary()


def slack_reads(db: Database) -> Pace:
    """One pace for every reactions.get this process makes for `db`'s workspace(s): the web
    process's retries and an in-process clock share Slack's 50 a minute, not twice that."""
    found = _PACES.get(db)
    if found is None:
        found = _PACES[db] = Pace()
    return found


# ---------------------------------------------------------------- the web process's retry


class VoteRecovery:
    """Messages whose votes this process could not store, reconciled once the database is back.

    In memory on purpose: when the database is down there is nowhere durable to write, and
    the clock's daily pass recovers whatever a process forgets (a restart, a long outage).
    """

    def __init__(
        self, db: Database, *, delays: Sequence[float] = RETRY_DELAYS, pace: Pace | None = None
    ) -> None:
        self.db = db
        self.delays = delays
        self.pace = pace or slack_reads(db)
        self.pending: dict[Target, tuple[AsyncWebClient, Callable[[], datetime]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._fresh = False

    def remember(
        self, target: Target, *, client: AsyncWebClient, clock: Callable[[], datetime]
    ) -> None:
        self.pending[target] = (client, clock)
        self._fresh = True  # a new failure gets the whole schedule, however late the old one is
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._retry())

    async def _retry(self) -> None:
        attempt = 0
        while attempt < len(self.delays):
            if self._fresh:
                attempt, self._fresh = 0, False
            await asyncio.sleep(self.delays[attempt])
            attempt += 1
            for target, (client, clock) in list(self.pending.items()):
                try:
                    await self.pace.wait()
                    await reconcile_message(self.db, client, target, now=clock())
                except SlackApiError as e:
                    log.info(
                        "recovering votes on %s: Slack said %s", target.ts, e.response.get("error")
                    )
                    continue  # rate limited or a hiccup: the next round tries again
                except Exception as e:
                    log.info("recovering votes: the database still fails (%s)", type(e).__name__)
                    break  # every message needs the database: wait for the next round
                del self.pending[target]
            if not self.pending:
                return
        log.warning(
            "%d message(s) with unstored votes left to the clock's daily reconciliation",
            len(self.pending),
        )
        self.pending.clear()

    async def stop(self) -> None:
        """Forget everything (a process that stops loses its memory; the clock does not)."""
        self.pending.clear()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


_RECOVERIES: weakref.WeakKeyDictionary[Database, VoteRecovery] = weakref.WeakKeyDictionary()


def recovery_for(db: Database) -> VoteRecovery:
    """This process's recovery for `db` (one per database, created on first use)."""
    found = _RECOVERIES.get(db)
    if found is None:
        found = _RECOVERIES[db] = VoteRecovery(db)
    return found
