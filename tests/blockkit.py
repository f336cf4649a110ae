"""Every Block Kit payload the bot sends, checked with slack_sdk's models and Slack's limits.

slack_sdk validates only model objects, and not every limit: the counts, the modal title and
text lengths are checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.slack_api import SlackStandIn
from bot.views.text import MAX_MESSAGE_BLOCKS, MAX_TEXT, MAX_TITLE, MAX_VIEW_BLOCKS


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def check_blocks(blocks: list[dict[str, Any]], *, limit: int = MAX_MESSAGE_BLOCKS) -> None:
    assert len(blocks) <= limit, f"{len(blocks)} blocks > {limit}"
    for b in blocks:
        parsed = Block.parse(b)
        assert parsed is not None, f"unknown block {b}"
        parsed.validate_json()
    for text in _texts(blocks):
        assert len(text) <= MAX_TEXT, f"text of {len(text)} characters"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), f"duplicate block_id in {block_ids}"


def check_view(view: dict[str, Any]) -> None:
    clean = {k: v for k, v in view.items() if k not in ("id", "hash", "how", "state")}
    View(**clean).validate_json()
    check_blocks(view.get("blocks", []), limit=MAX_VIEW_BLOCKS)
    if view.get("type") == "modal":
        assert len(view["title"]["text"]) <= MAX_TITLE


def check_everything_sent(slack: SlackStandIn) -> int:
    """Validate every message, view and response the bot sent; returns how many."""
    n = 0
    for message in slack.posts(ephemeral=None):
        check_blocks(message.blocks)
        assert message.text, "a message without fallback text (notifications, screen readers)"
        n += 1
    for view in [*slack.opened, *slack.home.values()]:
        check_view(view)
        n += 1
    for response in slack.responses:
        check_blocks(response.get("blocks") or [])
        n += 1
    return n


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Texts Slack parses for mentions and links (plain_text shows `<!channel>` as written)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item)


def assert_inert(messages: Any, *needles: str) -> None:
    """No message's fallback text or mrkdwn carries any of `needles` unescaped."""
    for message in messages:
        for text in [message.text, *mrkdwn_texts(message.blocks)]:
            for needle in needles:
                assert needle not in text, f"{needle!r} posted unescaped: {text[:200]!r}"
