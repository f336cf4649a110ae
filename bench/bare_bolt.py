"""`python -m bench.bare_bolt [--workers N]`: the yardstick — a Bolt app whose listeners only ack().

It runs on pocbot's own server stack (aiohttp, `bot.server`) with the same settings, so the
latency benchmark's pocbot/bare ratio is the cost of pocbot's own work and nothing else.
`--workers N`: N processes on one port with SO_REUSEPORT, as `serve --workers N` runs pocbot,
so a row with two pocbot processes is compared with two bare ones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
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


async def serve(*, reuse_port: bool) -> None:
    settings = load_settings()
    db = Database(settings.database_url)
    settings.require_slack()
    server = Server(web_app(bare_app(settings), db, signing_secret=settings.slack_signing_secret))
    stop = stop_event()
    await server.start(settings.host, settings.port, reuse_port=reuse_port)
    try:
        await stop.wait()
    finally:
        await server.stop()
        await db.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=1)
    workers = p.parse_args().workers
    if workers <= 1:
        asyncio.run(serve(reuse_port=False))
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            asyncio.run(serve(reuse_port=True))
            os._exit(0)
        children.append(pid)

    def forward(signum: int, _frame: object) -> None:
        for pid in children:
            os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for pid in children:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
