"""App Home: `app_home_opened` publishes the user's POCs."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of, tenant
from bot.views.home import home_view
from handlers.guard import Listeners
from storage import snapshots


async def publish_home(client: AsyncWebClient, context: AsyncBoltContext, user_id: str) -> None:
    deps = deps_of(context)
    async with deps.db.session() as s:
        pocs = await snapshots.pocs_for_member(session=s, team_id=tenant(context), user_id=user_id)
    await client.views_publish(user_id=user_id, view=home_view(pocs, deps.clock(), viewer=user_id))


async def on_home_opened(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab
    await publish_home(client, context, event["user"])


def register(app: Listeners) -> None:
    app.event("app_home_opened")(on_home_opened)
