"""Long-running processes: `serve` (HTTP or Socket Mode, with or without the clock), `migrate`.

Each says what it is doing in one log line per fact (database, Slack team, address, clock)
and stops within seconds of SIGTERM or SIGINT, whatever the database is doing.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack, suppress

from slack_sdk.errors import SlackApiError

from bot import dates
from bot.app import Deps, build_app, close_client
from bot.config import ConfigError, Settings
from bot.server import Server, web_app
from storage.db import Database, UnsupportedDatabase, failure_reason, shown_url
from storage.migrate import upgrade

log = logging.getLogger(__name__)


def database(settings: Settings) -> Database:
    """The Database the settings describe, with their timeouts (0 s statement timeout: none)."""
    try:
        return Database(
            settings.database_url,
            connect_timeout=settings.database_connect_timeout,
            statement_timeout=settings.database_statement_timeout or None,
        )
    except UnsupportedDatabase as e:
        raise ConfigError(f"DATABASE_URL: {e}") from e


async def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Connect and bring the schema up to date, or stop with one line that says what is wrong."""
    db = database(settings)
    where = f"DATABASE_URL ({shown_url(settings.database_url)})"
    try:
        async with db.engine.connect():
            pass
    except Exception as e:
        await db.dispose()
        waited = f"{settings.database_connect_timeout:g} s (DATABASE_CONNECT_TIMEOUT)"
        raise ConfigError(f"cannot connect to {where}: {failure_reason(e, waited=waited)}") from e
    if not migrate:
        return db
    try:
        before, after = await upgrade(db)
    except Exception as e:
        await db.dispose()
        waited = f"{settings.database_statement_timeout:g} s (DATABASE_STATEMENT_TIMEOUT)"
        raise ConfigError(f"cannot migrate {where}: {failure_reason(e, waited=waited)}") from e
    shown = shown_url(settings.database_url)
    if before == after:
        log.info("database %s: schema up to date (revision %s)", shown, after)
    else:
        log.info("database %s: schema migrated from %s to %s", shown, before or "empty", after)
    return db


async def run_migrate(settings: Settings) -> None:
    db = await open_database(settings)
    await db.dispose()


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # platforms without signal handlers
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_serve(
    settings: Settings, *, with_clock: bool, migrate: bool = True, reuse_port: bool = False
) -> None:
    """One web process. `reuse_port`: a worker sharing the port with its siblings."""
    settings.require_slack()
    # Whatever start-up opened is closed again, in reverse order, however it ends.
    async with AsyncExitStack() as opened:
        db = await open_database(settings, migrate=migrate)
        opened.push_async_callback(db.dispose, stopping=True)
        dates.warm()  # the first user should not pay for loading dateparser's data
        deps = Deps(settings=settings, db=db)
        app = build_app(deps)
        opened.push_async_callback(close_client, app.client)
        try:
            auth = await app.client.auth_test()
        except SlackApiError as e:
            raise ConfigError(
                f"Slack rejected SLACK_BOT_TOKEN ({e.response.get('error')}); "
                "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page"
            ) from e
        deps.bot_user_id = auth.get("user_id")
        log.info("connected to Slack team %s as %s", auth.get("team"), auth.get("user"))

        stop = _stop_event()
        socket = None
        if settings.socket_mode:
            from bot.socket_mode import connect

            socket = await connect(app, str(settings.slack_app_token), stop=stop)
            opened.push_async_callback(socket.close_async)
            server = Server(web_app(None, db))  # /healthz only
        else:
            server = Server(web_app(app, db, signing_secret=settings.slack_signing_secret))
        try:
            await server.start(settings.host, settings.port, reuse_port=reuse_port)
        except OSError as e:
            where = f"{settings.host}:{settings.port}"
            raise ConfigError(f"cannot listen on {where} (HOST, PORT): {e.strerror}") from e
        opened.push_async_callback(server.stop)

        if with_clock:
            from scheduler.clock import Clock

            clock = Clock(settings, db=db, client=None)
            opened.push_async_callback(clock.stop)
            await clock.start()
        await stop.wait()
        log.info("shutting down")
    if socket is not None:
        socket.raise_if_refused()  # Slack stopped taking SLACK_APP_TOKEN: exit 2
