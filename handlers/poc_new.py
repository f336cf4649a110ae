"""`/poc new`: the set-up modal, then the kickoff summary and the private go/no-go verdict."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Deps, deps_of, tenant
from bot.domain import Poc
from bot.governance import qualify
from bot.privacy import ChannelInfo, post_internal
from bot.views.kickoff import kickoff_blocks, kickoff_text, verdict_blocks, verdict_text
from bot.views.poc_new import CALLBACK, Meta, new_poc_modal, read_new_poc
from bot.views.text import escape
from handlers.request import Command, tell_user, user_tz
from storage import repo

log = logging.getLogger(__name__)

SAVE_FAILED = "Couldn't save the POC just now. Nothing is lost: press Create POC again."


async def open_new_poc(cmd: Command) -> None:
    await cmd.ack()
    tz = await user_tz(cmd.client, cmd.user_id, cmd.deps.settings.default_tz)
    await cmd.client.views_open(
        trigger_id=cmd.trigger_id, view=new_poc_modal(channel_id=cmd.channel_id, tz=tz)
    )


async def submit_new_poc(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    deps = deps_of(context)
    team_id = tenant(context)
    user_id = body["user"]["id"]
    view = body["view"]
    meta = Meta.load(view.get("private_metadata"), deps.settings.default_tz)
    now = deps.clock()
    new, errors = read_new_poc(view["state"]["values"], now=now, tz=meta.tz, created_by=user_id)
    if new is None:
        await ack(response_action="errors", errors=errors)
        return
    try:
        async with deps.db.transaction() as s:
            existing = await repo.live_poc_for_channel(
                s, team_id=team_id, channel_id=new.channel_id
            )
            if existing is not None:
                await ack(
                    response_action="errors",
                    errors={
                        "channel": f"This channel already runs the POC for {existing.prospect}. "
                        "Finish that one first, or pick another channel."
                    },
                )
                return
            poc_id = await repo.create_poc(s, team_id=team_id, new=new, now=now)
    except Exception:
        # The modal stays open with everything typed in it: the user loses nothing.
        log.exception("storing a new POC failed")
        await ack(response_action="errors", errors={"prospect": SAVE_FAILED})
        return
    await ack()

    async with deps.follow_ups:
        async with deps.db.session() as s:
            poc = await repo.load_poc(s, team_id=team_id, poc_id=poc_id)
        assert poc is not None
        await announce(client, deps, poc, user_id=user_id, origin_channel=meta.origin_channel)


async def announce(
    client: AsyncWebClient, deps: Deps, poc: Poc, *, user_id: str, origin_channel: str | None
) -> None:
    """Kickoff summary in the deal channel, go/no-go verdict in private."""
    if await ensure_member(client, deps.channels, poc.channel_id):
        await post_kickoff(client, deps, poc)
    else:
        await tell_user(
            client,
            user_id=user_id,
            channel_id=origin_channel,
            text=(
                f"The POC for {escape(poc.prospect)} is saved, but I can't post in "
                f"<#{poc.channel_id}>: it is private. Type `/invite @pocbot` there and I will "
                "post the kickoff summary."
            ),
        )
    q = qualify(poc)
    await post_internal(
        client, poc, cache=deps.channels, text=verdict_text(poc, q), blocks=verdict_blocks(poc, q)
    )


async def post_kickoff(client: AsyncWebClient, deps: Deps, poc: Poc) -> None:
    response = await client.chat_postMessage(
        channel=poc.channel_id, text=kickoff_text(poc), blocks=kickoff_blocks(poc)
    )
    async with deps.db.transaction() as s:
        await repo.update_poc(
            s,
            team_id=poc.team_id,
            poc_id=poc.id,
            now=deps.clock(),
            kickoff_message_ts=response["ts"],
        )


async def ensure_member(client: AsyncWebClient, channels: ChannelInfo, channel_id: str) -> bool:
    """Join a public deal channel (reactions only reach channels we are in); a private one
    needs an invitation, which only a member can give."""
    try:
        info = await channels.get(client, channel_id)
        if info.get("is_member"):
            return True
        if info.get("is_private"):
            return False
        await client.conversations_join(channel=channel_id)
        channels.forget(channel_id)
        return True
    except SlackApiError as e:
        log.warning("cannot join %s: %s", channel_id, e.response.get("error"))
        return False


def register(app: AsyncApp) -> None:
    app.view(CALLBACK)(submit_new_poc)
