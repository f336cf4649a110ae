"""The POC as the rules see it: vocabulary and plain, immutable snapshots.

Storage turns rows into these; the rules (bot/rules/) and views read only these. Keeping them
free of SQLAlchemy means a rule can be tested with a literal, and a view never triggers a lazy
load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When silence becomes an alert, and a plan too long (rules 6 and 8); set per workspace."""

    sponsor_stall_days: int = 7  # calendar days without a sponsor engagement
    champion_silent_days: int = 3  # business days without a word from the champion
    max_timeframe_days: int = 30  # a longer planned timeframe is warned about


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """What a workspace's admins chose (App Home, `python -m bot settings`); the defaults are
    the product's. Every POC snapshot carries its workspace's, so the rules stay pure."""

    #: local hour nudges go out from; None: the deployment's NUDGE_HOUR
    nudge_hour: int | None = None
    #: the public holidays POCs follow unless they name their own; None: each POC's timezone
    holiday_country: str | None = None
    #: internal alerts as one digest per person per business day
    digest: bool = True
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: deal channels where no nudge is posted: they go to the internal destinations instead
    quiet_channels: frozenset[str] = frozenset()
    #: who may change these settings besides the workspace's own admins and owners
    admins: tuple[str, ...] = ()
    #: sales managers: they see every POC of the team
    managers: tuple[str, ...] = ()


DEFAULT_WORKSPACE = WorkspaceSettings()


@dataclass(frozen=True, slots=True)
class Stakeholder:
    role: Role
    user_id: str | None = None  # Slack user id, when the person is in Slack
    name: str | None = None  # for people outside Slack
    briefed_at: datetime | None = None  # executive sponsor only
    last_seen_at: datetime | None = None  # last message in the deal channel

    @property
    def label(self) -> str:
        return self.name or self.user_id or "?"


@dataclass(frozen=True, slots=True)
class UseCase:
    id: int
    title: str
    added_after_kickoff: bool = False
    parked: bool = False  # parked for Phase 2: out of this POC's scope, not scored


@dataclass(frozen=True, slots=True)
class Criterion:
    id: int
    use_case_id: int
    statement: str
    method: str = ""
    verdict: Verdict = Verdict.pending
    verdict_by: str | None = None
    verdict_at: datetime | None = None
    conflict: bool = False  # evaluators disagree: shown, never silently overwritten
    lint_flags: tuple[str, ...] = ()  # saved despite these warnings
    added_after_kickoff: bool = False
    message_ts: str | None = None
    parked: bool = False  # parked for Phase 2 (itself, or with its use case): not scored


@dataclass(frozen=True, slots=True)
class Milestone:
    kind: MilestoneKind
    due: date
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Checkin:
    held_on: date
    format: CheckinFormat
    sponsor_present: bool
    health: Health
    summary: str = ""
    blockers: str = ""
    logged_by: str | None = None


@dataclass(frozen=True, slots=True)
class Engagement:
    at: datetime
    kind: EngagementKind
    who: str  # a Slack user id or a name
    outcome: str = ""
    role: Role = Role.exec_sponsor


@dataclass(frozen=True, slots=True)
class ScopeChange:
    id: int
    kind: ScopeChangeKind
    detail: str
    at: datetime
    resolution: ScopeResolution = ScopeResolution.open


@dataclass(frozen=True, slots=True)
class ParkedItem:
    text: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReadoutAnswer:
    """An answer to the read-out (rule 9), given in Slack or recorded by the SE or AE."""

    role: Role
    agreed: bool
    at: datetime
    user_id: str | None = None
    name: str | None = None
    recorded_by: str | None = None
    note: str = ""
    exceptions: bool = False  # agreed with a failed or pending criterion: "with exceptions"


@dataclass(frozen=True, slots=True)
class Poc:
    """Everything the rules need to judge one POC, loaded at once."""

    id: int
    team_id: str
    channel_id: str
    prospect: str
    start: date
    end: date
    tz: str = "UTC"
    pain: str = ""
    internal_channel_id: str | None = None
    cadence: Cadence = Cadence.weekly
    budget_confirmed: bool = False
    skin: Skin = Skin.none
    status: Status = Status.active
    created_at: datetime | None = None
    readout_posted_at: datetime | None = None
    original_end: date | None = None  # the end agreed at kickoff: a later end is scope creep
    stakeholders: tuple[Stakeholder, ...] = ()
    use_cases: tuple[UseCase, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    checkins: tuple[Checkin, ...] = ()
    engagements: tuple[Engagement, ...] = ()
    scope_changes: tuple[ScopeChange, ...] = ()
    parked: tuple[ParkedItem, ...] = ()
    #: nudge kind -> first local date it may be posted again ("Snooze 1 day").
    snoozed_until: Mapping[str, date] = field(default_factory=dict)
    #: once-only nudge keys already delivered (e.g. "scope_creep:17").
    delivered_once: frozenset[str] = frozenset()
    #: public holidays of the POC's country around its dates: not business days (rule 12)
    holidays: frozenset[date] = frozenset()
    #: the holiday calendar chosen for this POC ("US", "GB", "none"); None: its workspace's,
    #: else its timezone's country
    holiday_country: str | None = None
    #: the calendar its `holidays` come from, however it was chosen ("" when not loaded)
    calendar: str = ""
    workspace: WorkspaceSettings = DEFAULT_WORKSPACE
    kickoff_verdict: str | None = None  # the go/no-go (a `Go` value) as it stood at kickoff
    kickoff_verdict_at: datetime | None = None  # when it was frozen; None: not kicked off yet
    paused_at: datetime | None = None
    pause_reason: str = ""
    resume_shift: int | None = None  # business days the plan may shift by after a resume
    closed_at: datetime | None = None
    closed_by: str | None = None  # None with closed_at set: closed by the bot
    close_note: str = ""
    readout_message_ts: str | None = None  # where answers to the read-out are threaded
    signed_off_at: datetime | None = None
    signed_off_by: str | None = None
    signoff_exceptions: bool = False
    readout_answers: tuple[ReadoutAnswer, ...] = ()

    @property
    def thresholds(self) -> Thresholds:
        return self.workspace.thresholds

    @property
    def quiet(self) -> bool:
        """Its deal channel is in quiet mode: nudges go to the internal destinations."""
        return self.channel_id in self.workspace.quiet_channels

    def people(self, role: Role) -> tuple[Stakeholder, ...]:
        return tuple(s for s in self.stakeholders if s.role == role)

    def person(self, role: Role) -> Stakeholder | None:
        found = self.people(role)
        return found[0] if found else None

    @property
    def evaluator_ids(self) -> frozenset[str]:
        """Slack users whose reactions count: SE, AE, champion, sponsors, evaluators."""
        return frozenset(s.user_id for s in self.stakeholders if s.user_id)

    def milestone(self, kind: MilestoneKind) -> Milestone | None:
        return next((m for m in self.milestones if m.kind == kind), None)


@dataclass(frozen=True, slots=True)
class Nudge:
    """Something the scheduler should say about a POC today.

    `key` is unique per POC and local date in the sent-log: a daily nudge uses its kind
    (plus a subject such as the milestone), a once-only nudge names the thing it is about.
    """

    kind: NudgeKind
    key: str
    local_date: date
    text: str
    internal: bool = False
    subject: str = ""  # milestone kind, scope change id, … for the buttons
    once: bool = False  # delivered once ever, not once a day


@dataclass(frozen=True, slots=True)
class Vote:
    """One reaction event on a criterion's message: added or removed, by whom, when."""

    user_id: str
    reaction: str
    added: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class VerdictState:
    """A criterion's verdict as its votes leave it (bot/rules/verdicts.py works it out)."""

    verdict: Verdict
    by: str | None
    at: datetime | None
    conflict: bool
    voters: tuple[tuple[str, Verdict], ...]  # active (user, verdict), oldest first


@dataclass(frozen=True, slots=True)
class Person:
    role: Role
    user_id: str | None = None
    name: str | None = None
    briefed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewPoc:
    channel_id: str
    prospect: str
    start: date
    end: date
    created_by: str
    tz: str = "UTC"
    pain: str = ""
    internal_channel_id: str | None = None
    cadence: Cadence = Cadence.weekly
    budget_confirmed: bool = False
    skin: Skin = Skin.none
    people: tuple[Person, ...] = ()
    use_cases: tuple[str, ...] = ()
    milestones: dict[MilestoneKind, date] = field(default_factory=dict)
    #: milestones already behind us when the POC is written down (the scoping call)
    done: frozenset[MilestoneKind] = frozenset()
    #: the holiday calendar chosen in the form; None: the workspace's or the timezone's
    holiday_country: str | None = None
    kickoff_verdict: str | None = None  # the go/no-go verdict when it was written down
