"""Votes are never lost: a criterion message's reactions in Slack are the truth, and
reconciling brings the stored verdict back in line with them.

A reaction event is acknowledged before its vote is stored, so when the database is down the
event is gone for good: Slack does not send it again. Two paths recover the vote:

- `VoteRecovery`: the web process that could not store a vote remembers the message and
  reconciles it as soon as the database answers (seconds to minutes; in memory);
- `Reconciler`: the clock reconciles every posted criterion of every live POC of its team
  once a day, which also covers a web process that died before the database came back, and
  reactions whose events never reached us at all.

Reconciling one message costs one `reactions.get` (scope reactions:read, Tier 3: about 50 a
minute per workspace); both paths pace their calls at `PACE`. What changes is recorded as
verdict events, like the reactions themselves, with keys derived from the criterion's
history, so running twice records nothing the second time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import weakref
from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.governance import Vote, effective_verdict, reaction_verdict
from bot.views.criteria import criterion_blocks, criterion_text
from storage import snapshots, verdicts
from storage.db import Database

log = logging.getLogger(__name__)

#: Seconds between two reactions.get calls: Slack's Tier 3 allows about 50 a minute.
PACE = 60 / 50
#: When the web process tries a vote it could not store again (seconds after the last try):
#: about 19 minutes in all, then the clock's daily pass is left to recover it.
RETRY_DELAYS = (1, 2, 5, 10, 30, 60, 120, 300, 600)
#: Errors that mean the message cannot be read any more: nothing to reconcile there.
GONE = frozenset(
    {"message_not_found", "channel_not_found", "not_in_channel", "is_archived", "bad_timestamp"}
)


@dataclass(frozen=True, slots=True)
class Target:
    """A message that may be a criterion's: where its votes are."""

    team_id: str
    channel_id: str
    ts: str


class Outcome(StrEnum):
    unchanged = "unchanged"
    changed = "changed"
    not_a_criterion = "not_a_criterion"
    gone = "gone"  # the message or channel cannot be read any more


# ---------------------------------------------------------------- what is missing (pure)

Key = tuple[str, str]  # (user, reaction name)


def _name(reaction: str) -> str:
    return reaction.strip().strip(":")


def missing_votes(
    history: Sequence[tuple[int, Vote]],
    reactions: Collection[Key],
    evaluators: Collection[str],
    *,
    watermark: int,
) -> list[tuple[str, str, bool]]:
    """The (user, reaction, added) events that make the stored votes match Slack's reactions.

    `history` is the stored events (id, vote), oldest first; `reactions` the (user, name)
    pairs Slack shows on the message. Only evaluators' votes count, as in the live handler.
    A pair whose stored event is newer than `watermark` (the newest id before Slack was
    asked) is left alone: that event saw a later reaction than the answer we hold.
    """
    active: set[Key] = set()
    fresh: set[Key] = set()
    for event_id, vote in history:
        key = (vote.user_id, _name(vote.reaction))
        if reaction_verdict(key[1]) is None:
            continue
        if vote.added:
            active.add(key)
        else:
            active.discard(key)
        if event_id > watermark:
            fresh.add(key)
    truth = {
        (user, _name(name))
        for user, name in reactions
        if user in evaluators and reaction_verdict(name) is not None
    }
    added = sorted(truth - active - fresh)
    removed = sorted(k for k in active - truth - fresh if k[0] in evaluators)
    # Removals first: the last event recorded is a vote that stands.
    return [(u, r, False) for u, r in removed] + [(u, r, True) for u, r in added]


def event_key(criterion_id: int, history_length: int, user: str, reaction: str, added: bool) -> str:
    """Derived from the state it was computed from: two passes over the same history write
    the same key (the unique key keeps one), a later pass over a longer history a new one."""
    digest = hashlib.sha1(f"{user}:{reaction}:{added}".encode()).hexdigest()[:16]
    return f"rc:{criterion_id}:{history_length}:{digest}"


# ---------------------------------------------------------------- one message


async def reconcile_message(
    db: Database, client: AsyncWebClient, target: Target, *, now: datetime
) -> Outcome:
    """Make the stored verdict of the criterion posted at `target` match its reactions.

    Reads the database first (a database that is down fails here, before any Slack call),
    then one `reactions.get`; only when something is missing does it write, in one
    transaction, and refresh the message. Raises on database errors and on Slack errors
    other than the message being gone (the caller retries later).
    """
    async with db.session() as s:
        criterion = await verdicts.criterion_by_message(
            session=s, team_id=target.team_id, channel_id=target.channel_id, ts=target.ts
        )
        if criterion is None or criterion.id is None:
            return Outcome.not_a_criterion
        criterion_id, poc_id = criterion.id, criterion.poc_id
        evaluators = await verdicts.evaluator_ids(session=s, team_id=target.team_id, poc_id=poc_id)
        history = await verdicts.vote_history(
            session=s, team_id=target.team_id, criterion_id=criterion_id
        )
    # Whatever is stored after this point saw a later reaction than Slack's answer will show.
    watermark = max((event_id for event_id, _ in history), default=0)
    try:
        answer = await client.reactions_get(
            channel=target.channel_id, timestamp=target.ts, full=True
        )
    except SlackApiError as e:
        if e.response.get("error") in GONE:
            return Outcome.gone
        raise
    reactions = {
        (str(user), str(r.get("name", "")))
        for r in (answer.get("message") or {}).get("reactions") or []
        for user in r.get("users") or []
    }
    # Nearly always in step: decided on what was read, without taking a write lock.
    if not missing_votes(history, reactions, evaluators, watermark=watermark):
        return Outcome.unchanged
    if not await apply_reactions(db, target, reactions, watermark=watermark, now=now):
        return Outcome.unchanged
    await refresh_criterion_message(
        client, db, team_id=target.team_id, poc_id=poc_id, criterion_id=criterion_id
    )
    return Outcome.changed


async def apply_reactions(
    db: Database, target: Target, reactions: Collection[Key], *, watermark: int, now: datetime
) -> bool:
    """Record what `reactions` (Slack's answer) says is missing; True if anything was.

    The criterion's row is locked while its history is read and extended, the same lock the
    live handler takes, so a live vote and a reconciliation apply one after the other.
    """
    async with db.transaction() as s:
        criterion = await verdicts.criterion_by_message(
            session=s, team_id=target.team_id, channel_id=target.channel_id, ts=target.ts, lock=True
        )
        if criterion is None or criterion.id is None:
            return False
        team_id, criterion_id = target.team_id, criterion.id
        evaluators = await verdicts.evaluator_ids(
            session=s, team_id=team_id, poc_id=criterion.poc_id
        )
        history = await verdicts.vote_history(session=s, team_id=team_id, criterion_id=criterion_id)
        missing = missing_votes(history, reactions, evaluators, watermark=watermark)
        # The history is replayed in time order: what we learn now comes after everything
        # stored, even when a stored event's time (Slack's clock) is ahead of ours.
        at = max([now, *(vote.at for _, vote in history)])
        recorded = 0
        for user, reaction, added in missing:
            verdict = reaction_verdict(reaction)
            assert verdict is not None
            recorded += await verdicts.record_reaction(
                session=s,
                team_id=team_id,
                criterion_id=criterion_id,
                user_id=user,
                reaction=reaction,
                verdict=verdict,
                added=added,
                at=at,
                event_key=event_key(criterion_id, len(history), user, reaction, added),
            )
        if not recorded:
            return False
        state = effective_verdict(
            await verdicts.votes_for(session=s, team_id=team_id, criterion_id=criterion_id)
        )
        await verdicts.set_verdict(
            session=s, team_id=team_id, criterion_id=criterion_id, state=state
        )
    log.info("reconciled criterion %s: %d vote(s) recovered from Slack", criterion_id, recorded)
    return True


#: One message update at a time per criterion, so an older verdict never overwrites a newer one.
_UPDATING: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


async def refresh_criterion_message(
    client: AsyncWebClient, db: Database, *, team_id: str, poc_id: int, criterion_id: int
) -> None:
    """Show the criterion's current verdict on its message (chat.update)."""
    lock = _UPDATING.setdefault(criterion_id, asyncio.Lock())
    async with lock:
        async with db.session() as s:
            poc = await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id)
            votes = await verdicts.votes_for(session=s, team_id=team_id, criterion_id=criterion_id)
        if poc is None:
            return
        criterion = next(c for c in poc.criteria if c.id == criterion_id)
        use_case = next(u for u in poc.use_cases if u.id == criterion.use_case_id)
        if not criterion.message_ts:
            return
        try:
            await client.chat_update(
                channel=poc.channel_id,
                ts=criterion.message_ts,
                text=criterion_text(criterion),
                blocks=criterion_blocks(poc, criterion, use_case, state=effective_verdict(votes)),
            )
        except SlackApiError as e:
            log.warning("updating criterion %s failed: %s", criterion_id, e.response.get("error"))


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


# ---------------------------------------------------------------- the clock's daily pass


@dataclass
class ReconcileReport:
    calls: int = 0  # reactions.get
    changed: int = 0  # criteria whose votes were brought in line
    gone: int = 0
    failed: int = 0
    left: int = 0  # still queued for the next tick


class Reconciler:
    """Once a day per team, every posted criterion of its live POCs, `reactions.get` by
    `reactions.get` at `PACE`; each tick spends at most `budget`, the rest waits for the
    next tick (a sweep every 15 minutes, half of it at most: 375 messages a tick).
    """

    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        *,
        every: timedelta = timedelta(days=1),
        pace: float | None = None,
        budget: timedelta = timedelta(minutes=5),
    ) -> None:
        self.db = db
        self.client = client
        self.every = every
        self.pace = slack_reads(db) if pace is None else Pace(pace)
        self.budget = budget
        self.queue: deque[Target] = deque()
        self.last_pass: dict[str, datetime] = {}
        self._team_id: str | None = None

    async def tick(self, now: datetime) -> ReconcileReport:
        """Start the day's pass if one is due, and work through the queue within the budget.

        Never raises: a failure is logged and the rest waits for the next tick.
        """
        report = ReconcileReport()
        try:
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
        if self.queue:
            return
        team_id = await self._team()
        last = self.last_pass.get(team_id)
        if last is not None and now - last < self.every:
            return
        async with self.db.session() as s:
            found = await verdicts.criterion_messages(session=s, team_id=team_id)
        self.queue.extend(Target(team_id, channel, ts) for channel, ts in found)
        self.last_pass[team_id] = now

    async def _team(self) -> str:
        """The team this clock's token belongs to: only its POCs can be read with it."""
        if self._team_id is None:
            self._team_id = str((await self.client.auth_test())["team_id"])
        return self._team_id

    async def _drain(self, now: datetime, report: ReconcileReport) -> None:
        started = time.monotonic()
        while self.queue and time.monotonic() - started < self.budget.total_seconds():
            target = self.queue[0]
            await self.pace.wait()
            try:
                outcome = await reconcile_message(self.db, self.client, target, now=now)
            except SlackApiError as e:
                report.calls += 1
                if e.response.get("error") == "ratelimited":
                    return  # the client waited out Retry-After already: resume next tick
                log.warning("reconciling %s failed: %s", target.ts, e.response.get("error"))
                report.failed += 1
                self.queue.popleft()
                continue
            self.queue.popleft()
            report.calls += outcome != Outcome.not_a_criterion
            report.changed += outcome == Outcome.changed
            report.gone += outcome == Outcome.gone
