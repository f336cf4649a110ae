"""One POC as the rules see it: an immutable snapshot with everything they judge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.settings import DEFAULT_WORKSPACE, Thresholds, WorkspaceSettings
from bot.domain.words import (
    Cadence,
    CheckinFormat,
    EngagementKind,
    Health,
    MilestoneKind,
    Role,
    ScopeChangeKind,
    ScopeResolution,
    Skin,
    Status,
    Verdict,
)


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
