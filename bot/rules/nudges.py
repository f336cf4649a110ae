"""What is due (rules 5–9): the nudges a POC deserves on one local business day.

Each rule looks at one `_Day` and returns its nudges; `due_nudges` runs them all, drops what
is snoozed, and ranks the rest by NUDGE_PRIORITY.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import (
    CADENCE_WORDS,
    INTERNAL_NUDGES,
    LIVE_STATUSES,
    MILESTONE_TITLES,
    OPEN_STATUSES,
    Milestone,
    MilestoneKind,
    Nudge,
    NudgeKind,
    Poc,
    Role,
    ScopeChange,
    ScopeChangeKind,
    ScopeResolution,
    Verdict,
)
from bot.rules.calendar import (
    add_business_days,
    business_days_between,
    is_business_day,
    local_time,
    local_today,
    roll_back,
)
from bot.rules.defaults import (
    CADENCE_BUSINESS_DAYS,
    DEFAULT_NUDGE_HOUR,
    MAX_USE_CASES,
    READOUT_READY_BUSINESS_DAYS,
    READOUT_READY_NAMED,
    SNOOZE_BUSINESS_DAYS,
)
from bot.rules.facts import (
    champion_silence,
    exec_disengaged_days,
    in_alert_window,
    in_progress,
    in_scope,
    is_done,
    is_overrun,
    kickoff_date,
    last_live_checkin,
    sponsor_engagement_dates,
    sponsor_stall_days,
    unbriefed_execs,
)
from bot.rules.lifecycle import auto_close_warning_nudges, outcome_nudges, paused_nudges

# Every rule below takes a `day: _Day`, so the date's words go by another name here.
from bot.text import day as _day
from bot.text import plural, quote

#: The order nudges appear in one combined message: the most urgent first.
NUDGE_PRIORITY = (
    NudgeKind.auto_close_warning,
    NudgeKind.outcome_due,
    NudgeKind.overrun,
    NudgeKind.scope_creep,
    NudgeKind.milestone,
    NudgeKind.readout_ready,
    NudgeKind.cadence,
    NudgeKind.exec_unbriefed,
    NudgeKind.sponsor_stalled,
    NudgeKind.exec_disengaged,
    NudgeKind.champion_silent,
    NudgeKind.paused,
)


@dataclass(frozen=True, slots=True)
class _Day:
    """One POC on one local business day: what every nudge rule looks at."""

    poc: Poc
    now: datetime
    today: date

    def nudge(
        self, kind: NudgeKind, text: str, *, key: str = "", subject: str = "", once: bool = False
    ) -> Nudge:
        return Nudge(
            kind=kind,
            key=key or kind.value,
            local_date=self.today,
            text=text,
            internal=kind in INTERNAL_NUDGES,
            subject=subject,
            once=once,
        )


#: What each MEP step is for (seed 002), said in its reminder.
_MILESTONE_ACTIONS = {
    MilestoneKind.scoping: "agree the use cases and criteria",
    MilestoneKind.kickoff: "provision the environment, hand over credentials, align teams",
    MilestoneKind.midpoint: "verify progress and unblock technical issues",
    MilestoneKind.readout: "go through the success criteria together, one by one",
    MilestoneKind.signoff: "confirm the technical validation",
    MilestoneKind.commercial: "agree the commercial next steps",
}

_SCOPE_CHANGE_WORDS = {
    ScopeChangeKind.use_case_added: "a use case was added",
    ScopeChangeKind.criterion_added: "a criterion was added",
    ScopeChangeKind.end_date_moved: "the end date moved",
    ScopeChangeKind.too_many_use_cases: f"the POC now covers more than {MAX_USE_CASES} use cases",
}


def _overrun_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if not is_overrun(poc, day.today):
        return []
    late = business_days_between(poc.end, day.today, holidays=poc.holidays)
    text = (
        f"The POC's planned end was {_day(poc.end)} ({plural(late, 'business day')} ago) "
        "and the read-out is not scheduled yet. Shall we set a read-out date, or agree a "
        "new end date?"
    )
    return [day.nudge(NudgeKind.overrun, text)]


def _scope_creep_text(change: ScopeChange) -> str:
    """Said where the prospect reads it: a question about their request, not a verdict."""
    detail = quote(change.detail, 120) if change.detail.strip() else ""
    if change.kind in (ScopeChangeKind.use_case_added, ScopeChangeKind.criterion_added):
        return f"New request: {detail or 'an addition'} — shall we add it to Phase 2?"
    what = _SCOPE_CHANGE_WORDS.get(change.kind, "the plan changed")
    return f"Change to the plan: {what}{': ' + detail if detail else ''}. Shall we confirm it?"


def _scope_creep_nudges(day: _Day) -> list[Nudge]:
    nudges = []
    for change in sorted(day.poc.scope_changes, key=lambda c: (c.at, c.id)):
        key = f"scope_creep:{change.id}"
        if change.resolution != ScopeResolution.open or key in day.poc.delivered_once:
            continue
        text = _scope_creep_text(change)
        nudges.append(
            day.nudge(NudgeKind.scope_creep, text, key=key, subject=str(change.id), once=True)
        )
    return nudges


def request_nudges(poc: Poc, now: datetime, change_ids: Collection[int]) -> list[Nudge]:
    """The questions about scope changes just made (their ids), to be said at once in the
    thread of what caused them: any day, any hour, as someone is there to read them."""
    day = _Day(poc=poc, now=now, today=local_today(now, poc.tz))
    wanted = {str(i) for i in change_ids}
    return [n for n in _scope_creep_nudges(day) if n.subject in wanted]


def _milestone_due_text(milestone: Milestone, today: date, holidays: frozenset[date]) -> str | None:
    """What to say about a milestone today, or None when today is not a reminder day."""
    title = MILESTONE_TITLES[milestone.kind]
    action = _MILESTONE_ACTIONS[milestone.kind]
    due = milestone.due
    if today == due:
        return f"Today: {title} — {action}."
    if today > due:
        late = business_days_between(due, today, holidays=holidays)
        return (
            f"{title} was planned for {_day(due)} ({plural(late, 'business day')} ago): "
            f"{action}. Shall we hold it this week, or move the date?"
        )
    if today == add_business_days(due, -1, holidays=holidays):
        when = "Tomorrow" if (due - today).days == 1 else f"Next business day ({_day(due)})"
        return f"{when}: {title} — {action}."
    return None


def _milestone_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if is_overrun(poc, day.today):
        return []  # no read-out after the end: the overrun line says it, once a day
    signoff = poc.milestone(MilestoneKind.signoff)
    order = list(MilestoneKind)
    nudges = []
    for milestone in sorted(poc.milestones, key=lambda m: (m.due, order.index(m.kind))):
        if is_done(milestone, day.now):
            continue
        # After the end the POC's own steps are history: only those planned after it
        # (sign-off, commercial) are still reminded, else a mid-point left unticked is
        # "overdue" every business day for ever.
        if day.today > poc.end and milestone.due <= poc.end:
            continue
        if milestone.kind == MilestoneKind.readout and poc.readout_posted_at is not None:
            continue
        # Commercial next steps are contingent on sign-off (seed 002): not before it.
        if milestone.kind == MilestoneKind.commercial and not (
            signoff and is_done(signoff, day.now)
        ):
            continue
        text = _milestone_due_text(milestone, day.today, poc.holidays)
        if text:
            key = f"milestone:{milestone.kind.value}"
            nudges.append(
                day.nudge(NudgeKind.milestone, text, key=key, subject=milestone.kind.value)
            )
    return nudges


def _readout_date(poc: Poc) -> date:
    readout = poc.milestone(MilestoneKind.readout)
    return readout.due if readout else roll_back(poc.end, holidays=poc.holidays)


def _readout_ready_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    readout = poc.milestone(MilestoneKind.readout)
    if poc.readout_posted_at is not None or (readout and is_done(readout, day.now)):
        return []
    due = _readout_date(poc)
    if day.today != add_business_days(due, -READOUT_READY_BUSINESS_DAYS, holidays=poc.holidays):
        return []
    scored = in_scope(poc)  # a criterion parked for Phase 2 is not read out
    pending = [c for c in scored if c.verdict == Verdict.pending]
    head = f"Read-out in {READOUT_READY_BUSINESS_DAYS} business days ({_day(due)}): "
    if not pending:
        text = head + f"all {plural(len(scored), 'criterion')} are marked. Prepare it."
    else:
        named = "; ".join(quote(c.statement) for c in pending[:READOUT_READY_NAMED])
        more = len(pending) - READOUT_READY_NAMED
        tail = f"; and {more} more" if more > 0 else ""
        text = (
            head + f"{len(pending)} of {len(scored)} criteria still open: "
            f"{named}{tail}. Mark each ✅ or ❌ on its message."
        )
    return [day.nudge(NudgeKind.readout_ready, text, subject=MilestoneKind.readout.value)]


def _cadence_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if not in_progress(poc, day.today):
        return []
    kickoff = kickoff_date(poc)
    last = last_live_checkin(poc, day.today)
    # Counted from kickoff at the earliest: a scoping meeting does not start the clock.
    since = max(last, kickoff) if last else kickoff
    gap = business_days_between(since, day.today, holidays=poc.holidays)
    every = CADENCE_BUSINESS_DAYS[poc.cadence]
    if gap < every:
        return []
    late = gap - every
    status = "due today" if late == 0 else f"overdue by {plural(late, 'business day')}"
    last_words = (
        f"last meeting or call {_day(since)}"
        if last and last >= kickoff
        else f"no meeting or call since kickoff {_day(kickoff)}"
    )
    cadence = CADENCE_WORDS[poc.cadence].replace(" ", "-")  # "every-two-weeks cadence"
    text = f"Check-in {status} ({cadence} cadence; {last_words}). Shall we book a call?"
    return [day.nudge(NudgeKind.cadence, text)]


def _exec_unbriefed_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    # Both of its texts, from kickoff through the end date: after it the overrun line speaks.
    if not in_alert_window(poc, day.today):
        return []
    if poc.person(Role.exec_sponsor) is None:
        text = (
            "No executive sponsor named, and the POC has started: ask the champion who "
            "approves the budget."
        )
    elif unbriefed := unbriefed_execs(poc):
        names = ", ".join(s.label for s in unbriefed)
        text = (
            f"The executive sponsor ({names}) still isn't briefed: pause until the executive "
            "is looped in. Offer a 15-minute briefing."
        )
    else:
        return []
    return [day.nudge(NudgeKind.exec_unbriefed, text)]


def _sponsor_stalled_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    days = sponsor_stall_days(poc, day.today)
    if days is None:
        return []
    last = max(sponsor_engagement_dates(poc, day.today), default=None)
    since = (
        f"last sponsor meeting or call {_day(last)}, {days} days ago"
        if last
        else "no sponsor meeting or call since kickoff"
    )
    text = f"Sponsor stalled: {since}. Book time with a sponsor: email doesn't count."
    return [day.nudge(NudgeKind.sponsor_stalled, text)]


def _exec_disengaged_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    days = exec_disengaged_days(poc, day.today)
    if days is None:
        return []
    names = ", ".join(s.label for s in poc.people(Role.exec_sponsor))
    text = (
        f"The executive sponsor ({names}) has not been in a meeting or call for {days} days. "
        "Book 15 minutes with them before the read-out: a quiet executive is how deals stall."
    )
    return [day.nudge(NudgeKind.exec_disengaged, text)]


def _champion_silent_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    days = champion_silence(poc, day.today)
    if days is None:
        return []
    champions = poc.people(Role.champion)
    names = ", ".join(c.label for c in champions)
    text = (
        f"Champion silent: no check-in or message from {names} for "
        f"{plural(days, 'business day')}. Reach out, and tell the AE if the sponsor is weak."
    )
    return [day.nudge(NudgeKind.champion_silent, text, subject=champions[0].user_id or "")]


_NUDGE_RULES: tuple[Callable[[_Day], list[Nudge]], ...] = (
    _overrun_nudges,
    _scope_creep_nudges,
    _milestone_nudges,
    _readout_ready_nudges,
    _cadence_nudges,
    _exec_unbriefed_nudges,
    _sponsor_stalled_nudges,
    _exec_disengaged_nudges,
    _champion_silent_nudges,
    outcome_nudges,
    auto_close_warning_nudges,
)
#: A paused POC hears only that it is paused: nothing in its deal channel (rule 11).
_PAUSED_RULES: tuple[Callable[[_Day], list[Nudge]], ...] = (paused_nudges,)


def _snoozed(nudge: Nudge, poc: Poc, today: date) -> bool:
    """Snoozes are stored by nudge key ("milestone:readout"); a bare kind snoozes them all, and
    "*" (the digest's [Snooze 1 day]) everything about the POC."""
    until = [poc.snoozed_until.get(k) for k in (nudge.key, nudge.kind.value, "*")]
    return any(u is not None and u > today for u in until)


def snooze_until(now: datetime, poc: Poc) -> date:
    """ "Snooze 1 day": the nudge skips the next business day and is back the one after."""
    today = local_today(now, poc.tz)
    return add_business_days(today, SNOOZE_BUSINESS_DAYS, holidays=poc.holidays)


def due_nudges(poc: Poc, now: datetime, *, nudge_hour: int = DEFAULT_NUDGE_HOUR) -> list[Nudge]:
    """What to say about this POC today, for the local date in the POC's timezone.

    Nothing on weekends or public holidays, before the nudge hour local time (the
    workspace's setting, else `nudge_hour`: the deployment's), or for a POC that is over; a
    paused one gets only its weekly reminder.
    Cadence, executive, sponsor and champion alerts end with the end date (facts.py's
    `in_progress`, `in_alert_window`, `sponsor_watch`): after it the overrun line (or, once
    the read-out is posted, the outcome ask and the auto-close warning) says it all.
    The list is in a fixed priority order so a combined message reads well.
    """
    if poc.status not in OPEN_STATUSES:
        return []
    rules = _NUDGE_RULES if poc.status in LIVE_STATUSES else _PAUSED_RULES
    local = local_time(now, poc.tz)
    hour = poc.workspace.nudge_hour if poc.workspace.nudge_hour is not None else nudge_hour
    if not is_business_day(local.date(), holidays=poc.holidays) or local.hour < hour:
        return []
    day = _Day(poc=poc, now=now, today=local.date())
    nudges = [n for rule in rules for n in rule(day) if not _snoozed(n, poc, day.today)]
    return sorted(nudges, key=lambda n: NUDGE_PRIORITY.index(n.kind))
