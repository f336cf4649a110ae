"""Placeholder until this flow is built. Interface other modules rely on is fixed below."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc
from handlers.request import Command


async def open_checkin(cmd: Command) -> None:
    await cmd.ack(text="Coming soon.", response_type="ephemeral")


async def open_checkin_modal(client: AsyncWebClient, *, trigger_id: str, poc: Poc) -> None:
    """Open the check-in modal for this POC (used by /poc checkin, nudges and App Home)."""
    raise NotImplementedError


def register(app: AsyncApp) -> None:
    pass
