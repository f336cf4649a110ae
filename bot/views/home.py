"""App Home: every POC the user takes part in, at a glance, within Slack's 100 blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.domain import MILESTONE_TITLES, Poc, Status
from bot.rules import (
    days_left,
    health,
    in_scope,
    insider,
    is_closed,
    local_today,
    next_milestone,
    score,
)
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
    pocs: Sequence[Poc],
    now: datetime,
    *,
    viewer: str | None = None,
    settings: list[dict[str, Any]] | None = None,
    top: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The POCs running (soonest end first), then the history of those closed (newest first);
    how each ended is said to our side (`viewer` the SE or AE), "closed" to anyone else.
    `settings`: the workspace settings' blocks, at the end, for those who may change them.
    `top`: blocks under the title (a manager's way back to the Team view)."""
    blocks: list[dict[str, Any]] = [header("Your POCs"), *top]
    tail = settings or []
    if not pocs:
        blocks.append(
            section(
                "You're not part of a POC yet. In a deal channel, type `/poc new` to set one up: "
                "go/no-go, objective criteria, a Mutual Evaluation Plan and daily nudges."
            )
        )
        return {"type": "home", "blocks": blocks + ([divider(), *tail] if tail else [])}
    running = sorted((p for p in pocs if not is_closed(p)), key=lambda p: (p.end, p.id))
    closed = sorted((p for p in pocs if is_closed(p)), key=_closed_order, reverse=True)
    room = MAX_VIEW_BLOCKS - len(blocks) - 1 - len(tail)  # one left for "…and N more"
    shown = 0
    if not running:
        blocks.append(section("Nothing running right now: `/poc new` in a deal channel."))
        room -= 1
    for poc in running:
        if room < BLOCKS_PER_POC:
            break
        blocks += _running(poc, now)
        room -= BLOCKS_PER_POC
        shown += 1
    # History only once everything running is shown: what is running matters more.
    if closed and shown == len(running) and room > 1:
        blocks.append(header("History"))
        room -= 1
        for poc in closed[:room]:
            blocks.append(_closed(poc, outcome=viewer is not None and insider(poc, viewer)))
            shown += 1
    if shown < len(pocs):
        blocks.append(
            context(f"…and {len(pocs) - shown} more POCs: `/poc status` in their channels.")
        )
    return {"type": "home", "blocks": blocks + tail}


def _running(poc: Poc, now: datetime) -> list[dict[str, Any]]:
    s = score(in_scope(poc))
    if poc.status == Status.paused:
        since = f" since {day(local_today(poc.paused_at, poc.tz))}" if poc.paused_at else ""
        state = f"⏸ _paused{since}_"
    else:
        state = f"{HEALTH_EMOJI[health(poc, now)]} {days_left_words(days_left(poc, now))}"
    nxt = next_milestone(poc, now)
    nxt_words = f" · next: {MILESTONE_TITLES[nxt[0]]} {day(nxt[1])}" if nxt else ""
    return [
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


def _closed_order(poc: Poc) -> tuple[datetime, int]:
    return (poc.closed_at or poc.created_at or datetime.min.replace(tzinfo=UTC), poc.id)


def _closed(poc: Poc, *, outcome: bool) -> dict[str, Any]:
    """A closed POC in one block, with how it ended if the viewer is on our side."""
    s = score(in_scope(poc))
    when = f" {day(local_today(poc.closed_at, poc.tz))}" if poc.closed_at else ""
    state = poc.status.value.replace("_", " ") if outcome else "closed"
    return section(
        f"*{escape(poc.prospect)}* in <#{poc.channel_id}> · "
        f"_{state}_{when} · ✅ {s.passed} of {s.total} criteria",
        accessory=button("Status", "home_status", button_value(poc.id)),
        block_id=f"history:{poc.id}",
    )
