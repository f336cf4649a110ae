"""The read-out (rule 9): posted in the deal channel; a sponsor's agreement is the technical
validation sign-off, which closes that milestone and hands over to the AE."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.domain import MilestoneKind, Poc, Status
from bot.rules import Act
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
from handlers.guard import Listeners
from handlers.replies import tell_user
from handlers.request import Click, Command
from storage import writes

log = logging.getLogger(__name__)


async def post_readout(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.post_readout)
    if poc is None:
        return
    async with cmd.once() as s:
        if s is None:  # a replay of this very command: the read-out is posted once
            return
    await publish_readout(cmd.client, cmd.deps, poc=poc, user_id=cmd.user_id)


async def publish_readout(client: AsyncWebClient, deps: Deps, *, poc: Poc, user_id: str) -> None:
    """Post the read-out in the deal channel and record it (used by /poc readout and nudges)."""
    now = deps.clock()
    try:
        await client.chat_postMessage(
            channel=poc.channel_id, text=readout_text(poc), blocks=readout_blocks(poc)
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
        await writes.update_poc(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            now=now,
            readout_posted_at=now,
            status=Status.readout,
        )
        await writes.mark_milestone_done(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            kind=MilestoneKind.readout,
            by=user_id,
            now=now,
        )


async def answer_readout(click: Click, poc: Poc) -> None:
    team_id, user_id = click.team_id, click.user_id
    agreed = click.action_id == AGREE
    now = click.deps.clock()
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        await writes.record_readout_answer(
            session=s, team_id=team_id, poc_id=poc.id, user_id=user_id, agreed=agreed, at=now
        )
        if agreed:
            await writes.mark_milestone_done(
                session=s,
                team_id=team_id,
                poc_id=poc.id,
                kind=MilestoneKind.signoff,
                by=user_id,
                now=now,
            )
    message = click.body.get("message")
    thread = message.get("ts") if isinstance(message, dict) else None
    if agreed:
        text, blocks = (
            signoff_text(poc, sponsor_id=user_id),
            signoff_blocks(poc, sponsor_id=user_id),
        )
    else:
        text, blocks = disagree_text(user_id=user_id), disagree_blocks(user_id=user_id)
    try:
        await click.client.chat_postMessage(
            channel=click.channel_id or poc.channel_id,
            thread_ts=thread,
            text=text,
            blocks=blocks,
            reply_broadcast=agreed,
        )
    except SlackApiError as e:
        log.warning("posting the read-out answer failed: %s", e.response.get("error"))


def register(app: Listeners) -> None:
    app.click(AGREE, Act.answer_readout)(answer_readout)
    app.click(DISAGREE, Act.answer_readout)(answer_readout)
