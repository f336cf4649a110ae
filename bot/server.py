"""The HTTP face of the bot: Slack's requests in, a health check for the platform."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.inbound import Refusal, screen
from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def slack_events(
    bolt: AsyncApp, signing_secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """POST /slack/events: signature first, then Bolt; malformed requests get 400, not 500."""
    verifier = SignatureVerifier(signing_secret)

    async def handle(request: web.Request) -> web.StreamResponse:
        screened = screen(
            await request.read(), request.headers, verifier=verifier, query=request.query_string
        )
        if isinstance(screened, Refusal):
            log.info(
                "refused a request to %s: %s %s", EVENTS_PATH, screened.status, screened.reason
            )
            return web.Response(status=screened.status, text=screened.reason)
        return await to_aiohttp_response(await bolt.async_dispatch(screened))

    return handle


def web_app(
    bolt: AsyncApp | None, db: Database, *, signing_secret: str | None = None
) -> web.Application:
    """`bolt=None` serves only /healthz (Socket Mode still wants a port for the platform)."""

    async def healthz(_request: web.Request) -> web.Response:
        ok = await db.ping()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if bolt is not None:
        if not signing_secret:
            raise ValueError("serving /slack/events needs the signing secret")
        app.router.add_post(EVENTS_PATH, slack_events(bolt, signing_secret))
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
        routes = ", ".join(  # Socket Mode serves no /slack/events: say what is served
            f"{r.method} {r.resource.canonical}"
            for r in self._runner.app.router.routes()
            if r.method != "HEAD" and r.resource is not None
        )
        log.info("listening on http://%s:%s (%s)", host, self.port, routes)
        return self.port

    async def stop(self) -> None:
        await self._runner.cleanup()
