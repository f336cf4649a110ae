"""The scheduler's message: every nudge due for one POC in one sweep, each with its buttons.

One message per POC per sweep (signal, not noise), unless its nudges would not fit in one:
then as few messages as hold them all (`nudge_batches`), never a trimmed one. A button shows
once per message, on the first nudge that has it; [Snooze 1 day] is each nudge's own. Button values
carry the POC id and the nudge key; handlers/actions.py checks the POC belongs to the
clicking team.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from bot.domain import Nudge, NudgeKind, Poc
from bot.views.lifecycle import OUTCOME_ACTIONS, OUTCOME_LABELS
from bot.views.text import (
    MAX_MESSAGE_BLOCKS,
    actions,
    button,
    clip,
    context,
    escape,
    fit_blocks,
    section,
)
from bot.views.values import button_value

T = TypeVar("T")

#: A message is a context line, then a section and an actions block per nudge.
NUDGES_PER_MESSAGE = (MAX_MESSAGE_BLOCKS - 1) // 2

#: How a POC ended, closed from a nudge (handlers/lifecycle.py).
OUTCOME_BUTTONS = tuple((OUTCOME_LABELS[o], action) for action, o in OUTCOME_ACTIONS.items())
#: (label, action_id) of each nudge's own buttons; every nudge also gets [Snooze 1 day].
BUTTONS: dict[NudgeKind, tuple[tuple[str, str], ...]] = {
    NudgeKind.cadence: (("Log check-in", "nudge_checkin"),),
    NudgeKind.milestone: (("Mark done", "nudge_milestone_done"), ("Move date", "nudge_move_date")),
    NudgeKind.readout_ready: (("Post read-out", "nudge_readout"),),
    NudgeKind.overrun: (("Post read-out", "nudge_readout"), ("Extend", "lifecycle_extend")),
    NudgeKind.scope_creep: (("Park for Phase 2", "scope_park"), ("Accept change", "scope_accept")),
    NudgeKind.exec_unbriefed: (("Log sponsor engagement", "nudge_sponsor"),),
    NudgeKind.sponsor_stalled: (("Log sponsor engagement", "nudge_sponsor"),),
    # A check-in of any format is the champion heard from again (facts.champion_silence).
    NudgeKind.champion_silent: (("Log check-in", "nudge_checkin"),),
    NudgeKind.exec_disengaged: (("Log sponsor engagement", "nudge_sponsor"),),
    NudgeKind.paused: (("Resume", "lifecycle_resume"),),
    NudgeKind.outcome_due: OUTCOME_BUTTONS,
    NudgeKind.auto_close_warning: (*OUTCOME_BUTTONS, ("Extend", "lifecycle_extend")),
}
SNOOZE = ("Snooze 1 day", "nudge_snooze")
#: Buttons about one thing in the POC, named by their value (a milestone, a scope change):
#: the same button on another thing does something else. Every other button of BUTTONS acts
#: on the whole POC (a modal, the read-out, the outcome), whichever nudge carries it.
ABOUT_ONE_THING = frozenset(
    {"nudge_milestone_done", "nudge_move_date", "scope_park", "scope_accept"}
)

ICONS = {
    NudgeKind.cadence: "🗓️",
    NudgeKind.milestone: "📍",
    NudgeKind.readout_ready: "🧾",
    NudgeKind.overrun: "⏰",
    NudgeKind.scope_creep: "🧭",
    NudgeKind.exec_unbriefed: "🚨",
    NudgeKind.sponsor_stalled: "🚨",
    NudgeKind.champion_silent: "🔕",
    NudgeKind.exec_disengaged: "🚨",
    NudgeKind.paused: "⏸",
    NudgeKind.outcome_due: "🏁",
    NudgeKind.auto_close_warning: "⌛",
}


def value(poc: Poc, nudge: Nudge, action_id: str) -> str:
    """The scope-creep buttons name the scope change; every other one the nudge's key."""
    if action_id in ("scope_park", "scope_accept"):
        return button_value(poc.id, nudge.subject)
    return button_value(poc.id, nudge.key)


def safe_text(poc: Poc, text: str) -> str:
    """A nudge's text made inert, then its people's Slack ids turned back into mentions.

    Governance quotes what people typed (sponsor names, scope-change details, criteria), so
    the text is escaped whole; the only mentions are the POC's own stakeholders' ids.
    """
    text = escape(text)
    for uid in sorted({p.user_id for p in poc.stakeholders if p.user_id}, key=len, reverse=True):
        text = re.sub(rf"(?<![@\w]){re.escape(uid)}(?!\w)", f"<@{uid}>", text)
    return text


def nudge_batches(items: Sequence[T], per_message: int = NUDGES_PER_MESSAGE) -> list[list[T]]:
    """Nudges (or anything paired with them) in as few messages as hold them, evenly: 31 go
    as 16 and 15. Whatever is cut from a message is lost to its reader, so nothing is."""
    if not items:
        return []
    messages = -(-len(items) // per_message)
    size = -(-len(items) // messages)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _own_buttons(poc: Poc, nudge: Nudge, shown: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """This nudge's own (label, action_id)s but those an earlier nudge of the message already
    shows: two [Post read-out] in one message are noise. The message is in priority order,
    so the most urgent nudge keeps the button. `shown` collects what this one shows."""
    own = []
    for label, action_id in BUTTONS.get(nudge.kind, ()):
        target = value(poc, nudge, action_id) if action_id in ABOUT_ONE_THING else ""
        if (action_id, target) not in shown:
            shown.add((action_id, target))
            own.append((label, action_id))
    return own


def nudge_blocks(
    poc: Poc,
    nudges: Sequence[Nudge],
    *,
    part: tuple[int, int] | None = None,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """One message's blocks; `part` (1, 2) says "1 of 2" when the nudges span messages.
    More nudges than NUDGES_PER_MESSAGE are trimmed: split them with `nudge_batches` first.
    `owner`: in the deal channel, whom each nudge names as the one who takes it on."""
    internal = any(n.internal for n in nudges)
    head = f"*{escape(poc.prospect)}* POC in <#{poc.channel_id}>"
    if internal:
        head += " · _internal: not shown to the prospect_"
    if part is not None and part[1] > 1:
        head += f" · {part[0]} of {part[1]}"
    blocks: list[dict[str, Any]] = [context(head)]
    shown: set[tuple[str, str]] = set()
    for n in nudges:
        icon = ICONS.get(n.kind, "•")
        named = f" — <@{owner}>" if owner else ""
        blocks.append(section(f"{icon} {safe_text(poc, n.text)}{named}", block_id=f"text:{n.key}"))
        own = [button(label, a, value(poc, n, a)) for label, a in _own_buttons(poc, n, shown)]
        snooze = button(SNOOZE[0], SNOOZE[1], button_value(poc.id, n.key))
        blocks.append(actions(*own, snooze, block_id=f"nudge:{n.key}"))
    return fit_blocks(blocks)


def nudge_text(poc: Poc, nudges: Sequence[Nudge]) -> str:
    """The notification and screen-reader text: the first nudge, and how many more."""
    if not nudges:
        return f"{escape(poc.prospect)} POC"
    more = f" (+{len(nudges) - 1} more)" if len(nudges) > 1 else ""
    return clip(f"{escape(poc.prospect)} POC: {safe_text(poc, nudges[0].text)}{more}", 300)


def acted_blocks(blocks: list[dict[str, Any]], *, key: str, note: str) -> list[dict[str, Any]]:
    """The message after someone acted on one nudge: its buttons become a line saying so."""
    out = []
    for b in blocks:
        if b.get("block_id") == f"nudge:{key}":
            out.append({**context(note), "block_id": f"done:{key}"})
        else:
            out.append(b)
    return out


def refusal_notice(poc: Poc, destination: str, *, is_dm: bool, error: str) -> str:
    """What the SE (or AE) reads, once, when a destination refuses the POC's nudges."""
    prospect = escape(poc.prospect)
    if is_dm:
        return (
            f"I can't send direct messages to <@{destination}> ({error}), so the "
            f"{prospect} POC's internal alerts no longer reach them. They still reach the "
            "other owners."
        )
    if destination != poc.channel_id:
        return (
            f"I couldn't post the {prospect} POC's internal alerts in "
            f"<#{destination}> ({error}). Type `/invite @pocbot` there; until then "
            "they come to you and the AE by direct message."
        )
    why = {
        "not_in_channel": "I'm not a member of it. Type `/invite @pocbot` there",
        "channel_not_found": "I can't find it any more (deleted, or private without me). "
        "Invite me with `/invite @pocbot` there, or start the POC again in its new channel",
        "is_archived": "it is archived. Unarchive it and type `/invite @pocbot`",
    }[error]
    return (
        f"I couldn't post today's reminders for the {prospect} POC in "
        f"<#{poc.channel_id}>: {why}. I've paused its nudges there until then."
    )
