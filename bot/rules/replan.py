"""The plan changes on the record (rule 11): a later end re-plans what is left, one milestone
moves, a pause shifts the rest. Milestones keep their order; what is done keeps its date.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain import MILESTONE_TITLES, Milestone, MilestoneKind, Poc
from bot.rules.calendar import add_business_days, is_business_day
from bot.rules.facts import is_done
from bot.rules.plan import default_milestones
from bot.text import day

_ORDER = tuple(MilestoneKind)
#: Planned from the start date alone: a new end date leaves them where they are.
_FROM_START = frozenset({MilestoneKind.scoping, MilestoneKind.kickoff})
#: Within the POC's dates; sign-off and the commercial step follow the read-out, past the end.
_WITHIN = frozenset({*_FROM_START, MilestoneKind.midpoint, MilestoneKind.readout})

_Plan = dict[MilestoneKind, date]


def _in_order(poc: Poc) -> list[Milestone]:
    return sorted(poc.milestones, key=lambda m: _ORDER.index(m.kind))


def _changed(poc: Poc, wanted: _Plan, now: datetime) -> _Plan:
    """`wanted` dates in MEP order, each not-done one no earlier than the one before it;
    only the dates that change."""
    moved: _Plan = {}
    previous: date | None = None
    for m in _in_order(poc):
        due = m.due if is_done(m, now) else wanted.get(m.kind, m.due)
        if not is_done(m, now) and previous is not None and due < previous:
            due = previous
        if due != m.due:
            moved[m.kind] = due
        previous = due
    return moved


def extend_problem(poc: Poc, end: date, *, today: date) -> str | None:
    """Why `end` cannot be the POC's new end date, or None."""
    if end <= poc.end:
        return (
            f"That is not after the current end ({day(poc.end)}): pick a later date. "
            "To bring the read-out forward instead, use `/poc move`."
        )
    if end < today:
        return "That date has passed: pick today or a later date."
    return None


def extended_plan(poc: Poc, end: date, *, today: date, now: datetime) -> _Plan:
    """New dates for the milestones not done yet when the end moves to `end`: planned again
    from the start and the new end, as `/poc new` plans them (kickoff stays where it is)."""
    plan = default_milestones(poc.start, end, today=today, holidays=poc.holidays)
    wanted = {kind: due for kind, due in plan.items() if kind not in _FROM_START}
    return _changed(poc, wanted, now)


def move_problem(
    poc: Poc, kind: MilestoneKind, to: date, *, today: date, now: datetime
) -> str | None:
    """Why milestone `kind` cannot move to `to`, or None."""
    moving = poc.milestone(kind)
    if moving is None:
        return "This POC's plan has no such milestone."
    title = MILESTONE_TITLES[kind]
    if is_done(moving, now):
        return f"{title} is done already: there is nothing to move."
    if to == moving.due:
        return f"{title} is on {day(to)} already."
    if to < today:
        return "That date has passed: pick today or a later business day."
    position = _ORDER.index(kind)
    for m in _in_order(poc):
        earlier = _ORDER.index(m.kind) < position
        if earlier and m.due > to:
            return (
                f"That is before the {MILESTONE_TITLES[m.kind]} ({day(m.due)}): milestones "
                "keep their order. Move that one first."
            )
        if not earlier and m.kind != kind and is_done(m, now) and m.due < to:
            return f"That is after the {MILESTONE_TITLES[m.kind]} ({day(m.due)}), done already."
    if kind in _WITHIN and to > poc.end:
        return (
            f"That is after the POC's end ({day(poc.end)}): extend the POC first with "
            "`/poc extend`."
        )
    if not is_business_day(to, holidays=poc.holidays):
        return f"{day(to)} is not a business day: pick a weekday that is not a public holiday."
    return None


def moved_plan(poc: Poc, kind: MilestoneKind, to: date, *, now: datetime) -> _Plan:
    """Milestone `kind` on `to`, and the later ones pushed to it where they would come first."""
    return _changed(poc, {kind: to}, now)


def shifted_plan(poc: Poc, days: int, *, since: date, now: datetime) -> tuple[date, _Plan]:
    """The end and the milestones still ahead on `since` (the day the pause began), `days`
    business days later: after a pause, the time spent on hold is given back. What was
    already overdue then stays where it is."""
    end = add_business_days(poc.end, days, holidays=poc.holidays)
    wanted = {
        m.kind: add_business_days(m.due, days, holidays=poc.holidays)
        for m in poc.milestones
        if not is_done(m, now) and m.due >= since
    }
    return end, _changed(poc, wanted, now)
