"""Placeholder until this flow is built. Interface other modules rely on is fixed below."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc
from handlers.request import Command


async def open_sponsor(cmd: Command) -> None:
    await cmd.ack(text="Coming soon.", response_type="ephemeral")


async def open_sponsor_modal(client: AsyncWebClient, *, trigger_id: str, poc: Poc) -> None:
    """Open the sponsor-engagement modal for this POC (used by /poc sponsor and nudges)."""
    raise NotImplementedError


def register(app: AsyncApp) -> None:
    pass
