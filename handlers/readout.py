"""The read-out (rule 9): posted in the deal channel; a sponsor's agreement is the technical
validation sign-off, which closes that milestone and hands over to the AE."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Deps, deps_of, tenant
from bot.domain import MilestoneKind, Poc, Role, Status
from bot.views.readout import (
    AGREE,
    DISAGREE,
    disagree_blocks,
    disagree_text,
    readout_blocks,
    readout_text,
    signoff_blocks,
    signoff_text,
)
from handlers.request import Command, clicked_poc, tell_user
from storage import repo

log = logging.getLogger(__name__)

NOT_A_SPONSOR = (
    "Only the POC's sponsors and champion answer the read-out (or the SE and AE, recording an "
    "answer given in the meeting)."
)


async def post_readout(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here()
    if poc is not None:
        await publish_readout(cmd.client, cmd.deps, poc=poc, user_id=cmd.user_id)


async def publish_readout(client: AsyncWebClient, deps: Deps, *, poc: Poc, user_id: str) -> None:
    """Post the read-out in the deal channel and record it (used by /poc readout and nudges)."""
    now = deps.clock()
    try:
        await client.chat_postMessage(
            channel=poc.channel_id, text=readout_text(poc, now), blocks=readout_blocks(poc, now)
        )
    except SlackApiError as e:
        await tell_user(
            client,
            user_id=user_id,
            channel_id=None,
            text=f"I couldn't post the read-out in <#{poc.channel_id}>: {e.response.get('error')}.",
        )
        return
    async with deps.db.transaction() as s:
        await repo.update_poc(
            s,
            team_id=poc.team_id,
            poc_id=poc.id,
            now=now,
            readout_posted_at=now,
            status=Status.readout,
        )
        await repo.mark_milestone_done(
            s, team_id=poc.team_id, poc_id=poc.id, kind=MilestoneKind.readout, by=user_id, now=now
        )


def may_answer(poc: Poc, user_id: str) -> bool:
    roles = (Role.exec_sponsor, Role.business_sponsor, Role.champion, Role.se, Role.ae)
    return any(p.user_id == user_id for r in roles for p in poc.people(r))


async def answer_readout(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    deps = deps_of(context)
    team_id = tenant(context)
    user_id = body["user"]["id"]
    channel_id = (body.get("channel") or {}).get("id")
    poc = await clicked_poc(body, action, context, client)
    if poc is None:
        return
    if not may_answer(poc, user_id):
        await tell_user(client, user_id=user_id, channel_id=channel_id, text=NOT_A_SPONSOR)
        return
    agreed = action["action_id"] == AGREE
    now = deps.clock()
    async with deps.db.transaction() as s:
        await repo.record_readout_answer(
            s, team_id=team_id, poc_id=poc.id, user_id=user_id, agreed=agreed, at=now
        )
        if agreed:
            await repo.mark_milestone_done(
                s, team_id=team_id, poc_id=poc.id, kind=MilestoneKind.signoff, by=user_id, now=now
            )
    thread = (body.get("message") or {}).get("ts")
    if agreed:
        text, blocks = (
            signoff_text(poc, sponsor_id=user_id),
            signoff_blocks(poc, sponsor_id=user_id),
        )
    else:
        text, blocks = disagree_text(poc, user_id=user_id), disagree_blocks(poc, user_id=user_id)
    try:
        await client.chat_postMessage(
            channel=channel_id or poc.channel_id,
            thread_ts=thread,
            text=text,
            blocks=blocks,
            reply_broadcast=agreed,
        )
    except SlackApiError as e:
        log.warning("posting the read-out answer failed: %s", e.response.get("error"))


def register(app: AsyncApp) -> None:
    app.action(AGREE)(answer_readout)
    app.action(DISAGREE)(answer_readout)
