"""What the SE reads when a channel that held the POC's internal content becomes readable
by the prospect (bot/exposed.py)."""

from __future__ import annotations

from bot.domain import Poc
from bot.text import plural
from bot.views.text import clip, escape

#: What is said on the internal channel field of `/poc new` when the prospect can read it.
READABLE_CHANNEL = (
    "The prospect can read this channel (it is shared with another organisation, or has "
    "guests or members of another team): verdicts and sponsor alerts must not go there. "
    "Pick a channel only your team is in, or leave this empty: the SE and AE then get them "
    "by DM."
)


def exposed_text(poc: Poc, channel_id: str, *, deleted: int) -> str:
    """The SE's notice, once: where the alerts go now, and what was deleted."""
    gone = (
        f"I deleted my {plural(deleted, 'internal message')} there"
        if deleted
        else "None of my internal messages is left there"
    )
    return clip(
        f"The prospect can now read <#{channel_id}>, the internal channel of the "
        f"{escape(poc.prospect)} POC (it was shared, or a guest or someone from another team "
        f"joined). {gone}; its verdicts and alerts come to you and the AE by direct message "
        "from now on.",
        3000,
    )
