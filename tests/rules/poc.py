"""A POC to judge, and its calendar worked out by hand: what every tests/rules module shares.

The calendar: Monday 2026-03-02 is kickoff of a four-week POC ending Friday 2026-03-27, in UTC
unless a test says otherwise. Every expected date is written out, not computed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import (
    Checkin,
    CheckinFormat,
    Criterion,
    Engagement,
    EngagementKind,
    Health,
    Milestone,
    MilestoneKind,
    Poc,
    Role,
    Skin,
    Stakeholder,
    UseCase,
)

K = MilestoneKind
NY = "America/New_York"

# ---------------------------------------------------------------- the calendar, by hand

FRI_FEB27 = date(2026, 2, 27)
MON = date(2026, 3, 2)  # kickoff
TUE = date(2026, 3, 3)
WED = date(2026, 3, 4)
THU = date(2026, 3, 5)
FRI = date(2026, 3, 6)
SAT = date(2026, 3, 7)
SUN = date(2026, 3, 8)
MON2 = date(2026, 3, 9)
TUE2 = date(2026, 3, 10)
WED2 = date(2026, 3, 11)
THU2 = date(2026, 3, 12)
FRI2 = date(2026, 3, 13)  # mid-point
MON3 = date(2026, 3, 16)
TUE4 = date(2026, 3, 24)
WED4 = date(2026, 3, 25)
THU4 = date(2026, 3, 26)
END = date(2026, 3, 27)  # Friday: read-out
MON5 = date(2026, 3, 30)


def at(d: date, hour: int = 10, minute: int = 0, tz: str = "UTC") -> datetime:
    """A local wall-clock time in `tz`, handed over in UTC as the scheduler does."""
    return datetime.combine(d, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)


# ---------------------------------------------------------------- a fully GO POC

CHAMPION = Stakeholder(Role.champion, user_id="UCHAMP", name="Dana")
BUSINESS = Stakeholder(Role.business_sponsor, name="Sam")
EXEC = Stakeholder(Role.exec_sponsor, name="Vic", briefed_at=at(date(2026, 2, 25)))
SE = Stakeholder(Role.se, user_id="USE")
INGEST = UseCase(1, "Ingest our logs")
DEPLOY = UseCase(2, "Deploy a microservice")
C_INGEST = Criterion(
    1, 1, "The system ingests 500GB of JSON payload within 1 hour without dropping packets."
)
C_DEPLOY = Criterion(
    2,
    2,
    "A junior engineer can deploy a new microservice via the CI/CD integration in under "
    "5 minutes, as measured during the final workshop.",
)
PLAN = (
    Milestone(K.scoping, date(2026, 2, 26), done_at=at(date(2026, 2, 26))),
    Milestone(K.kickoff, MON, done_at=at(MON, 9)),
    Milestone(K.midpoint, FRI2),
    Milestone(K.readout, END),
    Milestone(K.signoff, date(2026, 3, 31)),
    Milestone(K.commercial, date(2026, 4, 7)),
)


def make_poc(**changes: Any) -> Poc:
    """A POC that qualifies GO; each test changes only what it is about."""
    poc = Poc(
        id=7,
        team_id="T1",
        channel_id="C1",
        prospect="Acme",
        start=MON,
        end=END,
        budget_confirmed=True,
        skin=Skin.funded,
        stakeholders=(SE, CHAMPION, BUSINESS, EXEC),
        use_cases=(INGEST, DEPLOY),
        criteria=(C_INGEST, C_DEPLOY),
        milestones=PLAN,
    )
    return replace(poc, **changes)


def with_milestone(poc: Poc, kind: MilestoneKind, **changes: Any) -> Poc:
    milestones = tuple(replace(m, **changes) if m.kind == kind else m for m in poc.milestones)
    return replace(poc, milestones=milestones)


def call(day: date, *, sponsor: bool = True, fmt: CheckinFormat = CheckinFormat.call) -> Checkin:
    return Checkin(held_on=day, format=fmt, sponsor_present=sponsor, health=Health.green)


def engaged(day: date, kind: EngagementKind = EngagementKind.meeting) -> Engagement:
    return Engagement(at=at(day, 15), kind=kind, who="Vic")
