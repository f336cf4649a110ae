"""Scope: `/poc park <request>` for Phase 2, and the [Park] / [Accept] buttons on scope creep."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.domain import Poc, ScopeResolution
from bot.rules import Act
from bot.views.text import clip, escape, section, user
from handlers.guard import Listeners
from handlers.request import Click, Command
from storage import writes

log = logging.getLogger(__name__)

USAGE = "Say what to park: `/poc park SSO via Okta` — it goes on the Phase 2 list, out of this POC."
MAX_PARKED = 500


async def park_request(cmd: Command) -> None:
    text = cmd.args.strip()
    if not text:
        await cmd.ack(text=USAGE, response_type="ephemeral")
        return
    await cmd.ack()
    poc = await cmd.poc_here(Act.park)
    if poc is None:
        return
    async with cmd.once() as s:
        if s is None:  # a replay of this very command
            return
        await writes.park(
            session=s,
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


async def resolve_change(click: Click, poc: Poc) -> None:
    """[Park for Phase 2] / [Accept change] on a scope-creep nudge; value `poc_id:change_id`."""
    number = click.value.number if click.value else None
    change = next((c for c in poc.scope_changes if c.id == number), None)
    if change is None:
        await click.tell("That scope change is not part of this POC any more.")
        return
    change_id = change.id
    parked = click.action_id == "scope_park"
    resolution = ScopeResolution.parked if parked else ScopeResolution.accepted
    now = click.deps.clock()
    user_id, team_id = click.user_id, click.team_id
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        done = await writes.resolve_scope_change(
            session=s,
            team_id=team_id,
            change_id=change_id,
            resolution=resolution,
            by=user_id,
            now=now,
        )
        if done and parked:
            await writes.park(
                session=s,
                team_id=team_id,
                poc_id=poc.id,
                text=change.detail,
                by=user_id,
                now=now,
                scope_change_id=change_id,
            )
    if not done:
        note = f"Already {change.resolution.value}."
    elif parked:
        note = f"✓ Parked for Phase 2 by {user(user_id)}: {escape(clip(change.detail, 200))}"
    else:
        note = f"✓ Accepted into this POC by {user(user_id)}: the plan grows, mind the dates."
    await click.show_done(note, key=f"scope_creep:{change_id}")


def register(app: Listeners) -> None:
    app.click("scope_park", Act.resolve_scope)(resolve_change)
    app.click("scope_accept", Act.resolve_scope)(resolve_change)
