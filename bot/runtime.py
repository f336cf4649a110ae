"""Long-running processes: `serve` (HTTP or Socket Mode, with or without the clock), `migrate`."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from slack_sdk.errors import SlackApiError

from bot import dates
from bot.app import Deps, build_app, close_client
from bot.config import ConfigError, Settings
from bot.server import Server, web_app
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def open_database(settings: Settings) -> Database:
    """Connect and bring the schema up to date, or stop with a message that says what is wrong."""
    db = Database(settings.database_url)
    try:
        await upgrade(db)
    except Exception as e:
        await db.dispose()
        raise ConfigError(f"cannot use DATABASE_URL ({db.engine.url!r}): {e}") from e
    return db


async def run_migrate(settings: Settings) -> None:
    db = await open_database(settings)
    await db.dispose()
    print(f"pocbot: schema is up to date on {db.engine.url!r}")


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # platforms without signal handlers
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_serve(settings: Settings, *, with_clock: bool) -> None:
    settings.require_slack()
    dates.warm()  # the first user should not pay for loading dateparser's data
    db = await open_database(settings)
    deps = Deps(settings=settings, db=db)
    app = build_app(deps)
    try:
        auth = await app.client.auth_test()
    except SlackApiError as e:
        await close_client(app.client)
        await db.dispose()
        raise ConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({e.response.get('error')}); "
            "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page"
        ) from e
    deps.bot_user_id = auth.get("user_id")
    log.info("connected to Slack team %s as %s", auth.get("team"), auth.get("user"))

    stop = _stop_event()
    socket_handler = None
    if settings.socket_mode:
        from bot.socket_mode import connect

        try:
            socket_handler = await connect(app, str(settings.slack_app_token), stop=stop)
        except ConfigError:
            await close_client(app.client)
            await db.dispose()
            raise
        server = Server(web_app(None, db))  # /healthz only
    else:
        server = Server(web_app(app, db, signing_secret=settings.slack_signing_secret))
    await server.start(settings.host, settings.port)

    clock = None
    if with_clock:
        from scheduler.clock import Clock

        clock = Clock(settings, db=db, client=None)
        await clock.start()
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        if clock is not None:
            await clock.stop()
        if socket_handler is not None:
            await socket_handler.close_async()
        await server.stop()
        await close_client(app.client)
        await db.dispose()
    if socket_handler is not None:
        socket_handler.raise_if_refused()  # Slack stopped taking SLACK_APP_TOKEN: exit 2
