"""Scope, progress and health: what a POC's scoreboard says, and what counts as scope creep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import Criterion, Health, MilestoneKind, Poc, ScopeChangeKind, Status, Verdict
from bot.rules.calendar import local_today
from bot.rules.defaults import MAX_USE_CASES, PULSE_WINDOW_DAYS
from bot.rules.facts import (
    champion_silence,
    in_scope,
    is_done,
    is_overrun,
    kickoff_date,
    latest_checkin,
    scoped_use_cases,
    sponsor_engagement_dates,
    sponsor_stall_days,
)
from bot.rules.qualification import Go, qualify


def after_kickoff(poc: Poc, now: datetime) -> bool:
    """From here on, a new use case or criterion is scope creep (rule 7).

    Kickoff day itself still belongs to scoping until someone marks kickoff done.
    """
    kickoff = poc.milestone(MilestoneKind.kickoff)
    if kickoff is not None and is_done(kickoff, now):
        return True
    return local_today(now, poc.tz) > kickoff_date(poc)


def criterion_scope_changes(
    poc: Poc, now: datetime, *, statement: str, new_use_case: str | None = None
) -> tuple[tuple[ScopeChangeKind, str], ...]:
    """The scope changes (kind, detail) a new criterion causes (rule 7): none before kickoff.

    With a new use case, the use case is the change — one warning, not two — plus a second one
    when it takes the POC over MAX_USE_CASES.
    """
    if not after_kickoff(poc, now):
        return ()
    if new_use_case is None:
        return ((ScopeChangeKind.criterion_added, statement),)
    changes = [(ScopeChangeKind.use_case_added, new_use_case)]
    count = len(scoped_use_cases(poc)) + 1  # a parked use case no longer counts
    if count > MAX_USE_CASES:
        changes.append((ScopeChangeKind.too_many_use_cases, f"{count} use cases: {new_use_case}"))
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class Score:
    passed: int
    failed: int
    pending: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.pending


def score(criteria: Sequence[Criterion]) -> Score:
    verdicts = [c.verdict for c in criteria]
    return Score(
        passed=verdicts.count(Verdict.passed),
        failed=verdicts.count(Verdict.failed),
        pending=verdicts.count(Verdict.pending),
    )


def days_left(poc: Poc, now: datetime) -> int:
    """Calendar days from today (local) to the end date; negative once overrun."""
    return (poc.end - local_today(now, poc.tz)).days


def next_milestone(poc: Poc, now: datetime) -> tuple[MilestoneKind, date] | None:
    """The earliest milestone not done yet: an overdue one is the next thing to do."""
    order = list(MilestoneKind)
    pending = [m for m in poc.milestones if not is_done(m, now)]
    if not pending:
        return None
    first = min(pending, key=lambda m: (m.due, order.index(m.kind)))
    return first.kind, first.due


@dataclass(frozen=True, slots=True)
class SponsorPulse:
    last_engaged: date | None
    days_since: int | None
    recent: int  # counting engagements in the last 14 days
    previous: int  # … in the 14 days before that
    trend: str  # "up" | "down" | "flat"


def sponsor_pulse(poc: Poc, now: datetime) -> SponsorPulse:
    """Recency and trend of the meetings that count (rule 10, seed 003).

    "The last 14 days" includes today: today-13 … today; the window before is today-27 … today-14.
    """
    today = local_today(now, poc.tz)
    dates = sponsor_engagement_dates(poc, today)
    ages = [(today - d).days for d in dates]
    recent = sum(1 for a in ages if a < PULSE_WINDOW_DAYS)
    previous = sum(1 for a in ages if PULSE_WINDOW_DAYS <= a < 2 * PULSE_WINDOW_DAYS)
    trend = "up" if recent > previous else "down" if recent < previous else "flat"
    last = dates[-1] if dates else None
    return SponsorPulse(
        last_engaged=last,
        days_since=(today - last).days if last else None,
        recent=recent,
        previous=previous,
        trend=trend,
    )


def health(poc: Poc, now: datetime) -> Health:
    """Red, yellow or green at a glance (App Home, `status`): the worst signal wins."""
    today = local_today(now, poc.tz)
    verdict = qualify(poc).verdict
    checkin = latest_checkin(poc, today)
    last_health = checkin.health if checkin else None
    overrun = poc.status == Status.active and is_overrun(poc, today)
    if (
        verdict == Go.no_go
        or overrun
        or last_health == Health.red
        or sponsor_stall_days(poc, today) is not None
    ):
        return Health.red
    if (
        verdict == Go.at_risk
        or last_health == Health.yellow
        or any(c.verdict == Verdict.failed for c in in_scope(poc))
        or champion_silence(poc, today) is not None
    ):
        return Health.yellow
    return Health.green
