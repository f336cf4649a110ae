"""The rules of PRODUCT.md as pure functions: no Slack, no SQL, no wall clock, no views.

Every function takes plain `bot.domain` objects and, where time matters, an aware `now` (or
the POC's local `today`). One module per concern; each imports only bot.domain, bot.text (the
words for a date or a count) and the modules above it here:

    defaults, calendar   the numbers of PRODUCT.md; business days and local dates
    facts                ← calendar: shared facts about a POC (kickoff, silence, engagement)
    lint                 the criteria linter (rule 3)
    qualification        ← facts, lint: go / no-go (rules 1, 2, 8)
    plan                 ← calendar: the Mutual Evaluation Plan (rule 4)
    verdicts             a criterion's verdict from reactions
    progress             ← facts, qualification: scope, score, pulse, health
    nudges               ← facts: what is due today (rules 5–9)
    access               who may act

A new rule goes in the module of its concern, and its public names are re-exported here.
"""

from __future__ import annotations

from bot.rules.access import (
    RULE_WHO,
    Act,
    Actor,
    insider,
    may,
    who_may,
)
from bot.rules.calendar import (
    NO_HOLIDAYS,
    add_business_days,
    business_days_between,
    is_business_day,
    local_time,
    local_today,
    nearest_business_day,
    roll_back,
    roll_forward,
)
from bot.rules.defaults import (
    CADENCE_BUSINESS_DAYS,
    CHAMPION_SILENT_BUSINESS_DAYS,
    COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS,
    DEFAULT_NUDGE_HOUR,
    MAX_TIMEFRAME_DAYS,
    MAX_USE_CASES,
    MIN_CRITERION_WORDS,
    MIN_USE_CASES,
    PULSE_WINDOW_DAYS,
    READOUT_READY_BUSINESS_DAYS,
    READOUT_READY_NAMED,
    SCOPING_LEAD_BUSINESS_DAYS,
    SIGNOFF_AFTER_READOUT_BUSINESS_DAYS,
    SNOOZE_BUSINESS_DAYS,
    SPONSOR_STALL_DAYS,
)
from bot.rules.facts import (
    briefs_exec,
    champion_silence,
    checkin_counts,
    engagement_counts,
    in_progress,
    is_done,
    is_overrun,
    kickoff_date,
    last_live_checkin,
    latest_checkin,
    sponsor_engagement_dates,
    sponsor_stall_days,
    unbriefed_execs,
)
from bot.rules.lint import (
    FLAG_WORDS,
    Lint,
    LintIssue,
    lint_criterion,
)
from bot.rules.nudges import (
    NUDGE_PRIORITY,
    due_nudges,
    snooze_until,
)
from bot.rules.plan import (
    default_milestones,
    done_when_written,
)
from bot.rules.progress import (
    Score,
    SponsorPulse,
    after_kickoff,
    criterion_scope_changes,
    days_left,
    health,
    next_milestone,
    score,
    sponsor_pulse,
)
from bot.rules.qualification import (
    Go,
    Qualification,
    Reason,
    qualify,
)
from bot.rules.verdicts import (
    FAIL_REACTIONS,
    PASS_REACTIONS,
    effective_verdict,
    reaction_verdict,
)

__all__ = [
    "CADENCE_BUSINESS_DAYS",
    "CHAMPION_SILENT_BUSINESS_DAYS",
    "COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS",
    "DEFAULT_NUDGE_HOUR",
    "FAIL_REACTIONS",
    "FLAG_WORDS",
    "MAX_TIMEFRAME_DAYS",
    "MAX_USE_CASES",
    "MIN_CRITERION_WORDS",
    "MIN_USE_CASES",
    "NO_HOLIDAYS",
    "NUDGE_PRIORITY",
    "PASS_REACTIONS",
    "PULSE_WINDOW_DAYS",
    "READOUT_READY_BUSINESS_DAYS",
    "READOUT_READY_NAMED",
    "RULE_WHO",
    "SCOPING_LEAD_BUSINESS_DAYS",
    "SIGNOFF_AFTER_READOUT_BUSINESS_DAYS",
    "SNOOZE_BUSINESS_DAYS",
    "SPONSOR_STALL_DAYS",
    "Act",
    "Actor",
    "Go",
    "Lint",
    "LintIssue",
    "Qualification",
    "Reason",
    "Score",
    "SponsorPulse",
    "add_business_days",
    "after_kickoff",
    "briefs_exec",
    "business_days_between",
    "champion_silence",
    "checkin_counts",
    "criterion_scope_changes",
    "days_left",
    "default_milestones",
    "done_when_written",
    "due_nudges",
    "effective_verdict",
    "engagement_counts",
    "health",
    "in_progress",
    "insider",
    "is_business_day",
    "is_done",
    "is_overrun",
    "kickoff_date",
    "last_live_checkin",
    "latest_checkin",
    "lint_criterion",
    "local_time",
    "local_today",
    "may",
    "nearest_business_day",
    "next_milestone",
    "qualify",
    "reaction_verdict",
    "roll_back",
    "roll_forward",
    "score",
    "snooze_until",
    "sponsor_engagement_dates",
    "sponsor_pulse",
    "sponsor_stall_days",
    "unbriefed_execs",
    "who_may",
]
