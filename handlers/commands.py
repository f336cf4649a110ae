"""`/poc <subcommand>`: route to the flow that owns it; anything else gets help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.help import help_blocks, help_text
from handlers import checkins, criteria, poc_new, readout, scope, sponsor, status
from handlers.request import Command

Subcommand = Callable[[Command], Awaitable[None]]

ROUTES: dict[str, Subcommand] = {
    "new": poc_new.open_new_poc,
    "criteria": criteria.open_criteria,
    "criterion": criteria.open_criteria,
    "checkin": checkins.open_checkin,
    "check-in": checkins.open_checkin,
    "status": status.show_status,
    "sponsor": sponsor.open_sponsor,
    "park": scope.park_request,
    "readout": readout.post_readout,
    "read-out": readout.post_readout,
}


async def handle_poc(
    ack: AsyncAck,
    command: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    name, _, args = (command.get("text") or "").strip().partition(" ")
    route = ROUTES.get(name.lower())
    if route is None:
        # help, an empty /poc, or a typo: answer in the ack itself, no I/O needed.
        unknown = name if name and name.lower() != "help" else None
        await ack(text=help_text(unknown), blocks=help_blocks(unknown), response_type="ephemeral")
        return
    await route(
        Command.of(
            ack=ack,
            respond=respond,
            client=client,
            context=context,
            command=command,
            args=args.strip(),
        )
    )


def register(app: AsyncApp) -> None:
    app.command("/poc")(handle_poc)
