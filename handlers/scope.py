"""Scope: `/poc park <request>` for Phase 2, and the [Park] / [Accept] buttons on scope creep."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import deps_of, tenant
from bot.domain import ScopeResolution
from bot.views.text import clip, escape, section, user
from handlers.request import Command, clicked_poc, show_acted, tell_user
from storage import repo

log = logging.getLogger(__name__)

USAGE = "Say what to park: `/poc park SSO via Okta` — it goes on the Phase 2 list, out of this POC."
MAX_PARKED = 500


async def park_request(cmd: Command) -> None:
    text = cmd.args.strip()
    if not text:
        await cmd.ack(text=USAGE, response_type="ephemeral")
        return
    await cmd.ack()
    poc = await cmd.poc_here()
    if poc is None:
        return
    async with cmd.deps.db.transaction() as s:
        await repo.park(
            s,
            team_id=cmd.team_id,
            poc_id=poc.id,
            text=clip(text, MAX_PARKED),
            by=cmd.user_id,
            now=cmd.deps.clock(),
        )
    line = f"🅿️ Parked for Phase 2 by {user(cmd.user_id)}: {escape(clip(text, MAX_PARKED))}"
    try:
        await cmd.client.chat_postMessage(channel=poc.channel_id, text=line, blocks=[section(line)])
    except SlackApiError as e:
        await cmd.say_privately(f"Parked, but I couldn't post it here ({e.response.get('error')}).")


async def resolve_change(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """[Park for Phase 2] / [Accept change] on a scope-creep nudge; value `poc_id:change_id`."""
    await ack()
    deps = deps_of(context)
    team_id = tenant(context)
    user_id = body["user"]["id"]
    poc = await clicked_poc(body, action, context, client)
    try:
        change_id = int(str(action.get("value", "")).split(":", 1)[1])
    except (IndexError, ValueError):
        change_id = -1
    if poc is None:
        return
    change = next((c for c in poc.scope_changes if c.id == change_id), None)
    if change is None:
        await tell_user(
            client,
            user_id=user_id,
            channel_id=(body.get("channel") or {}).get("id"),
            text="That scope change is not part of this POC any more.",
        )
        return
    parked = action["action_id"] == "scope_park"
    resolution = ScopeResolution.parked if parked else ScopeResolution.accepted
    now = deps.clock()
    async with deps.db.transaction() as s:
        done = await repo.resolve_scope_change(
            s, team_id=team_id, change_id=change_id, resolution=resolution, by=user_id, now=now
        )
        if done is not None and parked:
            await repo.park(
                s,
                team_id=team_id,
                poc_id=poc.id,
                text=change.detail,
                by=user_id,
                now=now,
                scope_change_id=change_id,
            )
    if done is None:
        note = f"Already {change.resolution.value}."
    elif parked:
        note = f"✓ Parked for Phase 2 by {user(user_id)}: {escape(clip(change.detail, 200))}"
    else:
        note = f"✓ Accepted into this POC by {user(user_id)}: the plan grows, mind the dates."
    await show_acted(client, body, key=f"scope_creep:{change_id}", note=note)


def register(app: AsyncApp) -> None:
    app.action("scope_park")(resolve_change)
    app.action("scope_accept")(resolve_change)
