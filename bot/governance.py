"""The rules of PRODUCT.md as pure functions: no Slack, no SQL, no wall clock.

Every function takes plain `bot.domain` objects and, where time matters, an aware `now`.
Dates are judged in the POC's own timezone, on business days (Monday to Friday).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain import (
    Cadence,
    Criterion,
    Health,
    MilestoneKind,
    Nudge,
    Poc,
    Verdict,
)

# ---------------------------------------------------------------- defaults (PRODUCT.md)

MIN_USE_CASES = 2
MAX_USE_CASES = 3
MAX_TIMEFRAME_DAYS = 30
SPONSOR_STALL_DAYS = 7  # calendar days without a sponsor engagement
CHAMPION_SILENT_BUSINESS_DAYS = 3
READOUT_READY_BUSINESS_DAYS = 2
#: business days between check-ins for each cadence
CADENCE_BUSINESS_DAYS = {Cadence.twice_weekly: 2, Cadence.weekly: 5, Cadence.biweekly: 10}
DEFAULT_NUDGE_HOUR = 9

PASS_REACTIONS = frozenset({"white_check_mark", "heavy_check_mark"})
FAIL_REACTIONS = frozenset({"x"})


# ---------------------------------------------------------------- business days


def is_business_day(d: date) -> bool:
    raise NotImplementedError


def add_business_days(d: date, n: int) -> date:
    raise NotImplementedError


def business_days_between(a: date, b: date) -> int:
    raise NotImplementedError


def local_today(now: datetime, tz: str) -> date:
    raise NotImplementedError


# ---------------------------------------------------------------- qualification (rule 1, 2, 8)


class Go(StrEnum):
    go = "GO"
    at_risk = "AT RISK"
    no_go = "NO-GO"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    level: Go  # the verdict this reason forces on its own


@dataclass(frozen=True, slots=True)
class Qualification:
    verdict: Go
    reasons: tuple[Reason, ...]
    warnings: tuple[str, ...] = ()


def qualify(poc: Poc) -> Qualification:
    raise NotImplementedError


# ---------------------------------------------------------------- criteria lint (rule 3)


@dataclass(frozen=True, slots=True)
class LintIssue:
    code: str
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class Lint:
    warnings: tuple[LintIssue, ...] = ()  # need "save anyway"
    hints: tuple[LintIssue, ...] = ()  # advice only

    @property
    def ok(self) -> bool:
        return not self.warnings


def lint_criterion(statement: str, method: str = "") -> Lint:
    raise NotImplementedError


# ---------------------------------------------------------------- MEP (rule 4)


def default_milestones(start: date, end: date, *, today: date) -> dict[MilestoneKind, date]:
    raise NotImplementedError


# ---------------------------------------------------------------- verdicts from reactions


def reaction_verdict(reaction: str) -> Verdict | None:
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Vote:
    user_id: str
    reaction: str
    added: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class VerdictState:
    verdict: Verdict
    by: str | None
    at: datetime | None
    conflict: bool
    voters: tuple[tuple[str, Verdict], ...]  # active (user, verdict), oldest first


def effective_verdict(votes: Iterable[Vote]) -> VerdictState:
    raise NotImplementedError


# ---------------------------------------------------------------- scope, progress, health


def after_kickoff(poc: Poc, now: datetime) -> bool:
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Score:
    passed: int
    failed: int
    pending: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.pending


def score(criteria: Sequence[Criterion]) -> Score:
    raise NotImplementedError


def days_left(poc: Poc, now: datetime) -> int:
    raise NotImplementedError


def next_milestone(poc: Poc, now: datetime) -> tuple[MilestoneKind, date] | None:
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class SponsorPulse:
    last_engaged: date | None
    days_since: int | None
    recent: int  # counting engagements in the last 14 days
    previous: int  # … in the 14 days before that
    trend: str  # "up" | "down" | "flat"


def sponsor_pulse(poc: Poc, now: datetime) -> SponsorPulse:
    raise NotImplementedError


def health(poc: Poc, now: datetime) -> Health:
    raise NotImplementedError


# ---------------------------------------------------------------- what is due (rules 5–9)


def due_nudges(poc: Poc, now: datetime, *, nudge_hour: int = DEFAULT_NUDGE_HOUR) -> list[Nudge]:
    raise NotImplementedError
