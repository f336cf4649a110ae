"""Reading what people typed into modals: Slack's `view.state.values`, one element per block."""

from __future__ import annotations

from typing import Any

from bot.views.text import option

State = dict[str, dict[str, dict[str, Any]]]

#: The value of a ticked `checkbox`.
TICKED = "yes"


def field(values: State, block_id: str) -> Any:
    """The value of the single element in an input block, whatever its type; None if empty."""
    element = next(iter(values.get(block_id, {}).values()), None)
    if not element:
        return None
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        value = element.get("value")
        return value.strip() if isinstance(value, str) and value.strip() else None
    if kind in ("static_select", "radio_buttons", "external_select"):
        selected = element.get("selected_option")
        return selected["value"] if selected else None
    if kind == "checkboxes":
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "multi_conversations_select":
        return element.get("selected_conversations") or []
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


def ticked(values: State, block_id: str) -> bool:
    """Whether the one box of a `checkbox` block is ticked."""
    return TICKED in (field(values, block_id) or [])


def checkbox(block_id: str, label: str, text: str) -> dict[str, Any]:
    """An optional input with one box to tick, read back with `ticked`."""
    element = {"type": "checkboxes", "action_id": block_id, "options": [option(text, TICKED)]}
    return input_block(block_id, label, element, optional=True)


def text_input(
    block_id: str,
    label: str,
    *,
    placeholder: str = "",
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    max_length: int = 3000,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder[:150]}
    if initial:
        element["initial_value"] = initial[:max_length]
    return input_block(block_id, label, element, optional=optional, hint=hint)


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label[:2000]},
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint[:2000]}
    return block


def select(action_id: str, options: list[dict[str, Any]], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element
