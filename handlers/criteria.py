"""Placeholder until this flow is built."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.request import Command


async def open_criteria(cmd: Command) -> None:
    await cmd.ack(text="Coming soon.", response_type="ephemeral")


def register(app: AsyncApp) -> None:
    pass
