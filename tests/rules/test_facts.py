"""bot.rules.facts: which engagements and check-ins count, and what marks the executive briefed.

These decisions used to sit in views (`counts`, `counts_for_sponsor`) and in the `/poc sponsor`
handler; the sponsor clock, the views and the handler now ask the same functions.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain import CheckinFormat, Engagement, EngagementKind, Role
from bot.rules import briefs_exec, checkin_counts, engagement_counts, sponsor_engagement_dates
from tests.rules.poc import FRI, MON, MON2, THU, TUE, at, call, make_poc

#: Whose presence makes a meeting count (rule 10): the business or executive sponsor.
SPONSORS = (Role.exec_sponsor, Role.business_sponsor)


@pytest.mark.parametrize("role", SPONSORS)
@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        (EngagementKind.briefing, True),
        (EngagementKind.meeting, True),
        (EngagementKind.call, True),
        (EngagementKind.email, False),
        (EngagementKind.message, False),
    ],
)
def test_a_meeting_that_counts(role: Role, kind: EngagementKind, counts: bool) -> None:
    assert engagement_counts(kind, role) is counts


@pytest.mark.parametrize("role", [Role.se, Role.ae, Role.evaluator, Role.champion])
def test_our_own_people_and_the_champion_alone_are_not_sponsor_engagement(role: Role) -> None:
    """A call with only the champion is the POC's daily work, not the sponsors engaged."""
    for kind in (EngagementKind.briefing, EngagementKind.meeting, EngagementKind.call):
        assert engagement_counts(kind, role) is False


@pytest.mark.parametrize(
    ("fmt", "present", "counts"),
    [
        (CheckinFormat.meeting, True, True),
        (CheckinFormat.call, True, True),
        (CheckinFormat.email, True, False),
        (CheckinFormat.async_, True, False),
        (CheckinFormat.meeting, False, False),
        (CheckinFormat.call, False, False),
    ],
)
def test_a_checkin_counts_with_a_sponsor_at_a_meeting_or_call(
    fmt: CheckinFormat, present: bool, counts: bool
) -> None:
    assert checkin_counts(fmt, present) is counts


@pytest.mark.parametrize(
    ("kind", "role", "briefed"),
    [
        (EngagementKind.briefing, Role.exec_sponsor, True),
        (EngagementKind.meeting, Role.exec_sponsor, True),
        (EngagementKind.call, Role.exec_sponsor, False),
        (EngagementKind.email, Role.exec_sponsor, False),
        (EngagementKind.message, Role.exec_sponsor, False),
        (EngagementKind.briefing, Role.business_sponsor, False),
        (EngagementKind.meeting, Role.champion, False),
    ],
)
def test_a_briefing_or_meeting_briefs_the_executive(
    kind: EngagementKind, role: Role, briefed: bool
) -> None:
    assert briefs_exec(kind, role) is briefed


def test_the_sponsor_clock_reads_what_counts() -> None:
    """Only counting engagements and attended live check-ins, up to today, in order."""
    poc = make_poc(
        engagements=(
            Engagement(at=at(THU, 15), kind=EngagementKind.email, who="Vic"),
            Engagement(at=at(TUE, 15), kind=EngagementKind.call, who="Vic"),
            Engagement(at=at(MON2, 15), kind=EngagementKind.meeting, who="Vic"),  # after today
        ),
        checkins=(
            call(FRI),
            call(MON, sponsor=False),
            replace(call(THU), format=CheckinFormat.email),
        ),
    )
    assert sponsor_engagement_dates(poc, FRI) == [TUE, FRI]
