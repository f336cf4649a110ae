"""Emoji verdicts: ✅/✔️ pass and ❌ fail on a criterion's message; removing one reverts it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of, tenant
from bot.recovery import recovery_for
from bot.rules import reaction_verdict
from bot.views.text import escape
from bot.votes import Target, refresh_criterion_message, store_vote
from handlers.guard import Listeners
from handlers.request import tell_user
from storage import writes

log = logging.getLogger(__name__)

NOT_AN_EVALUATOR = (
    "Thanks — but only this POC's evaluators (the SE, AE, champion, sponsors and listed "
    "evaluators) decide its criteria, so your :{reaction}: doesn't change the verdict. "
    "Ask the SE to add you as an evaluator if you should."
)


def _when(event: dict[str, Any], fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(event["event_ts"]), tz=UTC)
    except (KeyError, TypeError, ValueError):
        return fallback


async def note_reaction(
    deps: Deps, team_id: str, channel_id: str, user_id: str, event: dict[str, Any]
) -> None:
    """Any reaction by someone on the POC is a sign of life: a champion who only reacts ✅ is
    not silent (one UPDATE, as for a message). Best effort: a vote must not wait on it, nor
    be lost because it failed (the vote's own recovery needs the handler to go on)."""
    try:
        async with deps.db.transaction() as s:
            await writes.touch_last_seen(
                session=s,
                team_id=team_id,
                channel_id=channel_id,
                user_id=user_id,
                at=_when(event, deps.clock()),
            )
    except Exception:
        log.warning("could not note %s's reaction as activity", user_id, exc_info=True)


async def on_reaction(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    item = event.get("item") or {}
    try:
        if (
            reaction_verdict(event.get("reaction", "")) is not None
            and item.get("type") == "message"
        ):
            await on_vote(event, body, context, client)
    finally:  # after the vote: a vote never waits on it
        if event.get("type") == "reaction_added" and item.get("channel") and event.get("user"):
            deps = deps_of(context)
            await note_reaction(deps, tenant(context), item["channel"], event["user"], event)


async def on_vote(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """A ✅/❌ added or removed on a criterion's message: the vote, and the verdict it makes."""
    item = event["item"]
    deps = deps_of(context)
    user_id, reaction = event["user"], event["reaction"]
    target = Target(tenant(context), item["channel"], item["ts"])
    added = event["type"] == "reaction_added"
    # Slack retries an event with the same event_id: that id makes the vote apply once.
    key = body.get("event_id") or f"{target.channel_id}:{target.ts}:{user_id}:{reaction}:{added}"
    try:
        stored = await store_vote(
            deps.db,
            target,
            user_id=user_id,
            reaction=reaction,
            added=added,
            at=_when(event, deps.clock()),
            event_key=key,
        )
    except Exception:
        # The event is acked: Slack will not send it again. The message's reactions still
        # say what the vote was; read them again once the database answers.
        log.exception("storing a vote failed; it will be recovered from the message")
        recovery_for(deps.db).remember(target, client=client, clock=deps.clock)
        return
    if stored is None:
        return  # not a criterion's message
    if not stored.counts:
        if added:
            text = NOT_AN_EVALUATOR.format(reaction=escape(reaction))
            await tell_user(client, user_id=user_id, channel_id=target.channel_id, text=text)
        return
    if stored.changed:
        await refresh_criterion_message(
            client,
            deps.db,
            team_id=target.team_id,
            poc_id=stored.poc_id,
            criterion_id=stored.criterion_id,
        )


def register(app: Listeners) -> None:
    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(on_reaction)
