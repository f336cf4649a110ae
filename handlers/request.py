"""What every listener needs from a Slack request: who, where, which POC, how to answer."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Deps, deps_of, tenant
from bot.domain import Poc
from bot.views.nudges import acted_blocks
from storage import repo

log = logging.getLogger(__name__)

NO_POC_HERE = (
    "There is no POC in this channel yet. Start one with `/poc new`, "
    "or run this command in the POC's deal channel."
)


@dataclass
class Command:
    """One `/poc …` invocation."""

    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient
    deps: Deps
    team_id: str
    user_id: str
    channel_id: str
    trigger_id: str
    args: str  # the text after the subcommand
    body: dict[str, Any]

    @classmethod
    def of(
        cls,
        *,
        ack: AsyncAck,
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
        command: dict[str, Any],
        args: str,
    ) -> Command:
        return cls(
            ack=ack,
            respond=respond,
            client=client,
            deps=deps_of(context),
            team_id=tenant(context),
            user_id=command["user_id"],
            channel_id=command["channel_id"],
            trigger_id=command.get("trigger_id", ""),
            args=args,
            body=command,
        )

    async def say_privately(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An ephemeral answer through the command's response_url (works in any channel)."""
        await self.respond(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )

    async def poc_here(self) -> Poc | None:
        """The POC of the channel the command was typed in, or None after saying so."""
        poc = await channel_poc(self.deps, team_id=self.team_id, channel_id=self.channel_id)
        if poc is None:
            await self.say_privately(NO_POC_HERE)
        return poc


async def channel_poc(deps: Deps, *, team_id: str, channel_id: str) -> Poc | None:
    async with deps.db.session() as s:
        row = await repo.live_poc_for_channel(s, team_id=team_id, channel_id=channel_id)
        if row is None or row.id is None:
            return None
        return await repo.load_poc(s, team_id=team_id, poc_id=row.id)


async def poc_by_value(deps: Deps, *, team_id: str, value: str | None) -> Poc | None:
    """The POC named by a button or metadata value — only if it belongs to this team.

    Values come back from Slack as the user's client sent them: never trust the id alone.
    """
    try:
        poc_id = int((value or "").split(":", 1)[0])
    except ValueError:
        return None
    async with deps.db.session() as s:
        return await repo.load_poc(s, team_id=team_id, poc_id=poc_id)


async def tell_user(
    client: AsyncWebClient, *, user_id: str, channel_id: str | None, text: str, blocks: Any = None
) -> None:
    """An ephemeral note in the channel if possible, else a DM: the user must hear back."""
    if channel_id:
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as e:
            log.info("ephemeral to %s in %s failed (%s); sending a DM", user_id, channel_id, e)
    try:
        await client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as e:
        log.warning("could not reach %s: %s", user_id, e.response.get("error"))


async def user_tz(client: AsyncWebClient, user_id: str, default: str) -> str:
    """The user's timezone from their Slack profile: dates they type mean their local days."""
    try:
        info = await client.users_info(user=user_id)
        return info["user"].get("tz") or default
    except SlackApiError:
        return default


def metadata_poc_id(view: dict[str, Any]) -> int | None:
    """The POC id a modal carries in private_metadata (set by us when we opened it)."""
    try:
        return int(json.loads(view.get("private_metadata") or "{}")["poc_id"])
    except (ValueError, KeyError, TypeError):
        return None


async def modal_poc(
    deps: Deps, *, team_id: str, view: dict[str, Any], outline: bool = False
) -> Poc | None:
    """The POC a submitted modal belongs to (`outline`: see repo.load_pocs)."""
    poc_id = metadata_poc_id(view)
    if poc_id is None:
        return None
    async with deps.db.session() as s:
        return await repo.load_poc(s, team_id=team_id, poc_id=poc_id, outline=outline)


def local_noon(day: Any, tz: str, now: datetime) -> datetime:
    """When something that happened on `day` is recorded: now if today, else local noon."""
    zone = ZoneInfo(tz)
    if now.astimezone(zone).date() == day:
        return now
    return datetime.combine(day, time(12), zone).astimezone(UTC)


GONE = "This POC is no longer open here. Close this window and try `/poc status`."
NOT_YOURS = "That POC is not one of yours (or it has been closed)."


async def clicked_poc(
    body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> Poc | None:
    """The POC a button's value names, within the clicker's installation; else say so."""
    poc = await poc_by_value(deps_of(context), team_id=tenant(context), value=action.get("value"))
    if poc is None:
        await tell_user(
            client,
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or {}).get("id"),
            text=NOT_YOURS,
        )
    return poc


async def show_acted(client: AsyncWebClient, body: dict[str, Any], *, key: str, note: str) -> None:
    """Replace the acted-on nudge's buttons with what was done, for everyone in the channel."""
    message = body.get("message")
    channel_id = (body.get("channel") or {}).get("id")
    if not message or not channel_id:
        return
    try:
        await client.chat_update(
            channel=channel_id,
            ts=message["ts"],
            text=message.get("text") or note,
            blocks=acted_blocks(message.get("blocks") or [], key=key, note=note),
        )
    except SlackApiError as e:
        log.info("could not update the nudge message: %s", e.response.get("error"))
