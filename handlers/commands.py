"""`/poc <subcommand>`: route to the flow that owns it; anything else gets help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.help import help_blocks, help_text
from handlers import (
    checkins,
    criteria,
    export,
    holidays,
    lifecycle,
    poc_new,
    readout,
    replan,
    report,
    scope,
    sponsor,
    status,
    templates,
)
from handlers.guard import Listeners
from handlers.request import Command

Subcommand = Callable[[Command], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Route:
    run: Subcommand
    #: it changes something (a failure then says "nothing was saved", not "couldn't look")
    writes: bool = False


ROUTES: dict[str, Route] = {
    "new": Route(poc_new.open_new_poc),
    "criteria": Route(criteria.open_criteria),
    "criterion": Route(criteria.open_criteria),
    "checkin": Route(checkins.open_checkin),
    "check-in": Route(checkins.open_checkin),
    "status": Route(status.show_status),
    "sponsor": Route(sponsor.open_sponsor),
    "park": Route(scope.park_request, writes=True),
    "readout": Route(readout.post_readout, writes=True),
    "read-out": Route(readout.post_readout, writes=True),
    "holidays": Route(holidays.holidays_command, writes=True),
    "close": Route(lifecycle.close, writes=True),
    "extend": Route(replan.open_extend),
    "move": Route(replan.open_move),
    "pause": Route(lifecycle.pause, writes=True),
    "resume": Route(lifecycle.resume, writes=True),
    "history": Route(lifecycle.show_history),
    "export": Route(export.export_command),
    "template": Route(templates.template_command, writes=True),
    "report": Route(report.show_report),
}


def subcommand(command: dict[str, Any]) -> tuple[str, str]:
    """(`park`, `SSO via Okta`) from `/poc park SSO via Okta`."""
    name, _, args = str(command.get("text") or "").strip().partition(" ")
    return name.lower(), args.strip()


def writes(command: dict[str, Any]) -> bool:
    route = ROUTES.get(subcommand(command)[0])
    return route is not None and route.writes


async def handle_poc(
    ack: AsyncAck,
    command: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    name, args = subcommand(command)
    route = ROUTES.get(name)
    if route is None:
        # help, an empty /poc, or a typo: answer in the ack itself, no I/O needed.
        unknown = str(command.get("text") or "").strip().partition(" ")[0] or None
        if unknown and unknown.lower() == "help":
            unknown = None
        await ack(text=help_text(unknown), blocks=help_blocks(unknown), response_type="ephemeral")
        return
    await route.run(
        Command.of(
            ack=ack, respond=respond, client=client, context=context, command=command, args=args
        )
    )


def register(app: Listeners) -> None:
    app.command("/poc", writes=writes)(handle_poc)
