"""Votes are never lost: a criterion message's reactions in Slack are the truth, and the
stored verdict follows them.

A live ✅/❌ is stored by `store_vote` (handlers/reactions.py). A reaction event is
acknowledged before its vote is stored, so when the database is down the event is gone for
good: Slack does not send it again. `reconcile_message` brings one message's stored votes back
in line with its reactions; two paths call it (bot/recovery.py for the web process that could
not store a vote, scheduler/reconcile.py for the clock's daily pass).

What reconciling changes is recorded as verdict events, like the reactions themselves, with
keys derived from the criterion's history, so running twice records nothing the second time.
Both writers lock the criterion's row, so a live vote and a reconciliation apply one after
the other. Shared by handlers and the scheduler, hence here and not in either.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import Vote
from bot.rules import effective_verdict, reaction_verdict
from bot.views.criteria import criterion_blocks, criterion_text
from storage import snapshots, verdicts
from storage.db import Database

log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------- one live vote


@dataclass(frozen=True, slots=True)
class StoredVote:
    """What storing one reaction did."""

    criterion_id: int
    poc_id: int
    #: the person is one of the POC's evaluators: their reaction is a vote
    counts: bool
    #: it was new (not Slack's retry of an event already applied) and the verdict was set again
    changed: bool


async def store_vote(
    db: Database,
    target: Target,
    *,
    user_id: str,
    reaction: str,
    added: bool,
    at: datetime,
    event_key: str,
) -> StoredVote | None:
    """Record a ✅/❌ (added or removed) on the message at `target` as a vote, and the verdict
    it makes; None when the message is not a criterion's."""
    async with db.transaction() as s:
        found = await _criterion_at(s, target)
        if found is None:
            return None
        criterion_id, poc_id, evaluators = found
        counts = user_id in evaluators
        changed = counts and await _record(
            s, target, criterion_id, user_id, reaction, added=added, at=at, event_key=event_key
        )
        if changed:
            await _settle(s, team_id=target.team_id, criterion_id=criterion_id)
    return StoredVote(criterion_id, poc_id, counts=counts, changed=changed)


async def _criterion_at(session: AsyncSession, target: Target) -> tuple[int, int, set[str]] | None:
    """(criterion id, POC id, evaluators) of the criterion posted at `target`, its row locked
    until commit: two writers of its votes (a live vote, a reconciliation) go one at a time."""
    criterion = await verdicts.criterion_by_message(
        session=session,
        team_id=target.team_id,
        channel_id=target.channel_id,
        ts=target.ts,
        lock=True,
    )
    if criterion is None or criterion.id is None:
        return None
    evaluators = await verdicts.evaluator_ids(
        session=session, team_id=target.team_id, poc_id=criterion.poc_id
    )
    return criterion.id, criterion.poc_id, evaluators


async def _record(
    session: AsyncSession,
    target: Target,
    criterion_id: int,
    user_id: str,
    reaction: str,
    *,
    added: bool,
    at: datetime,
    event_key: str,
) -> bool:
    """Append one reaction to the criterion's history; False if `event_key` is there already."""
    verdict = reaction_verdict(reaction)
    assert verdict is not None, reaction
    return await verdicts.record_reaction(
        session=session,
        team_id=target.team_id,
        criterion_id=criterion_id,
        user_id=user_id,
        reaction=reaction,
        verdict=verdict,
        added=added,
        at=at,
        event_key=event_key,
    )


async def _settle(session: AsyncSession, *, team_id: str, criterion_id: int) -> None:
    """Set the criterion's verdict from its whole history (the rules decide, on every vote)."""
    history = await verdicts.votes_for(session=session, team_id=team_id, criterion_id=criterion_id)
    state = effective_verdict(history)
    await verdicts.set_verdict(
        session=session, team_id=team_id, criterion_id=criterion_id, state=state
    )


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
        found = await _criterion_at(s, target)
        if found is None:
            return False
        team_id, (criterion_id, _, evaluators) = target.team_id, found
        history = await verdicts.vote_history(session=s, team_id=team_id, criterion_id=criterion_id)
        missing = missing_votes(history, reactions, evaluators, watermark=watermark)
        # The history is replayed in time order: what we learn now comes after everything
        # stored, even when a stored event's time (Slack's clock) is ahead of ours.
        at = max([now, *(vote.at for _, vote in history)])
        recorded = 0
        for user, reaction, added in missing:
            key = event_key(criterion_id, len(history), user, reaction, added)
            recorded += await _record(
                s, target, criterion_id, user, reaction, added=added, at=at, event_key=key
            )
        if not recorded:
            return False
        await _settle(s, team_id=team_id, criterion_id=criterion_id)
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
