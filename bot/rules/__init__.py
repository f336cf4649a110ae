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
    replan               ← plan: a later end, a moved milestone, a pause given back (rule 11)
    signoff              ← facts: who must agree to the read-out, and with what exceptions
    access               who may act
    lifecycle            ← access, facts: closed, paused, the outcome and the auto-close
    nudges               ← facts, lifecycle: what is due today (rules 5–9, 11)

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
    AUTO_CLOSE_BUSINESS_DAYS,
    AUTO_CLOSE_WARNING_BUSINESS_DAYS,
    CADENCE_BUSINESS_DAYS,
    CHAMPION_SILENT_BUSINESS_DAYS,
    COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS,
    DEFAULT_NUDGE_HOUR,
    EXEC_DISENGAGED_DAYS,
    MAX_TIMEFRAME_DAYS,
    MAX_USE_CASES,
    MIN_CRITERION_WORDS,
    MIN_USE_CASES,
    OUTCOME_ASK_BUSINESS_DAYS,
    OUTCOME_ASK_EVERY_BUSINESS_DAYS,
    PAUSED_REMINDER_BUSINESS_DAYS,
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
    exec_disengaged_days,
    in_alert_window,
    in_progress,
    in_scope,
    is_done,
    is_overrun,
    kickoff_date,
    last_live_checkin,
    latest_checkin,
    scoped_use_cases,
    sponsor_engagement_dates,
    sponsor_stall_days,
    sponsor_watch,
    unbriefed_execs,
)
from bot.rules.lifecycle import (
    Today,
    auto_close_due,
    auto_close_warning_nudges,
    draft,
    is_closed,
    kicked_off,
    last_activity,
    open_to,
    outcome_nudges,
    paused_days,
    paused_nudges,
    signed_off_on,
    status_after_pause,
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
    timeframe_warning,
)
from bot.rules.replan import (
    extend_problem,
    extended_plan,
    move_problem,
    moved_plan,
    shifted_plan,
)
from bot.rules.signoff import (
    ANSWERING_ROLES,
    Signoff,
    answerer,
    answering_role,
    signoff,
    standing_answers,
    with_exceptions,
)
from bot.rules.verdicts import (
    FAIL_REACTIONS,
    PASS_REACTIONS,
    effective_verdict,
    reaction_verdict,
)

__all__ = [
    "ANSWERING_ROLES",
    "AUTO_CLOSE_BUSINESS_DAYS",
    "AUTO_CLOSE_WARNING_BUSINESS_DAYS",
    "CADENCE_BUSINESS_DAYS",
    "CHAMPION_SILENT_BUSINESS_DAYS",
    "COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS",
    "DEFAULT_NUDGE_HOUR",
    "EXEC_DISENGAGED_DAYS",
    "FAIL_REACTIONS",
    "FLAG_WORDS",
    "MAX_TIMEFRAME_DAYS",
    "MAX_USE_CASES",
    "MIN_CRITERION_WORDS",
    "MIN_USE_CASES",
    "NO_HOLIDAYS",
    "NUDGE_PRIORITY",
    "OUTCOME_ASK_BUSINESS_DAYS",
    "OUTCOME_ASK_EVERY_BUSINESS_DAYS",
    "PASS_REACTIONS",
    "PAUSED_REMINDER_BUSINESS_DAYS",
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
    "Signoff",
    "SponsorPulse",
    "Today",
    "add_business_days",
    "after_kickoff",
    "answerer",
    "answering_role",
    "auto_close_due",
    "auto_close_warning_nudges",
    "briefs_exec",
    "business_days_between",
    "champion_silence",
    "checkin_counts",
    "criterion_scope_changes",
    "days_left",
    "default_milestones",
    "done_when_written",
    "draft",
    "due_nudges",
    "effective_verdict",
    "engagement_counts",
    "exec_disengaged_days",
    "extend_problem",
    "extended_plan",
    "health",
    "in_alert_window",
    "in_progress",
    "in_scope",
    "insider",
    "is_business_day",
    "is_closed",
    "is_done",
    "is_overrun",
    "kicked_off",
    "kickoff_date",
    "last_activity",
    "last_live_checkin",
    "latest_checkin",
    "lint_criterion",
    "local_time",
    "local_today",
    "may",
    "move_problem",
    "moved_plan",
    "nearest_business_day",
    "next_milestone",
    "open_to",
    "outcome_nudges",
    "paused_days",
    "paused_nudges",
    "qualify",
    "reaction_verdict",
    "roll_back",
    "roll_forward",
    "scoped_use_cases",
    "score",
    "shifted_plan",
    "signed_off_on",
    "signoff",
    "snooze_until",
    "sponsor_engagement_dates",
    "sponsor_pulse",
    "sponsor_stall_days",
    "sponsor_watch",
    "standing_answers",
    "status_after_pause",
    "timeframe_warning",
    "unbriefed_execs",
    "who_may",
    "with_exceptions",
]
