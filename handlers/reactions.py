"""Emoji verdicts: ✅/✔️ pass and ❌ fail on a criterion's message; removing one reverts it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of, tenant
from bot.governance import VerdictState, effective_verdict, reaction_verdict
from bot.views.text import escape
from handlers.request import tell_user
from scheduler.reconcile import Target, recovery_for, refresh_criterion_message
from storage import verdicts

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
    try:
        async with deps.db.transaction() as s:
            criterion = await verdicts.criterion_by_message(
                session=s, team_id=team_id, channel_id=channel_id, ts=ts, lock=True
            )
            if criterion is None or criterion.id is None:
                return
            criterion_id, poc_id = criterion.id, criterion.poc_id
            counts = user_id in await verdicts.evaluator_ids(
                session=s, team_id=team_id, poc_id=poc_id
            )
            if counts and await verdicts.record_reaction(
                session=s,
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
                    await verdicts.votes_for(session=s, team_id=team_id, criterion_id=criterion_id)
                )
                await verdicts.set_verdict(
                    session=s, team_id=team_id, criterion_id=criterion_id, state=state
                )
    except Exception:
        # The event is acked: Slack will not send it again. The message's reactions still
        # say what the vote was; read them again once the database answers.
        log.exception("storing a vote failed; it will be recovered from the message")
        recovery_for(deps.db).remember(
            Target(team_id, channel_id, ts), client=client, clock=deps.clock
        )
        return
    if not counts:
        if added:
            await tell_user(
                client,
                user_id=user_id,
                channel_id=channel_id,
                text=NOT_AN_EVALUATOR.format(reaction=escape(event["reaction"])),
            )
        return
    if state is not None:
        await refresh_criterion_message(
            client, deps.db, team_id=team_id, poc_id=poc_id, criterion_id=criterion_id
        )


def register(app: AsyncApp) -> None:
    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(on_reaction)
