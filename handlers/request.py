"""What every listener needs from a Slack request: who, where, which POC, how to answer."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps, deps_of, tenant
from bot.domain import Poc, Role
from bot.governance import Act, Actor, may, who_may
from bot.views.nudges import acted_blocks
from bot.views.text import user
from storage import replays, snapshots

log = logging.getLogger(__name__)

NO_POC_HERE = (
    "There is no POC in this channel yet. Start one with `/poc new`, "
    "or run this command in the POC's deal channel."
)


# ---------------------------------------------------------------- reading Slack's payloads
# Slack leaves fields out (a modal's state without values, a click outside a channel); every
# read here tolerates that, so no KeyError reaches Bolt.


def body_user_id(body: dict[str, Any]) -> str:
    """Who acted: `user.id` in interactivity, `user_id` in a command, `event.user` in events."""
    who = body.get("user")
    if isinstance(who, dict) and who.get("id"):
        return str(who["id"])
    if isinstance(who, str):
        return who
    event = body.get("event")
    return str(body.get("user_id") or (event.get("user") if isinstance(event, dict) else "") or "")


def body_channel_id(body: dict[str, Any]) -> str | None:
    """The channel a command was typed in or a button was clicked in (None: App Home, a modal)."""
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id") or None
    container = body.get("container")
    found = body.get("channel_id") or (
        container.get("channel_id") if isinstance(container, dict) else None
    )
    return str(found) if found else None


def body_actor(body: dict[str, Any], team_id: str) -> Actor:
    """The person acting, and whether they come from the installing team (a Slack Connect
    partner's people carry their own team: `user.team_id`, or a command's `team_id`)."""
    who = body.get("user")
    home = who.get("team_id") if isinstance(who, dict) else None
    if home is None and "command" in body:
        home = body.get("team_id")
    return Actor(user_id=body_user_id(body), of_our_team=home is None or home == team_id)


def view_values(view: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values`, or nothing (then every required field is reported missing)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def first_input(view: dict[str, Any]) -> str | None:
    """The first input block of a modal: where an error shows without scrolling."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


# ---------------------------------------------------------------- who may act

#: What each act is called when someone may not do it ("only … can <this>").
ACT_WORDS: dict[Act, str] = {
    Act.start_poc: "start a POC",
    Act.see_status: "see this POC's status",
    Act.log_checkin: "log its check-ins",
    Act.add_criterion: "add its criteria",
    Act.log_engagement: "log its sponsor engagements",
    Act.park: "park requests for Phase 2",
    Act.post_readout: "post its read-out",
    Act.answer_readout: "answer the read-out",
    Act.snooze: "snooze its reminders",
    Act.mark_done: "mark its milestones done",
    Act.resolve_scope: "park or accept its scope changes",
}


def refusal(act: Act, poc: Poc | None) -> str:
    """A polite no that says who can, and who to ask."""
    se = poc.person(Role.se) if poc is not None else None
    ask = f" {user(se.user_id)} runs this POC." if se is not None and se.user_id else ""
    return f"Sorry — only {who_may(act)} can {ACT_WORDS[act]}.{ask}"


# ---------------------------------------------------------------- requests


@dataclass
class Request:
    """What every command, click and submission opens with: who, in which team, how to reply,
    and the key that makes a replay of the same signed request change nothing."""

    ack: AsyncAck
    client: AsyncWebClient
    deps: Deps
    team_id: str
    actor: Actor
    channel_id: str | None
    #: `trigger:<id>` for commands and clicks, `view:<id>:<hash>` for submissions
    key: str | None

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    def may(self, act: Act, poc: Poc | None) -> bool:
        return may(act, poc, self.actor)

    @asynccontextmanager
    async def once(self) -> AsyncIterator[AsyncSession | None]:
        """The transaction of a request that writes; None inside when it was already handled.

        The request's key is claimed in the same transaction as the write, so both commit
        or neither does: a replay finds the key, a retry after a failure does not.
        """
        async with self.deps.db.transaction() as s:
            if self.key and not await replays.claim_request(
                session=s, team_id=self.team_id, key=self.key, now=self.deps.clock()
            ):
                log.info("%s was already handled: a replay changes nothing", self.key)
                yield None
                return
            yield s


def _trigger_key(body: dict[str, Any]) -> str | None:
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None


@dataclass
class Command(Request):
    """One `/poc …` invocation."""

    respond: AsyncRespond
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
        team_id = tenant(context)
        return cls(
            ack=ack,
            client=client,
            deps=deps_of(context),
            team_id=team_id,
            actor=body_actor(command, team_id),
            channel_id=command.get("channel_id"),
            key=_trigger_key(command),
            respond=respond,
            trigger_id=command.get("trigger_id", ""),
            args=args,
            body=command,
        )

    async def say_privately(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An ephemeral answer through the command's response_url (works in any channel)."""
        await self.respond(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )

    async def poc_here(self, act: Act) -> Poc | None:
        """The POC of the channel the command was typed in, if this person may `act` on it;
        else None after saying why."""
        poc = None
        if self.channel_id:
            poc = await channel_poc(self.deps, team_id=self.team_id, channel_id=self.channel_id)
        if poc is None:
            await self.say_privately(NO_POC_HERE)
        elif not self.may(act, poc):
            await self.say_privately(refusal(act, poc))
            return None
        return poc


@dataclass
class Click(Request):
    """A button pressed in a message, App Home or a modal."""

    body: dict[str, Any]
    action_id: str
    value: str
    trigger_id: str | None

    @classmethod
    def of(
        cls,
        *,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> Click:
        team_id = tenant(context)
        return cls(
            ack=ack,
            client=client,
            deps=deps_of(context),
            team_id=team_id,
            actor=body_actor(body, team_id),
            channel_id=body_channel_id(body),
            key=_trigger_key(body),
            body=body,
            action_id=str(action.get("action_id") or ""),
            value=str(action.get("value") or ""),
            trigger_id=body.get("trigger_id"),
        )

    @property
    def detail(self) -> str:
        """What the value names after the POC id (`poc_id:detail`), or ''."""
        return self.value.split(":", 1)[1] if ":" in self.value else ""

    async def tell(self, text: str) -> None:
        await tell_user(self.client, user_id=self.user_id, channel_id=self.channel_id, text=text)

    async def poc(self, act: Act) -> Poc | None:
        """The POC the button's value names, within the clicker's installation, if this person
        may `act` on it; else None after telling them why."""
        poc = await poc_by_value(self.deps, team_id=self.team_id, value=self.value)
        if poc is None:
            await self.tell(NOT_YOURS)
        elif not self.may(act, poc):
            await self.tell(refusal(act, poc))
            return None
        return poc


@dataclass
class Submission(Request):
    """A modal submitted: its view, what was typed, and the field errors are shown on."""

    view: dict[str, Any]
    values: dict[str, Any]

    @classmethod
    def of(
        cls,
        *,
        ack: AsyncAck,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> Submission:
        team_id = tenant(context)
        view = body.get("view")
        view = view if isinstance(view, dict) else {}
        key = f"view:{view['id']}:{view.get('hash', '')}" if view.get("id") else None
        return cls(
            ack=ack,
            client=client,
            deps=deps_of(context),
            team_id=team_id,
            actor=body_actor(body, team_id),
            channel_id=None,
            key=key,
            view=view,
            values=view_values(view),
        )

    @property
    def field(self) -> str:
        """Where errors about the whole form go: the modal's first input."""
        return first_input(self.view) or "_"

    async def refuse(self, text: str, field: str | None = None) -> None:
        """Keep the modal open with `text` on `field` (default: the first input)."""
        await self.ack(response_action="errors", errors={field or self.field: text})

    async def poc(self, act: Act, *, outline: bool = False) -> Poc | None:
        """The POC the modal belongs to, if this person may `act` on it; else None after
        keeping the modal open with the reason (`outline`: see snapshots.load_pocs)."""
        poc = await modal_poc(self.deps, team_id=self.team_id, view=self.view, outline=outline)
        if poc is None:
            await self.refuse(GONE)
        elif not self.may(act, poc):
            await self.refuse(refusal(act, poc))
            return None
        return poc


async def channel_poc(deps: Deps, *, team_id: str, channel_id: str) -> Poc | None:
    async with deps.db.session() as s:
        row = await snapshots.live_poc_for_channel(
            session=s, team_id=team_id, channel_id=channel_id
        )
        if row is None or row.id is None:
            return None
        return await snapshots.load_poc(session=s, team_id=team_id, poc_id=row.id)


async def poc_by_value(deps: Deps, *, team_id: str, value: str | None) -> Poc | None:
    """The POC named by a button or metadata value — only if it belongs to this team.

    Values come back from Slack as the user's client sent them: never trust the id alone.
    """
    try:
        poc_id = int((value or "").split(":", 1)[0])
    except ValueError:
        return None
    async with deps.db.session() as s:
        return await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id)


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
        return (info.get("user") or {}).get("tz") or default
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
    """The POC a submitted modal belongs to (`outline`: see snapshots.load_pocs)."""
    poc_id = metadata_poc_id(view)
    if poc_id is None:
        return None
    async with deps.db.session() as s:
        return await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id, outline=outline)


def local_noon(day: Any, tz: str, now: datetime) -> datetime:
    """When something that happened on `day` is recorded: now if today, else local noon."""
    zone = ZoneInfo(tz)
    if now.astimezone(zone).date() == day:
        return now
    return datetime.combine(day, time(12), zone).astimezone(UTC)


GONE = "This POC is no longer open here. Close this window and try `/poc status`."
NOT_YOURS = "That POC is not one of yours (or it has been closed)."


async def show_acted(client: AsyncWebClient, body: dict[str, Any], *, key: str, note: str) -> None:
    """Replace the acted-on nudge's buttons with what was done, for everyone in the channel."""
    message = body.get("message")
    channel_id = body_channel_id(body)
    if not isinstance(message, dict) or not message.get("ts") or not channel_id:
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
