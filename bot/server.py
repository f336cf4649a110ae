"""The HTTP face of the bot: Slack's requests in, a health check for the platform."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def web_app(bolt: AsyncApp | None, db: Database) -> web.Application:
    """`bolt=None` serves only /healthz (Socket Mode still wants a port for the platform)."""

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await db.ping()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if bolt is not None:
        app.router.add_post(EVENTS_PATH, slack_events)
    return app


class Server:
    """An aiohttp site on the running event loop, so the clock can share it."""

    def __init__(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        self.port: int | None = None

    async def start(self, host: str = "0.0.0.0", port: int = 0) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("listening on http://%s:%s (POST %s, GET /healthz)", host, self.port, EVENTS_PATH)
        return self.port

    async def stop(self) -> None:
        await self._runner.cleanup()
