"""App Home: every POC the user takes part in, at a glance, within Slack's 100 blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import LIVE_STATUSES, MILESTONE_TITLES, Poc
from bot.rules import days_left, health, next_milestone, score
from bot.views.status import HEALTH_EMOJI, days_left_words
from bot.views.text import (
    MAX_VIEW_BLOCKS,
    actions,
    button,
    context,
    day,
    divider,
    escape,
    header,
    section,
)
from bot.views.values import button_value

BLOCKS_PER_POC = 3  # section, actions, divider


def home_view(
    pocs: Sequence[Poc], now: datetime, *, settings: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """`settings`: the workspace settings' blocks, at the end, for those who may change them."""
    blocks: list[dict[str, Any]] = [header("Your POCs")]
    tail = settings or []
    if not pocs:
        blocks.append(
            section(
                "You're not part of a POC yet. In a deal channel, type `/poc new` to set one up: "
                "go/no-go, objective criteria, a Mutual Evaluation Plan and daily nudges."
            )
        )
        return {"type": "home", "blocks": blocks + ([divider(), *tail] if tail else [])}
    ordered = sorted(pocs, key=lambda p: (p.status not in LIVE_STATUSES, p.end, p.id))
    room = (MAX_VIEW_BLOCKS - len(blocks) - 1 - len(tail)) // BLOCKS_PER_POC
    for poc in ordered[:room]:
        s = score(poc.criteria)
        live = poc.status in LIVE_STATUSES
        state = (
            f"{HEALTH_EMOJI[health(poc, now)]} {days_left_words(days_left(poc, now))}"
            if live
            else f"_{poc.status.value}_"
        )
        nxt = next_milestone(poc, now) if live else None
        nxt_words = f" · next: {MILESTONE_TITLES[nxt[0]]} {day(nxt[1])}" if nxt else ""
        blocks += [
            section(
                f"*{escape(poc.prospect)}* in <#{poc.channel_id}> · {state}\n"
                f"✅ {s.passed} · ❌ {s.failed} · ⏳ {s.pending}{nxt_words}"
            ),
            actions(
                button("Status", "home_status", button_value(poc.id)),
                button("Log check-in", "home_checkin", button_value(poc.id)),
                block_id=f"home:{poc.id}",
            ),
            divider(),
        ]
    if len(ordered) > room:
        blocks.append(
            context(f"…and {len(ordered) - room} more POCs: `/poc status` in their channels.")
        )
    return {"type": "home", "blocks": blocks + tail}
