"""Long-running processes: `serve` (HTTP or Socket Mode, with or without the clock), `migrate`.

Each says what it is doing in one log line per fact (database, Slack team, address, clock)
and stops within seconds of SIGTERM or SIGINT, whatever the database is doing.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import dates, public_holidays
from bot.app import build_app
from bot.config import ConfigError, Settings
from bot.deps import Deps, close_client
from bot.server import Server, web_app
from bot.startup import open_database, stop_event
from scheduler.clock import Clock
from storage import tenants

log = logging.getLogger(__name__)


async def run_migrate(settings: Settings) -> None:
    db = await open_database(settings)
    await db.dispose()


async def _introduce(deps: Deps, client: AsyncWebClient) -> None:
    """Say which Slack this process serves: one team's token (checked now), or installs."""
    if deps.settings.oauth:
        async with deps.db.session() as s:
            served = await tenants.served_teams(session=s)
        log.info("OAuth install: serving %d installed workspace(s)", len(served))
        return
    try:
        auth = await client.auth_test()
    except SlackApiError as e:
        raise ConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({e.response.get('error')}); "
            "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page"
        ) from e
    deps.bot_user_id = auth.get("user_id")
    log.info("connected to Slack team %s as %s", auth.get("team"), auth.get("user"))


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
        public_holidays.warm()  # …nor /poc new for the holidays library's (~0.3 s)
        deps = Deps(settings=settings, db=db)
        app = build_app(deps)
        opened.push_async_callback(close_client, app.client)
        await _introduce(deps, app.client)

        stop = stop_event()
        socket = None
        if settings.socket_mode:
            # Imported only when asked for: HTTP deployments never load Socket Mode's client.
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
            clock = Clock(settings, db=db, client=None)
            opened.push_async_callback(clock.stop)
            await clock.start()
        await stop.wait()
        log.info("shutting down")
    if socket is not None:
        socket.raise_if_refused()  # Slack stopped taking SLACK_APP_TOKEN: exit 2
