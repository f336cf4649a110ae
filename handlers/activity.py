"""Channel activity: who spoke in a deal channel (the champion-silent rule), our own arrival
in a channel (an invitation unblocks delivery and lets the kickoff go out), and a channel the
prospect can now read (shared with them, or a guest or another team's member joined): our
internal messages there are deleted and internal alerts go by DM (bot/exposed.py)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of, tenant
from bot.exposed import channels_exposed
from bot.privacy import is_shared
from handlers.guard import Listeners
from handlers.poc_new import post_kickoff
from storage import sentlog, snapshots, writes

log = logging.getLogger(__name__)

#: Message subtypes that are a person speaking; edits, joins and bot posts are not.
SPOKEN = frozenset({None, "thread_broadcast", "file_share", "me_message"})


def event_time(event: dict[str, Any], fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(event["ts"]), tz=UTC)
    except (KeyError, ValueError, TypeError):
        return fallback


async def on_message(event: dict[str, Any], context: AsyncBoltContext) -> None:
    if event.get("subtype") not in SPOKEN or event.get("bot_id") or not event.get("user"):
        return
    if not event.get("channel"):
        return
    deps = deps_of(context)
    async with deps.db.transaction() as s:
        await writes.touch_last_seen(
            session=s,
            team_id=tenant(context),
            channel_id=event["channel"],
            user_id=event["user"],
            at=event_time(event, deps.clock()),
        )


async def on_member_joined(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    channel_id = event.get("channel")
    if not channel_id or not event.get("user"):
        return
    if event["user"] != context.bot_user_id:
        await on_person_joined(client, context, channel_id, event["user"])
        return
    deps = deps_of(context)
    team_id = tenant(context)
    deps.channels.forget(channel_id)
    async with deps.db.transaction() as s:
        # Invited back to an internal channel: its POCs' alerts may go there again.
        await sentlog.clear_blocked_destination(session=s, team_id=team_id, destination=channel_id)
        row = await snapshots.live_poc_for_channel(
            session=s, team_id=team_id, channel_id=channel_id
        )
        if row is None or row.id is None or row.channel_id != channel_id:
            return
        if row.delivery_blocked:
            log.info("POC %s: invited to %s, nudges resume", row.id, channel_id)
            await writes.update_poc(
                session=s,
                team_id=team_id,
                poc_id=row.id,
                now=deps.clock(),
                delivery_blocked=None,
                delivery_blocked_at=None,
            )
        pending_kickoff = row.kickoff_message_ts is None
        poc = (
            await snapshots.load_poc(session=s, team_id=team_id, poc_id=row.id)
            if pending_kickoff
            else None
        )
    if poc is not None:
        await post_kickoff(client, deps, poc)  # claims it first: at most once, whoever asks


async def on_person_joined(
    client: AsyncWebClient, context: AsyncBoltContext, channel_id: str, user_id: str
) -> None:
    """A guest or another team's member joined: the prospect can read the channel now."""
    deps = deps_of(context)
    deps.channels.forget(channel_id)
    if await is_shared(client, channel_id, deps.channels):
        await channels_exposed(
            client, deps.db, team_id=tenant(context), channel_ids=[channel_id], now=deps.clock()
        )


async def on_channel_shared(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """The channel is now shared with another organisation (Slack Connect)."""
    channel_id = event.get("channel")
    if not isinstance(channel_id, str) or not channel_id:
        return
    deps = deps_of(context)
    deps.channels.forget(channel_id)
    await channels_exposed(
        client, deps.db, team_id=tenant(context), channel_ids=[channel_id], now=deps.clock()
    )


def register(app: Listeners) -> None:
    app.event("message")(on_message)
    app.event("member_joined_channel")(on_member_joined)
    app.event("channel_shared")(on_channel_shared)
