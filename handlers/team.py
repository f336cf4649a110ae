"""The Team view's pages and filters: a manager's click on [Previous] / [Next], a choice in a
filter, [Clear filters] or the Team / Your POCs switch publishes their App Home again.

What the view showed comes back in its `private_metadata`; the action changes it
(bot/views/team.py `after_action`). Whether the clicker is a manager is checked again on every
click (handlers/home.py): someone no longer named sees their own POCs, whatever they click.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of, tenant
from bot.views.team import ACTIONS, after_action, read_state
from handlers.guard import Listeners
from handlers.home import publish_home_for
from handlers.payloads import body_user_id


async def on_team_action(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    found = body.get("actions")
    action = found[0] if isinstance(found, list) and found and isinstance(found[0], dict) else {}
    state = after_action(read_state(view.get("private_metadata")), action)
    await publish_home_for(
        client, deps_of(context), team_id=tenant(context), user_id=body_user_id(body), state=state
    )


def register(app: Listeners) -> None:
    for action_id in ACTIONS:
        app.action(action_id, writes=False)(on_team_action)
