"""bot.rules.replan: a later end re-plans what is left, one milestone moves and the later ones
keep their order, a pause is given back — every expected date written out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.domain import MilestoneKind
from bot.rules import extend_problem, extended_plan, move_problem, moved_plan, shifted_plan
from tests.rules.poc import END, FRI2, MON, MON2, THU2, TUE4, WED2, at, make_poc, with_milestone

K = MilestoneKind
NOW = at(MON2)  # Monday 9 March: scoping and kickoff done, the mid-point ahead


def test_a_later_end_replans_what_is_not_done() -> None:
    poc = make_poc()
    plan = extended_plan(poc, date(2026, 4, 10), today=MON2, now=NOW)
    # From Mon 2 Mar to Fri 10 Apr: the mid-point halfway (39 days // 2 = Sat 21 Mar → Fri 20),
    # the read-out on the end, sign-off 2 business days later, the commercial step 5 after that.
    assert plan == {
        K.midpoint: date(2026, 3, 20),
        K.readout: date(2026, 4, 10),
        K.signoff: date(2026, 4, 14),
        K.commercial: date(2026, 4, 21),
    }
    done = with_milestone(poc, K.midpoint, done_at=at(FRI2))
    assert K.midpoint not in extended_plan(done, date(2026, 4, 10), today=MON2, now=at(FRI2, 12))


@pytest.mark.parametrize(
    ("end", "today", "words"),
    [
        (END, MON2, "not after the current end"),
        (date(2026, 3, 20), MON2, "not after the current end"),
        (date(2026, 3, 30), date(2026, 4, 2), "has passed"),
    ],
)
def test_an_extension_must_be_later_and_ahead(end: date, today: date, words: str) -> None:
    problem = extend_problem(make_poc(), end, today=today)
    assert problem is not None and words in problem
    assert extend_problem(make_poc(), date(2026, 4, 3), today=MON2) is None


def test_a_moved_milestone_pushes_the_later_ones_that_would_come_first() -> None:
    poc = make_poc()
    assert moved_plan(poc, K.midpoint, WED2, now=NOW) == {K.midpoint: WED2}
    # The read-out to Fri 27 Mar is its own date: sign-off (Tue 31) and commercial stay.
    assert moved_plan(poc, K.signoff, date(2026, 4, 8), now=NOW) == {
        K.signoff: date(2026, 4, 8),
        K.commercial: date(2026, 4, 8),  # was Tue 7 Apr: it keeps its place after sign-off
    }


@pytest.mark.parametrize(
    ("kind", "to", "words"),
    [
        (K.kickoff, THU2, "done already"),
        (K.midpoint, FRI2, "is on Fri 13 Mar already"),
        (K.midpoint, MON, "has passed"),
        (K.midpoint, date(2026, 3, 14), "not a business day"),
        (K.readout, WED2, "before the Mid-point check-in (Fri 13 Mar)"),
        (K.readout, date(2026, 3, 30), "after the POC's end"),
        (K.midpoint, date(2026, 3, 30), "after the POC's end"),
    ],
)
def test_what_cannot_move(kind: MilestoneKind, to: date, words: str) -> None:
    problem = move_problem(make_poc(), kind, to, today=MON2, now=NOW)
    assert problem is not None and words in problem, problem


def test_what_can_move() -> None:
    poc = make_poc()
    assert move_problem(poc, K.readout, TUE4, today=MON2, now=NOW) is None
    assert move_problem(poc, K.signoff, date(2026, 4, 8), today=MON2, now=NOW) is None
    holiday = replace(poc, holidays=frozenset({WED2}))
    assert "not a business day" in (
        move_problem(holiday, K.midpoint, WED2, today=MON2, now=NOW) or ""
    )
    gone = replace(poc, milestones=tuple(m for m in poc.milestones if m.kind != K.midpoint))
    assert "no such milestone" in (move_problem(gone, K.midpoint, WED2, today=MON2, now=NOW) or "")


def test_a_pause_is_given_back_to_what_was_ahead() -> None:
    poc = make_poc()
    end, plan = shifted_plan(poc, 5, since=MON2, now=NOW)
    assert end == date(2026, 4, 3)
    assert plan == {
        K.midpoint: date(2026, 3, 20),
        K.readout: date(2026, 4, 3),
        K.signoff: date(2026, 4, 7),
        K.commercial: date(2026, 4, 14),
    }
    # Paused after the mid-point was due: it stays overdue where it was.
    _, later = shifted_plan(poc, 5, since=date(2026, 3, 16), now=NOW)
    assert K.midpoint not in later and later[K.readout] == date(2026, 4, 3)
