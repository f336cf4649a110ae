"""Reading Slack's payloads: who acted, where, and what a modal holds.

Slack leaves fields out (a modal's state without values, a click outside a channel); every
read here tolerates that, so no KeyError reaches Bolt.
"""

from __future__ import annotations

from typing import Any

from bot.rules import Actor


def body_user_id(body: dict[str, Any]) -> str:
    """Who acted: `user.id` in interactivity, `user_id` in a command, `event.user` in events."""
    who = body.get("user")
    if isinstance(who, dict) and who.get("id"):
        return str(who["id"])
    if isinstance(who, str):
        return who
    event = body.get("event")
    return str(body.get("user_id") or (event.get("user") if isinstance(event, dict) else "") or "")


def body_channel_id(body: dict[str, Any]) -> str | None:
    """The channel a command was typed in or a button was clicked in (None: App Home, a modal)."""
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id") or None
    container = body.get("container")
    found = body.get("channel_id") or (
        container.get("channel_id") if isinstance(container, dict) else None
    )
    return str(found) if found else None


def body_actor(body: dict[str, Any], team_id: str) -> Actor:
    """The person acting, and whether they come from the installing team (a Slack Connect
    partner's people carry their own team: `user.team_id`, or a command's `team_id`)."""
    who = body.get("user")
    home = who.get("team_id") if isinstance(who, dict) else None
    if home is None and "command" in body:
        home = body.get("team_id")
    return Actor(user_id=body_user_id(body), of_our_team=home is None or home == team_id)


def view_values(view: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values`, or nothing (then every required field is reported missing)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def first_input(view: dict[str, Any]) -> str | None:
    """The first input block of a modal: where an error shows without scrolling."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def trigger_key(body: dict[str, Any]) -> str | None:
    """What makes a replayed command or click recognisable: its trigger id."""
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None


def view_key(view: dict[str, Any]) -> str | None:
    """What makes a replayed submission recognisable: the view and the hash of its state."""
    return f"view:{view['id']}:{view.get('hash', '')}" if view.get("id") else None
