"""The HTTP face of the bot: Slack's requests in, a health check for the platform."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.inbound import Refusal, screen
from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: /healthz answers within this many seconds, whatever the database does: a platform's probe
#: (Docker's HEALTHCHECK, a load balancer) gives up after a few seconds and learns nothing.
HEALTH_BUDGET_S = 1.0
#: Seconds requests under way may take to finish after SIGTERM (aiohttp's default is 60:
#: longer than any platform waits before SIGKILL). Slack wants its ack within 3 s anyway.
SHUTDOWN_GRACE_S = 4.0


class HealthProbe:
    """Does the database answer? At most one probe in flight, an answer within the budget.

    The answer does not wait for the probe's clean-up: a query cut off on a partitioned
    connection takes seconds more to put away. Requests that come meanwhile share the probe
    under way instead of each taking a connection of their own.
    """

    def __init__(self, db: Database, *, budget: float = HEALTH_BUDGET_S) -> None:
        self.db = db
        self.budget = budget
        self._probe: asyncio.Task[bool] | None = None

    async def __call__(self) -> bool:
        probe = self._probe
        if probe is None or probe.done():
            probe = self._probe = asyncio.create_task(self.db.ping(within=self.budget))
        done, _ = await asyncio.wait({probe}, timeout=self.budget)
        return bool(done) and probe.result()

    async def close(self, _app: web.Application | None = None) -> None:
        if self._probe is not None and not self._probe.done():
            self._probe.cancel()


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
        try:
            answer = await bolt.async_dispatch(screened)
        except Exception as e:
            # Bolt's own error handling can fail on a signed body of a shape Slack never
            # sends (a view without a type): listeners are guarded, so this is the request.
            log.warning("Bolt could not handle a request to %s: %r", EVENTS_PATH, e)
            return web.Response(status=400, text="not a Slack payload Bolt can handle")
        return await to_aiohttp_response(answer)

    return handle


def oauth_pages(bolt: AsyncApp) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """GET /slack/install and /slack/oauth_redirect: Bolt's OAuth flow (bot/installations.py).
    No signature here: the browser of the person installing comes, not Slack."""
    flow = bolt.oauth_flow
    assert flow is not None

    async def handle(request: web.Request) -> web.StreamResponse:
        asked = await to_bolt_request(request)
        if request.path == flow.install_path:
            answer = await flow.handle_installation(asked)
        else:
            answer = await flow.handle_callback(asked)
        return await to_aiohttp_response(answer)

    return handle


def web_app(
    bolt: AsyncApp | None, db: Database, *, signing_secret: str | None = None
) -> web.Application:
    """`bolt=None` serves only /healthz (Socket Mode still wants a port for the platform)."""

    probe = HealthProbe(db)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await probe()
        # The pid tells which of several web workers answered (`serve --workers N`).
        return web.json_response({"ok": ok, "pid": os.getpid()}, status=200 if ok else 503)

    app = web.Application()
    app.on_cleanup.append(probe.close)
    app.router.add_get("/healthz", healthz)
    if bolt is not None:
        if not signing_secret:
            raise ValueError("serving /slack/events needs the signing secret")
        app.router.add_post(EVENTS_PATH, slack_events(bolt, signing_secret))
        if bolt.oauth_flow is not None:
            pages = oauth_pages(bolt)
            app.router.add_get(bolt.oauth_flow.install_path, pages)
            app.router.add_get(bolt.oauth_flow.redirect_uri_path, pages)
    return app


class Server:
    """An aiohttp site on the running event loop, so the clock can share it."""

    def __init__(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_S)
        self.port: int | None = None

    async def start(self, host: str = "0.0.0.0", port: int = 0, *, reuse_port: bool = False) -> int:
        """`reuse_port`: bind with SO_REUSEPORT, beside sibling workers on the same port."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_port=reuse_port or None)
        try:
            await site.start()
        except OSError:  # the port is taken, the address is not ours: nothing left open
            await self._runner.cleanup()
            raise
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
