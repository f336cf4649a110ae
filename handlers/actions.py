"""Buttons in nudges, the status scoreboard and App Home.

Every value names a POC (`poc_id` or `poc_id:nudge key`); it is looked up within the clicking
user's installation, so a value forged or replayed from another workspace finds nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import deps_of
from bot.domain import MILESTONE_TITLES, MilestoneKind
from bot.governance import add_business_days, local_today
from bot.views.criteria import criteria_modal
from bot.views.status import status_blocks
from bot.views.text import day, plain, user
from handlers.checkins import open_checkin_modal
from handlers.readout import publish_readout
from handlers.request import clicked_poc, show_acted
from handlers.sponsor import open_sponsor_modal
from handlers.status import insider
from storage import repo

log = logging.getLogger(__name__)


def _key(action: dict[str, Any]) -> str:
    return str(action.get("value", "")).split(":", 1)[1] if ":" in action.get("value", "") else ""


async def log_checkin(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    if poc := await clicked_poc(body, action, context, client):
        await open_checkin_modal(
            client, trigger_id=body["trigger_id"], poc=poc, now=deps_of(context).clock()
        )


async def log_sponsor(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    if poc := await clicked_poc(body, action, context, client):
        await open_sponsor_modal(client, trigger_id=body["trigger_id"], poc=poc)


async def add_criterion(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    if poc := await clicked_poc(body, action, context, client):
        await client.views_open(trigger_id=body["trigger_id"], view=criteria_modal(poc))


async def show_status(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    if poc := await clicked_poc(body, action, context, client):
        now = deps_of(context).clock()
        blocks = status_blocks(poc, now, internal=insider(poc, body["user"]["id"]))
        await client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "title": plain("POC status"),
                "close": plain("Close"),
                "blocks": blocks,
            },
        )


async def post_readout(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    if poc := await clicked_poc(body, action, context, client):
        await publish_readout(client, deps_of(context), poc=poc, user_id=body["user"]["id"])
        await show_acted(
            client, body, key=_key(action), note=f"✓ Read-out posted by {user(body['user']['id'])}"
        )


async def milestone_done(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    poc = await clicked_poc(body, action, context, client)
    key = _key(action)
    try:
        kind = MilestoneKind(key.removeprefix("milestone:"))
    except ValueError:
        kind = None
    if poc is None or kind is None:
        return
    deps = deps_of(context)
    user_id = body["user"]["id"]
    async with deps.db.transaction() as s:
        await repo.mark_milestone_done(
            s, team_id=poc.team_id, poc_id=poc.id, kind=kind, by=user_id, now=deps.clock()
        )
    await show_acted(
        client, body, key=key, note=f"✓ {MILESTONE_TITLES[kind]} marked done by {user(user_id)}"
    )


async def snooze(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """Skip this nudge on the next business day; it is back the one after."""
    await ack()
    poc = await clicked_poc(body, action, context, client)
    key = _key(action)
    if poc is None or not key:
        return
    deps = deps_of(context)
    until = add_business_days(local_today(deps.clock(), poc.tz), 2)
    async with deps.db.transaction() as s:
        await repo.snooze(s, team_id=poc.team_id, poc_id=poc.id, key=key, until=until)
    await show_acted(
        client,
        body,
        key=key,
        note=f"💤 Snoozed by {user(body['user']['id'])}; back on {day(until)}",
    )


def register(app: AsyncApp) -> None:
    for action_id in ("nudge_checkin", "status_checkin", "home_checkin"):
        app.action(action_id)(log_checkin)
    app.action("nudge_sponsor")(log_sponsor)
    app.action("status_criteria")(add_criterion)
    app.action("home_status")(show_status)
    app.action("nudge_readout")(post_readout)
    app.action("nudge_milestone_done")(milestone_done)
    app.action("nudge_snooze")(snooze)
