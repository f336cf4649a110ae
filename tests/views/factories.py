"""A realistic POC for the view tests: every role, three use cases, mixed verdicts.

The calendar: a four-week POC from Monday 2026-03-02 to Friday 2026-03-27; "now" is
Monday 2026-03-16, 10:00 UTC — the third week, after the mid-point.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from bot.domain import (
    Checkin,
    CheckinFormat,
    Criterion,
    Engagement,
    EngagementKind,
    Health,
    Milestone,
    MilestoneKind,
    ParkedItem,
    Poc,
    Role,
    ScopeChange,
    ScopeChangeKind,
    Skin,
    Stakeholder,
    UseCase,
    Verdict,
)
from bot.rules import default_milestones

START = date(2026, 3, 2)
END = date(2026, 3, 27)
TODAY = date(2026, 3, 16)
NOW = datetime.combine(TODAY, time(10), tzinfo=UTC)
EVIL = "<!channel> <https://evil|x>"
EVIL_ESCAPED = "&lt;!channel&gt; &lt;https://evil|x&gt;"


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=UTC)


SE = Stakeholder(Role.se, user_id="USE")
AE = Stakeholder(Role.ae, user_id="UAE")
CHAMPION = Stakeholder(Role.champion, user_id="UCHAMP", name="Dana Li", last_seen_at=at(TODAY, 9))
BUSINESS = Stakeholder(Role.business_sponsor, name="Sam Ortiz")
EXEC = Stakeholder(Role.exec_sponsor, user_id="UEXEC", briefed_at=at(date(2026, 2, 25)))
EVALUATOR = Stakeholder(Role.evaluator, user_id="UEVAL")

USE_CASES = (
    UseCase(1, "Ingest our logs"),
    UseCase(2, "Deploy a microservice"),
    UseCase(3, "Alert on anomalies"),
)
CRITERIA = (
    Criterion(
        1,
        1,
        "Ingests 500 GB of JSON within 1 hour without dropping packets.",
        verdict=Verdict.passed,
    ),
    Criterion(2, 1, "Keeps 30 days of logs searchable in under 2 seconds.", verdict=Verdict.failed),
    Criterion(
        3, 2, "A junior engineer deploys a service in under 5 minutes.", verdict=Verdict.passed
    ),
    Criterion(4, 2, "Rollback completes in under 60 seconds.", conflict=True),
    Criterion(5, 3, "Pages on-call within 2 minutes of a 5xx spike above 1%."),
    Criterion(6, 3, "No more than 2 false alerts per week.", verdict=Verdict.passed),
)
CHECKINS = (
    Checkin(date(2026, 3, 4), CheckinFormat.meeting, True, Health.green, "Kicked off", "", "USE"),
    Checkin(date(2026, 3, 9), CheckinFormat.call, False, Health.green, "Ingest running"),
    Checkin(date(2026, 3, 13), CheckinFormat.email, False, Health.yellow, "Waiting on creds"),
)


def milestones() -> tuple[Milestone, ...]:
    plan = default_milestones(START, END, today=date(2026, 2, 26))
    done = {MilestoneKind.scoping, MilestoneKind.kickoff, MilestoneKind.midpoint}
    return tuple(
        Milestone(kind, due, done_at=at(due) if kind in done else None)
        for kind, due in plan.items()
    )


def make_poc(**changes: Any) -> Poc:
    poc = Poc(
        id=7,
        team_id="T1",
        channel_id="CDEAL",
        prospect="Acme Corp",
        start=START,
        end=END,
        pain="Our on-call team drowns in logs.\nIncidents take hours to find.",
        internal_channel_id="CINTERNAL",
        budget_confirmed=True,
        skin=Skin.funded,
        created_at=at(date(2026, 2, 25)),
        original_end=END,
        stakeholders=(SE, AE, CHAMPION, BUSINESS, EXEC, EVALUATOR),
        use_cases=USE_CASES,
        criteria=CRITERIA,
        milestones=milestones(),
        checkins=CHECKINS,
        engagements=(Engagement(at(date(2026, 3, 10)), EngagementKind.meeting, "UEXEC"),),
        scope_changes=(
            ScopeChange(11, ScopeChangeKind.criterion_added, "Rollback criterion", at(START)),
        ),
        parked=(ParkedItem("SSO with Okta", "USE", at(date(2026, 3, 11))),),
    )
    return replace(poc, **changes)
