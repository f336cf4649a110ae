"""What a POC's life says: the closing line (deal channel) and the outcome (internal), a pause
and a resume, and what a channel whose POC is over says about it.

Words for the deal channel are the prospect's to read: neutral, short, no outcome and no
internal rating, the SE named. The outcome, the note and the reasons stay internal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain import MILESTONE_TITLES, MilestoneKind, Poc, Role, Status
from bot.rules import Go, in_scope, local_today, score
from bot.views.kickoff import VERDICT_EMOJI
from bot.views.text import actions, button, clip, context, day, escape, plural, section, user
from bot.views.values import button_value

#: How an outcome is typed after `/poc close` (`no decision` is read as one word too).
OUTCOME_WORDS: Mapping[str, Status] = {
    "won": Status.won,
    "win": Status.won,
    "lost": Status.lost,
    "loss": Status.lost,
    "no-decision": Status.no_decision,
    "no_decision": Status.no_decision,
    "nodecision": Status.no_decision,
}
OUTCOME_LABELS = {Status.won: "Won", Status.lost: "Lost", Status.no_decision: "No decision"}
OUTCOME_ICONS = {Status.won: "🏆", Status.lost: "🔴", Status.no_decision: "⚪"}
#: The outcome buttons (outcome nudge, auto-close warning) and what each one closes with.
OUTCOME_ACTIONS = {
    "lifecycle_won": Status.won,
    "lifecycle_lost": Status.lost,
    "lifecycle_no_decision": Status.no_decision,
}
SHIFT, KEEP = "lifecycle_shift", "lifecycle_keep_dates"
MAX_NOTE = 1000
CLOSE_USAGE = (
    "Say how it ended: `/poc close won`, `/poc close lost` or `/poc close no-decision`, "
    "optionally with a note — `/poc close won Signed the 3-year order`."
)


def read_close(args: str) -> tuple[Status | None, str]:
    """(`won`, "Signed the order") from `/poc close won Signed the order`; None: no outcome."""
    words = args.split(maxsplit=1)
    first = words[0].lower() if words else ""
    rest = words[1] if len(words) > 1 else ""
    if first == "no" and rest.lower().split(maxsplit=1)[:1] == ["decision"]:
        first, rest = "no-decision", rest[len("decision") :]
    return OUTCOME_WORDS.get(first), clip(rest.strip(), MAX_NOTE)


def _se(poc: Poc) -> str:
    se = poc.person(Role.se)
    return f"{user(se.user_id)} (SE)" if se and se.user_id else "the SE"


def closing_line(poc: Poc) -> str:
    """The deal channel's last word: the same whatever the outcome."""
    return (
        f"🏁 The {escape(poc.prospect)} evaluation is complete: thank you all for your time and "
        f"work on it. {_se(poc)} stays your contact."
    )


def outcome_blocks(
    poc: Poc, outcome: Status, *, by: str | None, note: str, today: date
) -> list[dict[str, Any]]:
    """Internal: how it ended, by whom, and what it is worth knowing next to it."""
    s = score(in_scope(poc))
    who = f"by {user(by)}" if by else "by pocbot, after a long silence"
    label = f"{OUTCOME_ICONS[outcome]} *{OUTCOME_LABELS[outcome]}*"
    head = f"{label} — {escape(poc.prospect)} POC closed {who}"
    if note:
        head += f": “{escape(note)}”"
    verdict = Go(poc.kickoff_verdict) if poc.kickoff_verdict in {g.value for g in Go} else None
    facts = [
        f"kickoff verdict {VERDICT_EMOJI[verdict]} {verdict.value}" if verdict else None,
        f"{s.passed} of {s.total} criteria passed",
        _signed(poc),
        f"{day(poc.start)} → {day(today)}",
    ]
    return [
        section(head),
        context(" · ".join([*(f for f in facts if f), f"internal: not in <#{poc.channel_id}>"])),
    ]


def _signed(poc: Poc) -> str:
    if poc.signed_off_at is None:
        return "not signed off"
    return "signed off with exceptions" if poc.signoff_exceptions else "signed off"


def outcome_text(poc: Poc, outcome: Status) -> str:
    return f"{escape(poc.prospect)} POC closed: {OUTCOME_LABELS[outcome].lower()}"


def closed_reply(poc: Poc, outcome: Status) -> str:
    """What the person who closed it reads, privately."""
    return (
        f"{OUTCOME_ICONS[outcome]} Closed: {escape(poc.prospect)} — "
        f"{OUTCOME_LABELS[outcome].lower()}. Its reminders have stopped and "
        f"<#{poc.channel_id}> is free for a new `/poc new`; `/poc history` keeps the record."
    )


def _closed_on(poc: Poc) -> str:
    return f" on {day(local_today(poc.closed_at, poc.tz))}" if poc.closed_at else ""


def already_closed(poc: Poc) -> str:
    when = _closed_on(poc)
    who = f" by {user(poc.closed_by)}" if poc.closed_by else ""
    outcome = OUTCOME_LABELS.get(poc.status, poc.status.value).lower()
    return (
        f"The {escape(poc.prospect)} POC was closed{when}{who} ({outcome}): nothing changes it now."
    )


def closed_here(poc: Poc, *, internal: bool) -> str:
    """`/poc status` (or a plan-changing command) in a channel whose POC is over."""
    when = _closed_on(poc)
    outcome = ""
    if internal:
        label = OUTCOME_LABELS.get(poc.status, poc.status.value).lower()
        outcome = f" — {label}" + (f" (by {user(poc.closed_by)})" if poc.closed_by else "")
    history = " `/poc history` shows its record." if internal else ""
    return (
        f"The {escape(poc.prospect)} POC in this channel was closed{when}{outcome}. "
        f"Start another with `/poc new`.{history}"
    )


# ---------------------------------------------------------------- pause and resume


def paused_reply(poc: Poc) -> str:
    return (
        f"⏸ Paused: {escape(poc.prospect)}. Nothing more goes to <#{poc.channel_id}> while it is "
        "on hold, and you get one internal reminder a week. `/poc resume` when work restarts."
    )


def paused_note(poc: Poc, *, by: str, reason: str) -> str:
    why = f": “{escape(clip(reason, 500))}”" if reason else " (no reason given)"
    return f"⏸ {user(by)} paused the {escape(poc.prospect)} POC{why}. Internal."


def resumed_blocks(poc: Poc, days: int) -> list[dict[str, Any]]:
    """The resume's answer, with the offer to give the time on hold back to the plan."""
    held = plural(days, "business day")
    text = f"▶️ {escape(poc.prospect)} is running again after {held} on hold."
    if days == 0:
        return [section(text)]
    return [
        section(f"{text} Shift the remaining dates and the end by {held}?"),
        actions(
            button(f"Shift by {held}", SHIFT, button_value(poc.id), style="primary"),
            button("Keep the dates", KEEP, button_value(poc.id)),
            block_id="resume_shift",
        ),
    ]


def not_paused(poc: Poc) -> str:
    return f"The {escape(poc.prospect)} POC is not paused: nothing to resume."


def already_paused(poc: Poc) -> str:
    when = f" since {day(local_today(poc.paused_at, poc.tz))}" if poc.paused_at else ""
    return f"The {escape(poc.prospect)} POC is paused already{when}. `/poc resume` to restart it."


# ---------------------------------------------------------------- the plan, for the channel


def plan_lines(poc: Poc, dates: Mapping[MilestoneKind, date]) -> list[str]:
    """The milestones still ahead, with their (new) dates, in the plan's order."""
    order = list(MilestoneKind)
    ahead = [m for m in poc.milestones if m.done_at is None]
    ahead.sort(key=lambda m: order.index(m.kind))
    return [f"• {MILESTONE_TITLES[m.kind]} — {day(dates.get(m.kind, m.due))}" for m in ahead]


def new_plan_blocks(
    poc: Poc, *, title: str, end: date, dates: Mapping[MilestoneKind, date], by: str
) -> list[dict[str, Any]]:
    """A changed plan as the deal channel reads it: dates only, no reasons, the SE named."""
    lines = "\n".join(plan_lines(poc, dates)) or "• every milestone is done"
    return [
        section(
            f"📅 *{escape(title)}*: the {escape(poc.prospect)} POC now ends {day(end)}.\n{lines}"
        ),
        context(f"Updated by {user(by)} · {_se(poc)} runs this POC"),
    ]
