"""Buttons in nudges, the status scoreboard and App Home.

Every value names a POC (`poc_id` or `poc_id:nudge key`); it is looked up within the clicking
user's installation, so a value forged or replayed from another workspace finds nothing, and
the clicker must be allowed to act on it (bot.governance `may`): in a channel shared with the
prospect, only our side changes the plan.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import MILESTONE_TITLES, MilestoneKind, Poc
from bot.governance import Act, add_business_days, local_today
from bot.views.criteria import criteria_modal
from bot.views.status import status_blocks
from bot.views.text import day, plain, user
from handlers.checkins import open_checkin_modal
from handlers.guard import Listeners
from handlers.readout import publish_readout
from handlers.request import Click, show_acted
from handlers.sponsor import open_sponsor_modal
from handlers.status import insider
from storage import writes

log = logging.getLogger(__name__)


async def _opened(
    act: Act,
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> tuple[Click, Poc | None]:
    """Ack, then the click and its POC if the clicker may `act` on it (else they were told)."""
    await ack()
    click = Click.of(ack=ack, body=body, action=action, context=context, client=client)
    return click, await click.poc(act)


async def log_checkin(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    click, poc = await _opened(Act.log_checkin, ack, body, action, context, client)
    if poc is not None:
        await open_checkin_modal(
            client, trigger_id=click.trigger_id or "", poc=poc, now=click.deps.clock()
        )


async def log_sponsor(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    click, poc = await _opened(Act.log_engagement, ack, body, action, context, client)
    if poc is not None:
        await open_sponsor_modal(client, trigger_id=click.trigger_id or "", poc=poc)


async def add_criterion(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    click, poc = await _opened(Act.add_criterion, ack, body, action, context, client)
    if poc is not None:
        await client.views_open(trigger_id=click.trigger_id or "", view=criteria_modal(poc))


async def show_status(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    click, poc = await _opened(Act.see_status, ack, body, action, context, client)
    if poc is None:
        return
    blocks = status_blocks(poc, click.deps.clock(), internal=insider(poc, click.user_id))
    await client.views_open(
        trigger_id=click.trigger_id or "",
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
    click, poc = await _opened(Act.post_readout, ack, body, action, context, client)
    if poc is None:
        return
    async with click.once() as s:
        if s is None:  # a replay of this very click: the read-out is posted once
            return
    await publish_readout(client, click.deps, poc=poc, user_id=click.user_id)
    await show_acted(
        client, body, key=click.detail, note=f"✓ Read-out posted by {user(click.user_id)}"
    )


async def milestone_done(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    click, poc = await _opened(Act.mark_done, ack, body, action, context, client)
    key = click.detail
    try:
        kind = MilestoneKind(key.removeprefix("milestone:"))
    except ValueError:
        kind = None
    if poc is None or kind is None:
        return
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        await writes.mark_milestone_done(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            kind=kind,
            by=click.user_id,
            now=click.deps.clock(),
        )
    await show_acted(
        client,
        body,
        key=key,
        note=f"✓ {MILESTONE_TITLES[kind]} marked done by {user(click.user_id)}",
    )


async def snooze(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """Skip this nudge on the next business day; it is back the one after."""
    click, poc = await _opened(Act.snooze, ack, body, action, context, client)
    key = click.detail
    if poc is None or not key:
        return
    until = add_business_days(local_today(click.deps.clock(), poc.tz), 2)
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        await writes.snooze(session=s, team_id=poc.team_id, poc_id=poc.id, key=key, until=until)
    await show_acted(
        client, body, key=key, note=f"💤 Snoozed by {user(click.user_id)}; back on {day(until)}"
    )


def register(app: Listeners) -> None:
    for action_id in ("nudge_checkin", "status_checkin", "home_checkin"):
        app.action(action_id, writes=False)(log_checkin)
    app.action("nudge_sponsor", writes=False)(log_sponsor)
    app.action("status_criteria", writes=False)(add_criterion)
    app.action("home_status", writes=False)(show_status)
    app.action("nudge_readout")(post_readout)
    app.action("nudge_milestone_done")(milestone_done)
    app.action("nudge_snooze")(snooze)
