"""Every alert has an end (issue 15): the executive-briefing, sponsor and champion alerts run
from kickoff through the POC's end date, both inclusive, and never after it.

Dates are the hand-worked calendar of tests/rules/poc.py: kickoff Monday 2 March 2026, the end
Friday 27 March, and Monday 30 March (MON5) the business day after it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.domain import NudgeKind, Poc
from bot.rules import due_nudges, in_alert_window, sponsor_watch
from tests.rules.poc import (
    BUSINESS,
    CHAMPION,
    END,
    EXEC,
    FRI_FEB27,
    MON,
    MON5,
    SE,
    THU4,
    TUE,
    K,
    at,
    make_poc,
    with_milestone,
)

NO_EXEC = (SE, CHAMPION, BUSINESS)
UNBRIEFED = (SE, CHAMPION, BUSINESS, replace(EXEC, briefed_at=None))

#: Each bounded alert, a POC that deserves it on the end date, and words of its text. The
#: default POC has had no sponsor meeting, no word from its champion and no executive
#: meeting since kickoff: stalled, silent and disengaged by the end.
ALERTS: list[tuple[NudgeKind, dict[str, Any], str]] = [
    (NudgeKind.exec_unbriefed, {"stakeholders": NO_EXEC}, "No executive sponsor named"),
    (NudgeKind.exec_unbriefed, {"stakeholders": UNBRIEFED}, "still isn't briefed"),
    (NudgeKind.sponsor_stalled, {}, "Sponsor stalled"),
    (NudgeKind.exec_disengaged, {}, "has not been in a meeting or call for 25 days"),
    (NudgeKind.champion_silent, {}, "Champion silent"),
]
IDS = ["no_exec_sponsor", "exec_not_briefed", "sponsor_stalled", "exec_disengaged", "champion"]


def texts(poc: Poc, day: date, kind: NudgeKind) -> list[str]:
    return [n.text for n in due_nudges(poc, at(day)) if n.kind == kind]


@pytest.mark.parametrize(("kind", "changes", "words"), ALERTS, ids=IDS)
def test_due_on_the_end_date_not_the_business_day_after(
    kind: NudgeKind, changes: dict[str, Any], words: str
) -> None:
    poc = make_poc(**changes)
    (text,) = texts(poc, END, kind)
    assert words in text
    assert texts(poc, MON5, kind) == []


@pytest.mark.parametrize(("kind", "changes", "words"), ALERTS, ids=IDS)
def test_a_later_end_date_carries_the_alert_with_it(
    kind: NudgeKind, changes: dict[str, Any], words: str
) -> None:
    """The end is the POC's end date as it stands: an extended POC is still under way."""
    extended = make_poc(**changes, end=date(2026, 4, 3))
    assert len(texts(extended, MON5, kind)) == 1
    assert texts(extended, date(2026, 4, 6), kind) == []


@pytest.mark.parametrize(("kind", "changes", "words"), ALERTS, ids=IDS)
def test_never_a_year_after_the_end(kind: NudgeKind, changes: dict[str, Any], words: str) -> None:
    poc = make_poc(**changes)
    for day in (date(2026, 4, 27), date(2026, 9, 1), date(2027, 3, 29)):
        assert texts(poc, day, kind) == []


def test_the_briefing_alert_starts_at_kickoff() -> None:
    poc = make_poc(stakeholders=NO_EXEC)
    assert texts(poc, FRI_FEB27, NudgeKind.exec_unbriefed) == []  # the business day before
    assert len(texts(poc, MON, NudgeKind.exec_unbriefed)) == 1
    late = with_milestone(poc, K.kickoff, due=TUE)  # a kickoff after the start date
    assert texts(late, MON, NudgeKind.exec_unbriefed) == []
    assert len(texts(late, TUE, NudgeKind.exec_unbriefed)) == 1


def test_a_posted_readout_ends_the_sponsor_alerts_but_not_the_briefing_one() -> None:
    """The sponsor alerts were there to bring the read-out about; the executive still has to
    hear the plan (and who approves the budget is still unknown) until the end date."""
    poc = make_poc(stakeholders=NO_EXEC, readout_posted_at=at(THU4))
    kinds = {n.kind for n in due_nudges(poc, at(END))}
    assert NudgeKind.exec_unbriefed in kinds
    assert not kinds & {NudgeKind.sponsor_stalled, NudgeKind.champion_silent}


@pytest.mark.parametrize(
    ("day", "window", "watch"),
    [
        (FRI_FEB27, False, False),
        (MON, True, True),
        (END, True, True),
        (MON5, False, False),
    ],
)
def test_the_windows(day: date, window: bool, watch: bool) -> None:
    poc = make_poc()
    assert in_alert_window(poc, day) is window
    assert sponsor_watch(poc, day) is watch
    assert sponsor_watch(replace(poc, readout_posted_at=at(MON)), day) is False


def test_a_poc_that_ended_a_year_ago_with_no_exec_sponsor_gets_only_the_overrun_line() -> None:
    """Its plan as planned: mid-point, read-out and sign-off never ticked. Lifecycle adds its
    one warning before the auto-close (nothing has happened since the end)."""
    poc = make_poc(stakeholders=NO_EXEC)
    for day in (MON5, date(2026, 9, 1), date(2027, 3, 29)):
        kinds = [n.kind for n in due_nudges(poc, at(day)) if n.kind != NudgeKind.auto_close_warning]
        assert kinds == [NudgeKind.overrun], day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (END, {"midpoint"}),  # the end date: the POC's own steps still count
        (MON5, {"signoff"}),  # Tue 31 Mar: "Tomorrow"
        (date(2026, 3, 31), {"signoff"}),
        (date(2026, 4, 1), {"signoff"}),  # overdue by 1
    ],
)
def test_after_the_end_only_the_steps_planned_after_it_are_reminded(
    day: date, expected: set[str]
) -> None:
    """Read out on the end date, the mid-point never ticked: after the end the mid-point is
    history, the sign-off is not."""
    poc = make_poc(readout_posted_at=at(END, 16))
    subjects = {n.subject for n in due_nudges(poc, at(day)) if n.kind == NudgeKind.milestone}
    assert subjects == expected


def test_an_overrun_poc_hears_the_overrun_line_not_its_milestones() -> None:
    poc = make_poc()
    kinds = [n.kind for n in due_nudges(poc, at(MON5))]
    assert kinds == [NudgeKind.overrun]
