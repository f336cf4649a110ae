"""The product's vocabulary: statuses, roles, verdicts, kinds — and how each is said."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Status(StrEnum):
    draft = "draft"
    active = "active"
    readout = "readout"
    won = "won"
    lost = "lost"
    no_decision = "no_decision"
    paused = "paused"


#: POCs the scheduler watches. Won/lost/no-decision are finished; paused waits for a human.
LIVE_STATUSES = (Status.draft, Status.active, Status.readout)
#: The outcomes a POC is closed with: it is over, and nothing about it is due any more.
CLOSED_STATUSES = (Status.won, Status.lost, Status.no_decision)
#: Not over: it holds its channel, and the sweep loads it (if paused, for its weekly reminder).
OPEN_STATUSES = (*LIVE_STATUSES, Status.paused)


class Role(StrEnum):
    se = "se"
    ae = "ae"
    champion = "champion"  # the prospect's technical sponsor
    business_sponsor = "business_sponsor"
    exec_sponsor = "exec_sponsor"
    evaluator = "evaluator"


#: The prospect's sponsors, listed the way they are offered and named: the executive first.
SPONSOR_ROLES = (Role.exec_sponsor, Role.business_sponsor, Role.champion)
#: Whose presence makes a meeting or call sponsor engagement (rule 10): not the champion alone.
ENGAGING_ROLES = (Role.exec_sponsor, Role.business_sponsor)


class Verdict(StrEnum):
    pending = "pending"
    passed = "passed"
    failed = "failed"


class Cadence(StrEnum):
    twice_weekly = "twice_weekly"
    weekly = "weekly"
    biweekly = "biweekly"


#: How each cadence is said in a sentence: "check-ins every two weeks".
CADENCE_WORDS: Mapping[Cadence, str] = {
    Cadence.twice_weekly: "twice a week",
    Cadence.weekly: "weekly",
    Cadence.biweekly: "every two weeks",
}


class Skin(StrEnum):
    """Client commitment, weakest to strongest (seed 004)."""

    none = "none"
    collaborative = "collaborative"
    funded = "funded"
    conditional_po = "conditional_po"


class CheckinFormat(StrEnum):
    meeting = "meeting"
    call = "call"
    email = "email"
    async_ = "async"


#: Formats that count as engagement: "meetings (NOT email!)" (seed 004).
LIVE_FORMATS = frozenset({CheckinFormat.meeting, CheckinFormat.call})


class Health(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"


class MilestoneKind(StrEnum):
    """The six steps of the Mutual Evaluation Plan (seed 002), in order."""

    scoping = "scoping"
    kickoff = "kickoff"
    midpoint = "midpoint"
    readout = "readout"
    signoff = "signoff"
    commercial = "commercial"


MILESTONE_TITLES: Mapping[MilestoneKind, str] = {
    MilestoneKind.scoping: "Scoping call",
    MilestoneKind.kickoff: "Kickoff",
    MilestoneKind.midpoint: "Mid-point check-in",
    MilestoneKind.readout: "Final read-out",
    MilestoneKind.signoff: "Technical validation sign-off",
    MilestoneKind.commercial: "Commercial next steps",
}


class EngagementKind(StrEnum):
    briefing = "briefing"
    meeting = "meeting"
    call = "call"
    email = "email"
    message = "message"


#: An engagement of these kinds is "a meeting that counts" (seed 003, 004).
COUNTING_ENGAGEMENTS = frozenset(
    {EngagementKind.briefing, EngagementKind.meeting, EngagementKind.call}
)


class ScopeChangeKind(StrEnum):
    use_case_added = "use_case_added"
    criterion_added = "criterion_added"
    end_date_moved = "end_date_moved"
    too_many_use_cases = "too_many_use_cases"


class ScopeResolution(StrEnum):
    open = "open"
    parked = "parked"
    accepted = "accepted"


class NudgeKind(StrEnum):
    cadence = "cadence"
    milestone = "milestone"
    readout_ready = "readout_ready"
    scope_creep = "scope_creep"
    exec_unbriefed = "exec_unbriefed"
    sponsor_stalled = "sponsor_stalled"
    champion_silent = "champion_silent"
    overrun = "overrun"
    exec_disengaged = "exec_disengaged"
    paused = "paused"  # the weekly reminder that a POC is on hold
    outcome_due = "outcome_due"  # the AE is asked: won, lost or no decision?
    auto_close_warning = "auto_close_warning"


#: Internal judgements: never posted into a channel shared with the prospect.
INTERNAL_NUDGES = frozenset(
    {NudgeKind.exec_unbriefed, NudgeKind.sponsor_stalled, NudgeKind.champion_silent}
    | {NudgeKind.exec_disengaged, NudgeKind.paused, NudgeKind.outcome_due}
    | {NudgeKind.auto_close_warning}
)


class EventKind(StrEnum):
    """A change in a POC's life, kept with who and when in its audit trail (`/poc history`)."""

    closed = "closed"
    paused = "paused"
    resumed = "resumed"
    plan_shifted = "plan_shifted"  # the remaining dates moved by the days spent on hold
    milestone_moved = "milestone_moved"
    signed_off = "signed_off"
