"""`python -m bench.bare_bolt`: the yardstick — a Bolt app whose listeners only ack().

It runs on pocbot's own server stack (aiohttp, `bot.server`) with the same settings, so the
latency benchmark's pocbot/bare ratio is the cost of pocbot's own work and nothing else.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.config import Settings, load_settings
from bot.deps import web_client
from bot.server import Server, web_app
from bot.startup import stop_event
from storage.db import Database


def bare_app(settings: Settings) -> AsyncApp:
    app = AsyncApp(client=web_client(settings), signing_secret=settings.slack_signing_secret)

    async def just_ack(ack: Any) -> None:
        await ack()

    app.command("/poc")(just_ack)
    app.view("poc_new")(just_ack)
    app.view("poc_criteria")(just_ack)
    app.event("reaction_added")(just_ack)
    return app


async def main() -> None:
    settings = load_settings()
    db = Database(settings.database_url)
    settings.require_slack()
    server = Server(web_app(bare_app(settings), db, signing_secret=settings.slack_signing_secret))
    stop = stop_event()
    await server.start(settings.host, settings.port)
    try:
        await stop.wait()
    finally:
        await server.stop()
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
