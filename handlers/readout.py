"""Placeholder until this flow is built. Interface other modules rely on is fixed below."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Deps
from bot.domain import Poc
from handlers.request import Command


async def post_readout(cmd: Command) -> None:
    await cmd.ack(text="Coming soon.", response_type="ephemeral")


async def publish_readout(client: AsyncWebClient, deps: Deps, *, poc: Poc, user_id: str) -> None:
    """Post the read-out of this POC in its deal channel (used by /poc readout and nudges)."""
    raise NotImplementedError


def register(app: AsyncApp) -> None:
    pass
