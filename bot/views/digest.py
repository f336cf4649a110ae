"""A person's digest: their internal alerts for the day, all POCs in one direct message.

One section per POC (what is due about it, most urgent first) and one row of buttons under
it, each action once: two alerts that both want [Log sponsor engagement] share the button.
[Snooze 1 day] there snoozes the POC's alerts for a business day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain import Nudge, Poc
from bot.views.nudges import BUTTONS, ICONS, SNOOZE, safe_text, value
from bot.views.text import (
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT,
    actions,
    button,
    clip,
    context,
    day,
    escape,
    section,
)
from bot.views.values import button_value

#: Snooze every alert of a POC (the digest's one [Snooze 1 day] per POC).
SNOOZE_ALL = "*"
#: A digest is a context line, then a section and a row of buttons per POC.
POCS_PER_MESSAGE = (MAX_MESSAGE_BLOCKS - 1) // 2

Section = tuple[Poc, Sequence[Nudge]]


def digest_batches(sections: Sequence[Section]) -> list[list[Section]]:
    """Sections in as few messages as hold them (24 POCs a message): none is cut."""
    return [
        list(sections[i : i + POCS_PER_MESSAGE]) for i in range(0, len(sections), POCS_PER_MESSAGE)
    ]


def _buttons(poc: Poc, nudges: Sequence[Nudge]) -> list[dict[str, Any]]:
    """Each action once, for the first (most urgent) alert that offers it; then the snooze."""
    seen: set[str] = set()
    out = []
    for n in nudges:
        for label, action_id in BUTTONS.get(n.kind, ()):
            if action_id not in seen:
                seen.add(action_id)
                out.append(button(label, action_id, value(poc, n, action_id)))
    out.append(button(SNOOZE[0], SNOOZE[1], button_value(poc.id, SNOOZE_ALL)))
    return out[:25]  # Slack's limit for one actions block


def poc_section(poc: Poc, nudges: Sequence[Nudge]) -> str:
    head = f"*{escape(poc.prospect)}* POC in <#{poc.channel_id}>"
    lines = [f"{ICONS.get(n.kind, '•')} {safe_text(poc, n.text)}" for n in nudges]
    return clip("\n".join([head, *lines]), MAX_TEXT)


def digest_blocks(
    sections: Sequence[Section], today: date, *, part: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """One digest message; `part` says "1 of 2" when the POCs span messages."""
    head = f"Your POC alerts for {day(today)} · _internal: not shown to the prospect_"
    if part is not None and part[1] > 1:
        head += f" · {part[0]} of {part[1]}"
    blocks: list[dict[str, Any]] = [context(head)]
    for poc, nudges in sections[:POCS_PER_MESSAGE]:
        blocks.append(section(poc_section(poc, nudges), block_id=f"text:{poc.id}"))
        blocks.append(actions(*_buttons(poc, nudges), block_id=f"poc:{poc.id}"))
    return blocks


def digest_text(sections: Sequence[Section]) -> str:
    """The notification: how many POCs need something, and the first of them."""
    if not sections:
        return "Your POC alerts"
    poc, nudges = sections[0]
    first = f"{escape(poc.prospect)}: {safe_text(poc, nudges[0].text)}" if nudges else ""
    many = f"{len(sections)} POCs need you today. " if len(sections) > 1 else ""
    return clip(f"{many}{first}", 300)
