"""What every listener opens with: the request (who, in which team, how to answer, the key
that makes a replay change nothing) and the POC it is about, if this person may act on it.

`on_click` and `on_submission` turn a flow's function of a `Click` or `Submission` into a
Bolt listener, so the flows do not repeat Bolt's arguments and the opening that follows.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps, deps_of, tenant
from bot.domain import Poc
from bot.rules import Act, Actor, insider, is_closed, may, open_to
from bot.views.lifecycle import already_closed, closed_here
from bot.views.refusals import refusal
from bot.views.values import ButtonValue, read_button_value, read_modal_poc_id
from handlers.payloads import (
    body_actor,
    body_channel_id,
    first_input,
    trigger_key,
    view_key,
    view_values,
)
from handlers.replies import show_acted, tell_user
from storage import lifecycle, replays, snapshots

log = logging.getLogger(__name__)

NO_POC_HERE = (
    "There is no POC in this channel yet. Start one with `/poc new`, "
    "or run this command in the POC's deal channel."
)
GONE = "This POC is no longer open here. Close this window and try `/poc status`."
NOT_YOURS = "That POC is not one of yours (or it has been closed)."


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
    #: what lets the answer open a modal (within 3 s of the request)
    trigger_id: str | None

    @staticmethod
    def opening(
        *, ack: AsyncAck, client: AsyncWebClient, context: AsyncBoltContext, body: dict[str, Any]
    ) -> dict[str, Any]:
        """The fields every kind of request reads the same way."""
        team_id = tenant(context)
        return {
            "ack": ack,
            "client": client,
            "deps": deps_of(context),
            "team_id": team_id,
            "actor": body_actor(body, team_id),
        }

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    def may(self, act: Act, poc: Poc | None) -> bool:
        return may(act, poc, self.actor)

    async def open_modal(self, view: dict[str, Any]) -> None:
        await self.client.views_open(trigger_id=self.trigger_id or "", view=view)

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


@dataclass
class Command(Request):
    """One `/poc …` invocation."""

    respond: AsyncRespond
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
            **cls.opening(ack=ack, client=client, context=context, body=command),
            channel_id=command.get("channel_id"),
            key=trigger_key(command),
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

    async def open_for(self, act: Act, modal: Callable[[Poc], dict[str, Any]]) -> None:
        """Ack, then open `modal(poc)` for this channel's POC if this person may `act` on it."""
        await self.ack()
        poc = await self.poc_here(act)
        if poc is not None:
            await self.open_modal(modal(poc))

    async def poc_here(self, act: Act) -> Poc | None:
        """The POC of the channel the command was typed in, if this person may `act` on it;
        else None after saying why. A channel whose POC is over answers with that POC for
        what may still be done to it (status, history), and says it is closed otherwise."""
        poc = None
        if self.channel_id:
            poc = await channel_poc(self.deps, team_id=self.team_id, channel_id=self.channel_id)
        if poc is None:
            await self.say_privately(NO_POC_HERE)
        elif not open_to(act, poc):
            await self.say_privately(closed_here(poc, internal=insider(poc, self.user_id)))
            return None
        elif not self.may(act, poc):
            await self.say_privately(refusal(act, poc))
            return None
        return poc


@dataclass
class Click(Request):
    """A button pressed in a message, App Home or a modal."""

    body: dict[str, Any]
    action_id: str
    #: what the button's value names (None: no POC, a forged or garbled value)
    value: ButtonValue | None

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
        return cls(
            **cls.opening(ack=ack, client=client, context=context, body=body),
            channel_id=body_channel_id(body),
            key=trigger_key(body),
            body=body,
            action_id=str(action.get("action_id") or ""),
            value=read_button_value(str(action.get("value") or "")),
            trigger_id=body.get("trigger_id"),
        )

    @property
    def detail(self) -> str:
        """What the value names after the POC id (`poc_id:detail`), or ''."""
        return self.value.detail if self.value is not None else ""

    async def tell(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        await tell_user(
            self.client, user_id=self.user_id, channel_id=self.channel_id, text=text, blocks=blocks
        )

    async def show_done(self, note: str, *, key: str | None = None) -> None:
        """The clicked nudge (`key`, default the one the button names) now says what was done."""
        await show_acted(self.client, self.body, key=self.detail if key is None else key, note=note)

    async def poc(self, act: Act) -> Poc | None:
        """The POC the button's value names, within the clicker's installation, if this person
        may `act` on it; else None after telling them why.

        Values come back from Slack as the user's client sent them: never trust the id alone.
        """
        poc = None
        if self.value is not None:
            poc = await poc_by_id(self.deps, team_id=self.team_id, poc_id=self.value.poc_id)
        if poc is None:
            await self.tell(NOT_YOURS)
        elif not self.may(act, poc):
            await self.tell(refusal(act, poc))
            return None
        elif not open_to(act, poc):  # a button on an old message of a POC now closed
            await self.tell(already_closed(poc))
            return None
        return poc

    async def note_activity(self, poc: Poc) -> None:
        """A click by someone on the POC is a sign of life (the champion-silent rule)."""
        if self.user_id in poc.evaluator_ids and not is_closed(poc):
            async with self.deps.db.transaction() as s:
                await lifecycle.touch_active(
                    session=s,
                    team_id=self.team_id,
                    poc_id=poc.id,
                    user_id=self.user_id,
                    at=self.deps.clock(),
                )


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
        view = body.get("view")
        view = view if isinstance(view, dict) else {}
        return cls(
            **cls.opening(ack=ack, client=client, context=context, body=body),
            channel_id=None,
            key=view_key(view),
            trigger_id=body.get("trigger_id"),
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

    async def show_errors(self, errors: dict[str, str]) -> None:
        """Keep the modal open with each error under its field (block id)."""
        await self.ack(response_action="errors", errors=errors)

    async def poc(self, act: Act, *, outline: bool = False) -> Poc | None:
        """The POC the modal belongs to, if this person may `act` on it; else None after
        keeping the modal open with the reason (`outline`: see snapshots.load_pocs)."""
        poc_id = read_modal_poc_id(self.view.get("private_metadata"))
        poc = None
        if poc_id is not None:
            poc = await poc_by_id(self.deps, team_id=self.team_id, poc_id=poc_id, outline=outline)
        if poc is None:
            await self.refuse(GONE)
        elif not self.may(act, poc):
            await self.refuse(refusal(act, poc))
            return None
        elif not open_to(act, poc):  # closed while the modal was open
            await self.refuse(already_closed(poc))
            return None
        return poc


# ---------------------------------------------------------------- openings as Bolt listeners

Listener = Callable[..., Awaitable[None]]


def on_click(act: Act, flow: Callable[[Click, Poc], Awaitable[None]]) -> Listener:
    """A Bolt listener for a button about a POC: ack at once, then `flow(click, poc)` if the
    clicker may `act` on the POC the button names (else they are told why)."""

    async def clicked(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        click = Click.of(ack=ack, body=body, action=action, context=context, client=client)
        poc = await click.poc(act)
        if poc is not None:
            await flow(click, poc)
            await click.note_activity(poc)

    return _named(clicked, flow)


def on_submission(flow: Callable[[Submission], Awaitable[None]]) -> Listener:
    """A Bolt listener for a modal's submission: `flow(submission)`, which acks."""

    async def submitted(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await flow(Submission.of(ack=ack, body=body, context=context, client=client))

    return _named(submitted, flow)


def _named(listener: Listener, flow: Callable[..., Any]) -> Listener:
    """The listener under the flow's name: logs and failures name the flow."""
    listener.__name__, listener.__qualname__ = flow.__name__, flow.__qualname__
    listener.__doc__ = flow.__doc__
    return listener


# ---------------------------------------------------------------- finding the POC


async def channel_poc(deps: Deps, *, team_id: str, channel_id: str) -> Poc | None:
    """The channel's POC not over yet, else its last one (closed), else None."""
    async with deps.db.session() as s:
        row = await snapshots.live_poc_for_channel(
            session=s, team_id=team_id, channel_id=channel_id
        )
        if row is None:
            row = await lifecycle.last_poc_for_channel(
                session=s, team_id=team_id, channel_id=channel_id
            )
        if row is None or row.id is None:
            return None
        return await snapshots.load_poc(session=s, team_id=team_id, poc_id=row.id)


async def poc_by_id(deps: Deps, *, team_id: str, poc_id: int, outline: bool = False) -> Poc | None:
    """The POC with this id, only if it belongs to this team (`outline`: see load_pocs)."""
    async with deps.db.session() as s:
        if outline:
            return await snapshots.load_outline(session=s, team_id=team_id, poc_id=poc_id)
        return await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id)


def local_noon(day: Any, tz: str, now: datetime) -> datetime:
    """When something that happened on `day` is recorded: now if today, else local noon."""
    zone = ZoneInfo(tz)
    if now.astimezone(zone).date() == day:
        return now
    return datetime.combine(day, time(12), zone).astimezone(UTC)
