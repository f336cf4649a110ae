"""A sweep in a process of its own: `python -m tests.scheduler.sweeper URL SCHEMA API NOW`.

The two-clock test starts two of these at once against one PostgreSQL schema: separate
processes, separate connections, one sent-log.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from bot.config import Settings
from bot.deps import close_client, web_client
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from storage.db import Database


async def main(url: str, schema: str, api_url: str, now: str) -> None:
    db = Database(url, schema=schema or None)
    client = web_client(
        Settings(slack_bot_token="xoxb-sandbox", slack_api_url=api_url), retry_server_errors=False
    )
    try:
        delivery = Delivery(db, pacer=Pacer(0))
        report = await sweep(db, client, datetime.fromisoformat(now), delivery=delivery)
    finally:
        await close_client(client)
        await db.dispose()
    print(json.dumps({"claimed": report.claimed, "sent": report.delivery.sent}))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
