"""Emoji verdicts: ✅/✔️ pass and ❌ fail on a criterion's message; removing one reverts it."""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import deps_of, tenant
from bot.governance import VerdictState, effective_verdict, reaction_verdict
from bot.views.criteria import criterion_blocks, criterion_text
from handlers.request import tell_user
from storage import repo

log = logging.getLogger(__name__)

NOT_AN_EVALUATOR = (
    "Thanks — but only this POC's evaluators (the SE, AE, champion, sponsors and listed "
    "evaluators) decide its criteria, so your :{reaction}: doesn't change the verdict. "
    "Ask the SE to add you as an evaluator if you should."
)

#: One message update at a time per criterion, so an older verdict never overwrites a newer one.
_UPDATING: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _when(event: dict[str, Any], fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(event["event_ts"]), tz=UTC)
    except (KeyError, TypeError, ValueError):
        return fallback


async def on_reaction(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    item = event.get("item") or {}
    verdict = reaction_verdict(event.get("reaction", ""))
    if verdict is None or item.get("type") != "message":
        return  # most reactions are not votes: no database work for them
    deps = deps_of(context)
    team_id = tenant(context)
    user_id, channel_id, ts = event["user"], item["channel"], item["ts"]
    added = event["type"] == "reaction_added"
    # Slack retries an event with the same event_id: that id makes the vote apply once.
    key = body.get("event_id") or f"{channel_id}:{ts}:{user_id}:{event['reaction']}:{added}"
    at = _when(event, deps.clock())

    state: VerdictState | None = None
    async with deps.db.transaction() as s:
        criterion = await repo.criterion_by_message(
            s, team_id=team_id, channel_id=channel_id, ts=ts, lock=True
        )
        if criterion is None or criterion.id is None:
            return
        criterion_id, poc_id = criterion.id, criterion.poc_id
        counts = user_id in await repo.evaluator_ids(s, team_id=team_id, poc_id=poc_id)
        if counts and await repo.record_reaction(
            s,
            team_id=team_id,
            criterion_id=criterion_id,
            user_id=user_id,
            reaction=event["reaction"],
            verdict=verdict,
            added=added,
            at=at,
            event_key=key,
        ):
            state = effective_verdict(
                await repo.votes_for(s, team_id=team_id, criterion_id=criterion_id)
            )
            await repo.set_verdict(s, team_id=team_id, criterion_id=criterion_id, state=state)
    if not counts:
        if added:
            await tell_user(
                client,
                user_id=user_id,
                channel_id=channel_id,
                text=NOT_AN_EVALUATOR.format(reaction=event["reaction"]),
            )
        return
    if state is not None:
        await refresh_message(
            client, deps, team_id=team_id, poc_id=poc_id, criterion_id=criterion_id
        )


async def refresh_message(
    client: AsyncWebClient, deps: Any, *, team_id: str, poc_id: int, criterion_id: int
) -> None:
    """Show the criterion's current verdict on its message (chat.update)."""
    lock = _UPDATING.setdefault(criterion_id, asyncio.Lock())
    async with lock:
        async with deps.db.session() as s:
            poc = await repo.load_poc(s, team_id=team_id, poc_id=poc_id)
            votes = await repo.votes_for(s, team_id=team_id, criterion_id=criterion_id)
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


def register(app: AsyncApp) -> None:
    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(on_reaction)
