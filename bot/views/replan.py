"""`/poc extend` (modal `poc_extend`: block ids `end`, `reason`) and `/poc move` (modal
`poc_move`: block ids `milestone`, `date`), read back into what changes — DESIGN.md's contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot import dates
from bot.domain import MILESTONE_TITLES, Milestone, MilestoneKind, Poc
from bot.rules import (
    extend_problem,
    is_done,
    local_today,
    move_problem,
    timeframe_warning,
)
from bot.views.forms import State, field, input_block, select, text_input
from bot.views.poc_new import DATE_HINT
from bot.views.text import clip, day, escape, option, plain, section, user

EXTEND, MOVE = "poc_extend", "poc_move"
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class Extension:
    end: date
    reason: str


@dataclass(frozen=True, slots=True)
class Move:
    milestone: MilestoneKind
    to: date


def _metadata(poc_id: int, **extra: str) -> str:
    return json.dumps({"poc_id": poc_id, **extra})


def extend_modal(poc: Poc) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": EXTEND,
        "title": plain("Extend the POC"),
        "submit": plain("Extend"),
        "close": plain("Cancel"),
        "private_metadata": _metadata(poc.id),
        "blocks": [
            section(
                f"*{escape(poc.prospect)}* ends {day(poc.end)}. A later end is recorded as a "
                "scope change; the milestones not done yet are planned again, and the new plan "
                "is posted in the deal channel (without the reason)."
            ),
            text_input(
                "end", "New end date", placeholder="in 2 weeks", max_length=64, hint=DATE_HINT
            ),
            text_input(
                "reason",
                "Why (internal)",
                placeholder="Their security review needs another week",
                multiline=True,
                max_length=MAX_REASON,
            ),
        ],
    }


def read_extension(
    values: State, *, poc: Poc, now: datetime
) -> tuple[Extension | None, dict[str, str]]:
    errors: dict[str, str] = {}
    end = None
    try:
        end = dates.parse_date(field(values, "end") or "", now=now, tz=poc.tz)
    except dates.DateError as e:
        errors["end"] = str(e)
    if end is not None and (problem := extend_problem(poc, end, today=local_today(now, poc.tz))):
        errors["end"] = problem
    reason = field(values, "reason")
    if not reason:
        errors["reason"] = "Say why: the extension is a scope change, on the record."
    if errors or end is None or reason is None:
        return None, errors
    return Extension(end=end, reason=clip(reason, MAX_REASON)), {}


def movable(poc: Poc, now: datetime) -> list[Milestone]:
    """The milestones not done yet, in the plan's order: what `/poc move` offers."""
    order = list(MilestoneKind)
    ahead = [m for m in poc.milestones if not is_done(m, now)]
    return sorted(ahead, key=lambda m: order.index(m.kind))


def move_modal(
    poc: Poc, now: datetime, *, milestone: MilestoneKind | None = None
) -> dict[str, Any]:
    """Pick a milestone (`milestone` preselected, from a nudge's [Move date]) and its new date."""
    options = [
        option(f"{MILESTONE_TITLES[m.kind]} — {day(m.due)}", m.kind.value)
        for m in movable(poc, now)
    ]
    extra = {"milestone": milestone.value} if milestone else {}
    return {
        "type": "modal",
        "callback_id": MOVE,
        "title": plain("Move a milestone"),
        "submit": plain("Move it"),
        "close": plain("Cancel"),
        "private_metadata": _metadata(poc.id, **extra),
        "blocks": [
            section(
                f"*{escape(poc.prospect)}* — later milestones keep their order: one that would "
                "come first moves to the same day. The deal channel sees the new date."
            ),
            input_block("milestone", "Milestone", select("milestone", options, milestone)),
            text_input(
                "date", "New date", placeholder="next Tuesday", max_length=64, hint=DATE_HINT
            ),
        ],
    }


def read_move(values: State, *, poc: Poc, now: datetime) -> tuple[Move | None, dict[str, str]]:
    errors: dict[str, str] = {}
    picked = field(values, "milestone")
    kind = MilestoneKind(picked) if picked in {k.value for k in MilestoneKind} else None
    if kind is None:
        errors["milestone"] = "Pick the milestone to move."
    to = None
    try:
        to = dates.parse_date(field(values, "date") or "", now=now, tz=poc.tz)
    except dates.DateError as e:
        errors["date"] = str(e)
    if kind is not None and to is not None:
        problem = move_problem(poc, kind, to, today=local_today(now, poc.tz), now=now)
        if problem:
            # About the milestone itself (gone, done) under it; about the date under the date.
            moving = poc.milestone(kind)
            errors["milestone" if moving is None or is_done(moving, now) else "date"] = problem
    if errors or kind is None or to is None:
        return None, errors
    return Move(milestone=kind, to=to), {}


# ---------------------------------------------------------------- what is said afterwards


def extended_note(poc: Poc, ext: Extension, *, by: str, business_days: int) -> str:
    """Internal: who extended it, why, and the timeframe warning when it now runs too long."""
    text = (
        f"📅 {user(by)} moved the {escape(poc.prospect)} POC's end from {day(poc.end)} to "
        f"{day(ext.end)} (+{business_days} business days), recorded as a scope change: "
        f"“{escape(ext.reason)}”."
    )
    warning = timeframe_warning(replace(poc, end=ext.end))
    return f"{text}\n⚠️ {warning}" if warning else text


def moved_line(poc: Poc, moved: dict[MilestoneKind, date], *, by: str) -> str:
    """The deal channel's line for a moved milestone (and the later ones it pushed)."""
    order = list(MilestoneKind)
    parts = []
    for kind in sorted(moved, key=order.index):
        was = poc.milestone(kind)
        before = f" (was {day(was.due)})" if was else ""
        parts.append(f"{MILESTONE_TITLES[kind]} → {day(moved[kind])}{before}")
    return f"📍 Plan update for {escape(poc.prospect)}: " + "; ".join(parts) + f". — {user(by)}"


def nothing_to_move(poc: Poc) -> str:
    return f"Every milestone of the {escape(poc.prospect)} POC is done: there is nothing to move."
