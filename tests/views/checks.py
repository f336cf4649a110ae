"""Checks shared by the view tests, on top of tests/blockkit.py (slack_sdk and Slack's limits)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.blockkit import check_blocks, check_view, mrkdwn_texts
from tests.views.factories import EVIL_ESCAPED

__all__ = [
    "assert_escaped",
    "check_blocks",
    "check_view",
    "elements",
    "input_ids",
    "mrkdwn_texts",
    "selected",
    "state",
    "text_value",
]


def assert_escaped(blocks: list[dict[str, Any]], *texts: str) -> None:
    """The evil string appears escaped in mrkdwn, and never raw in mrkdwn or fallback text."""
    all_mrkdwn = list(mrkdwn_texts(blocks))
    assert any(EVIL_ESCAPED in t for t in all_mrkdwn), "the escaped text is not shown at all"
    for t in [*all_mrkdwn, *texts]:
        assert "<!channel>" not in t, t
        assert "<https://evil" not in t, t


def elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every interactive element of the actions blocks."""
    for b in blocks:
        if b["type"] == "actions":
            yield from b["elements"]


def input_ids(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Input blocks by block_id; each element's action_id is its block_id (the contract)."""
    found = {}
    for b in view["blocks"]:
        if b["type"] == "input":
            assert b["element"]["action_id"] == b["block_id"]
            found[b["block_id"]] = b
    return found


def text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def selected(value: str | None) -> dict[str, Any]:
    option = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {"type": "static_select", "selected_option": option}


def state(**elements_by_block: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """A Slack-shaped `view.state.values`: {block_id: {action_id: element state}}."""
    return {block_id: {block_id: element} for block_id, element in elements_by_block.items()}
