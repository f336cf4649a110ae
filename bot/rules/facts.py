"""Shared facts about a POC: what several rules look at (kickoff, silence, engagement).

Which engagements and check-ins count, and what marks the executive briefed, are decided here
once: the sponsor clock, the views and the `/poc sponsor` handler all ask these.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain import (
    COUNTING_ENGAGEMENTS,
    ENGAGING_ROLES,
    LIVE_FORMATS,
    Checkin,
    CheckinFormat,
    Criterion,
    EngagementKind,
    Milestone,
    MilestoneKind,
    Poc,
    Role,
    Stakeholder,
    UseCase,
)
from bot.rules.calendar import business_days_between
from bot.rules.defaults import (
    EXEC_DISENGAGED_DAYS,
)


def engagement_counts(kind: EngagementKind, role: Role) -> bool:
    """A briefing, meeting or call with the business or executive sponsor is "a meeting that
    counts" (seed 003, rule 10); one with only the champion is the POC's daily work, and an
    email or a chat message is logged but never counts."""
    return kind in COUNTING_ENGAGEMENTS and role in ENGAGING_ROLES


def scoped_use_cases(poc: Poc) -> tuple[UseCase, ...]:
    """The use cases this POC judges: a use case parked for Phase 2 has left its scope."""
    return tuple(u for u in poc.use_cases if not u.parked)


def in_scope(poc: Poc) -> tuple[Criterion, ...]:
    """The criteria that are scored (rule 11): not parked, nor in a parked use case."""
    parked = {u.id for u in poc.use_cases if u.parked}
    return tuple(c for c in poc.criteria if not c.parked and c.use_case_id not in parked)


def checkin_counts(fmt: CheckinFormat, sponsor_present: bool) -> bool:
    """A meeting or call a sponsor attended is sponsor engagement too (rule 10)."""
    return sponsor_present and fmt in LIVE_FORMATS


def briefs_exec(kind: EngagementKind, role: Role) -> bool:
    """A briefing or a meeting with the executive sponsor marks them briefed (rule 1): both
    are the executive hearing the plan first-hand. A call, an email or a chat does not."""
    return role == Role.exec_sponsor and kind in (EngagementKind.briefing, EngagementKind.meeting)


def is_done(milestone: Milestone, now: datetime) -> bool:
    """Done means marked done by now; a done_at in the future has not happened yet."""
    return milestone.done_at is not None and milestone.done_at <= now


def kickoff_date(poc: Poc) -> date:
    """The kickoff milestone's date, or the start date when the plan has no kickoff."""
    kickoff = poc.milestone(MilestoneKind.kickoff)
    return kickoff.due if kickoff else poc.start


def unbriefed_execs(poc: Poc) -> tuple[Stakeholder, ...]:
    """Named executive sponsors nobody has briefed: each one would be ambushed (seed 000)."""
    return tuple(s for s in poc.people(Role.exec_sponsor) if s.briefed_at is None)


def in_progress(poc: Poc, today: date) -> bool:
    """Between start and end with no read-out yet: when the cadence rule applies."""
    return poc.start <= today <= poc.end and poc.readout_posted_at is None


def in_alert_window(poc: Poc, today: date) -> bool:
    """From kickoff through the end date, both inclusive: when the executive-briefing alert
    applies. After the end the overrun line (or the read-out and the POC's outcome) is what
    matters; an alert with no end would be posted every business day for ever."""
    return kickoff_date(poc) <= today <= poc.end


def sponsor_watch(poc: Poc, today: date) -> bool:
    """When the sponsor and champion alerts apply: within the alert window, until the
    read-out is posted (the read-out is the meeting they were meant to bring about)."""
    return in_alert_window(poc, today) and poc.readout_posted_at is None


def is_overrun(poc: Poc, today: date) -> bool:
    """The end date has passed without a read-out: time kills all deals (seed 004)."""
    return today > poc.end and poc.readout_posted_at is None


def latest_checkin(poc: Poc, today: date | None = None) -> Checkin | None:
    """The most recent check-in (held on or before `today`, when given)."""
    held = [c for c in poc.checkins if today is None or c.held_on <= today]
    return max(held, key=lambda c: c.held_on, default=None)


def last_live_checkin(poc: Poc, today: date) -> date | None:
    """The latest meeting or call: email and async updates never keep the cadence (seed 004)."""
    return max(
        (c.held_on for c in poc.checkins if c.format in LIVE_FORMATS and c.held_on <= today),
        default=None,
    )


def sponsor_engagement_dates(poc: Poc, today: date) -> list[date]:
    """Local dates of "meetings that count" (seed 003) up to today.

    Logged briefings, meetings and calls with a prospect sponsor, plus live check-ins a sponsor
    attended. Email and chat never count; neither does a meeting logged ahead of time.
    """
    zone = ZoneInfo(poc.tz)
    logged = [
        e.at.astimezone(zone).date() for e in poc.engagements if engagement_counts(e.kind, e.role)
    ]
    attended = [c.held_on for c in poc.checkins if checkin_counts(c.format, c.sponsor_present)]
    return sorted(d for d in logged + attended if d <= today)


def sponsor_stall_days(poc: Poc, today: date) -> int | None:
    """Calendar days without sponsor engagement when that is a stall (rule 6), else None.

    Only from kickoff + 7 days (the workspace's threshold: before that a quiet week is not a
    stall) through the end date, until the read-out (`sponsor_watch`).
    With no engagement at all the silence is counted from kickoff.
    """
    kickoff = kickoff_date(poc)
    stall = poc.thresholds.sponsor_stall_days
    if not sponsor_watch(poc, today) or (today - kickoff).days < stall:
        return None
    last = max(sponsor_engagement_dates(poc, today), default=None)
    days = (today - (last or kickoff)).days
    return days if days >= stall else None


def exec_disengaged_days(poc: Poc, today: date) -> int | None:
    """Days since the briefed executive sponsor was last in a meeting, call or briefing, once
    that is EXEC_DISENGAGED_DAYS or more (counted from kickoff at the earliest) through the end
    date, until the read-out (`sponsor_watch`); else None. An executive nobody has briefed is
    another alert (exec_unbriefed).
    """
    execs = poc.people(Role.exec_sponsor)
    if not execs or unbriefed_execs(poc) or not sponsor_watch(poc, today):
        return None
    zone = ZoneInfo(poc.tz)
    seen = [s.briefed_at.astimezone(zone).date() for s in execs if s.briefed_at]
    seen += [
        e.at.astimezone(zone).date()
        for e in poc.engagements
        if e.role == Role.exec_sponsor and e.kind in COUNTING_ENGAGEMENTS
    ]
    last = max([kickoff_date(poc), *(d for d in seen if d <= today)])
    days = (today - last).days
    return days if days >= EXEC_DISENGAGED_DAYS else None


def champion_silence(poc: Poc, today: date) -> int | None:
    """Business days the champion has been silent when that is a stall (rule 6), else None.

    Activity is a message or a reaction in the deal channel, a click on one of the POC's
    buttons, or any check-in (all formats: an email reply is still a reply). The count starts
    at kickoff at the earliest and stops after the end date or the read-out (`sponsor_watch`).
    """
    champions = poc.people(Role.champion)
    if not champions or not sponsor_watch(poc, today):
        return None
    zone = ZoneInfo(poc.tz)
    seen = [c.last_seen_at.astimezone(zone).date() for c in champions if c.last_seen_at]
    checkin = latest_checkin(poc, today)
    activity = [*seen, kickoff_date(poc)] + ([checkin.held_on] if checkin else [])
    silent = business_days_between(max(activity), today, holidays=poc.holidays)
    return silent if silent >= poc.thresholds.champion_silent_days else None
