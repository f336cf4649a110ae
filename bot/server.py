"""The HTTP face of the bot: Slack's requests in, a health check for the platform."""

from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

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


def web_app(bolt: AsyncApp | None, db: Database) -> web.Application:
    """`bolt=None` serves only /healthz (Socket Mode still wants a port for the platform)."""

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    probe = HealthProbe(db)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await probe()
        # The pid tells which of several web workers answered (`serve --workers N`).
        return web.json_response({"ok": ok, "pid": os.getpid()}, status=200 if ok else 503)

    app = web.Application()
    app.on_cleanup.append(probe.close)
    app.router.add_get("/healthz", healthz)
    if bolt is not None:
        app.router.add_post(EVENTS_PATH, slack_events)
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
        log.info("listening on http://%s:%s (POST %s, GET /healthz)", host, self.port, EVENTS_PATH)
        return self.port

    async def stop(self) -> None:
        await self._runner.cleanup()
