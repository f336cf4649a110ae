"""Text that is safe to post, and within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# One copy of each, shared with the rules (which may not import views): re-exported here.
from bot.text import clip as clip
from bot.text import day as day
from bot.text import plural as plural

#: Slack's limits (checked in tests: slack_sdk validates structure, not all of these).
MAX_TEXT = 3000  # section text, mrkdwn or plain
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TITLE = 24  # modal title
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
#: An option's value: a select whose option is longer cannot be opened at all (views.open
#: answers invalid_arguments, and the user sees nothing). Values are short keys, never names.
MAX_OPTION_VALUE = 150
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK_TEXT = 4000


def escape(text: str) -> str:
    """User text made inert in mrkdwn: no <!channel>, no <https://evil|link>, no fake mentions.

    Slack asks for exactly these three: & < > (https://api.slack.com/reference/surfaces/formatting).
    """
    # NUL is dropped too: it is never meant, and a database or a client may choke on it.
    return text.replace("\x00", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user(user_id: str | None) -> str:
    """A mention for a Slack user id we stored (never user-typed text)."""
    return f"<@{user_id}>" if user_id else "_nobody_"


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_TEXT)}, **extra}


def context(*texts: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(t, MAX_TEXT)} for t in texts[:10]],
    }


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(
    label: str, action_id: str, value: str = "", *, style: str | None = None, url: str | None = None
) -> dict[str, Any]:
    b: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
    }
    if value:
        b["value"] = _short(value, MAX_BUTTON_VALUE)
    if style:
        b["style"] = style
    if url:
        b["url"] = url
    return b


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(clip(label, MAX_OPTION_TEXT)), "value": _short(value, MAX_OPTION_VALUE)}


def _short(value: str, limit: int) -> str:
    """A value we send and read back: too long is our bug (a name where a key belongs), and
    clipping would silently pick the wrong thing — so fail loudly, in tests first."""
    if len(value) > limit:
        raise ValueError(f"a value of {len(value)} characters (Slack's limit is {limit})")
    return value


def bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def fit_blocks(
    blocks: list[dict[str, Any]], limit: int = MAX_MESSAGE_BLOCKS
) -> list[dict[str, Any]]:
    """Keep a message within Slack's block limit, saying what was left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    return [*kept, context(f"…and {len(blocks) - len(kept)} more blocks not shown.")]
