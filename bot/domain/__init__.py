"""The POC as the rules see it: vocabulary and plain, immutable snapshots.

Storage turns rows into these; the rules (bot/rules/) and views read only these. Keeping them
free of SQLAlchemy means a rule can be tested with a literal, and a view never triggers a lazy
load.
"""

from __future__ import annotations

from bot.domain.poc import (
    Checkin,
    Criterion,
    Engagement,
    Milestone,
    ParkedItem,
    Poc,
    ReadoutAnswer,
    ScopeChange,
    Stakeholder,
    UseCase,
)
from bot.domain.records import (
    NewPoc,
    Nudge,
    Person,
    VerdictState,
    Vote,
)
from bot.domain.settings import (
    DEFAULT_WORKSPACE,
    Thresholds,
    WorkspaceSettings,
)
from bot.domain.templates import (
    Template,
    TemplateCriterion,
    TemplateSummary,
    TemplateUseCase,
    template_key,
)
from bot.domain.words import (
    CADENCE_WORDS,
    CLOSED_STATUSES,
    COUNTING_ENGAGEMENTS,
    ENGAGING_ROLES,
    INTERNAL_NUDGES,
    LIVE_FORMATS,
    LIVE_STATUSES,
    MILESTONE_TITLES,
    OPEN_STATUSES,
    SPONSOR_ROLES,
    Cadence,
    CheckinFormat,
    EngagementKind,
    EventKind,
    Health,
    MilestoneKind,
    NudgeKind,
    Role,
    ScopeChangeKind,
    ScopeResolution,
    Skin,
    Status,
    Verdict,
)

__all__ = [
    "CADENCE_WORDS",
    "CLOSED_STATUSES",
    "COUNTING_ENGAGEMENTS",
    "DEFAULT_WORKSPACE",
    "ENGAGING_ROLES",
    "INTERNAL_NUDGES",
    "LIVE_FORMATS",
    "LIVE_STATUSES",
    "MILESTONE_TITLES",
    "OPEN_STATUSES",
    "SPONSOR_ROLES",
    "Cadence",
    "Checkin",
    "CheckinFormat",
    "Criterion",
    "Engagement",
    "EngagementKind",
    "EventKind",
    "Health",
    "Milestone",
    "MilestoneKind",
    "NewPoc",
    "Nudge",
    "NudgeKind",
    "ParkedItem",
    "Person",
    "Poc",
    "ReadoutAnswer",
    "Role",
    "ScopeChange",
    "ScopeChangeKind",
    "ScopeResolution",
    "Skin",
    "Stakeholder",
    "Status",
    "Template",
    "TemplateCriterion",
    "TemplateSummary",
    "TemplateUseCase",
    "Thresholds",
    "UseCase",
    "Verdict",
    "VerdictState",
    "Vote",
    "WorkspaceSettings",
    "template_key",
]
