"""bot/views/period.py and bot/views/report.py: the period read from what was typed, and the
report's words — counts under five, percentages from five, every block within Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rules import Go, Outcomes, Period, Report, Share, report
from bot.views.period import PeriodError, read_period
from bot.views.report import period_words, report_blocks, report_text, share_words
from tests.rules.test_portfolio import NOW, PORTFOLIO, Q1
from tests.views.checks import check_blocks

NY = "America/New_York"
#: Friday 10 April 2026, 11:00 in New York
FRI = datetime(2026, 4, 10, 15, 0, tzinfo=UTC)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("", d(4, 1), d(6, 30)),
        ("this quarter", d(4, 1), d(6, 30)),
        ("  This   Quarter. ", d(4, 1), d(6, 30)),
        ("last quarter", d(1, 1), d(3, 31)),
        ("Q1", d(1, 1), d(3, 31)),
        ("q3", d(7, 1, 2025), d(9, 30, 2025)),  # the latest Q3 that has begun
        ("Q3 2026", d(7, 1), d(9, 30)),
        ("2025 Q4", d(10, 1, 2025), d(12, 31, 2025)),
        ("this month", d(4, 1), d(4, 30)),
        ("last month", d(3, 1), d(3, 31)),
        ("last year", d(1, 1, 2025), d(12, 31, 2025)),
        ("2026-01-01..2026-03-31", d(1, 1), d(3, 31)),
        ("2026-01-01 .. 2026-03-31", d(1, 1), d(3, 31)),
        ("2026-01-01 - 2026-03-31", d(1, 1), d(3, 31)),
        ("Jan 1 to Mar 31", d(1, 1), d(3, 31)),
        ("from Jan 1 until today", d(1, 1), d(4, 10)),
        ("1/1/2026 – 3/31/2026", d(1, 1), d(3, 31)),
        ("Nov 1 to Jan 31", d(11, 1, 2025), d(1, 31)),  # the start a year before the end
        ("May 1 to May 31", d(5, 1, 2025), d(5, 31, 2025)),  # would begin after today
        ("Dec 1 2025 to Feb 28", d(12, 1, 2025), d(2, 28)),
        ("Mar 31 to Jan 1 2026", d(3, 31, 2025), d(1, 1)),
    ],
)
def test_periods_people_type(typed: str, start: date, end: date) -> None:
    assert read_period(typed, now=FRI, tz=NY) == Period(start, end)


def test_the_quarter_is_the_askers_own() -> None:
    """1 April 02:00 in UTC is still 31 March in New York: Q1 there."""
    late = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
    assert read_period("", now=late, tz=NY) == Period(d(1, 1), d(3, 31))
    assert read_period("", now=late, tz="UTC") == Period(d(4, 1), d(6, 30))


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("next week", "I can't read 'next week' as a period."),
        ("yesterday", "I can't read 'yesterday' as a period."),
        ("Q5", "I can't read 'Q5' as a period."),
        ("Mar 31 2026 to Jan 1 2026", "That range ends before it starts."),
        ("2026-03-31..2026-01-01", "That range ends before it starts."),
        ("soon to later", "'soon': "),
        ("Jan 1 to <!channel>", "'&lt;!channel&gt;': "),
        ("Feb 29 to Mar 31", "2026 has no 29 February: name the year."),
    ],
)
def test_what_is_not_a_period_is_said_clearly(typed: str, says: str) -> None:
    with pytest.raises(PeriodError) as e:
        read_period(typed, now=FRI, tz=NY)
    assert str(e.value).startswith(says), str(e.value)


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (Period(d(1, 1), d(3, 31)), "Q1 2026"),
        (Period(d(10, 1, 2025), d(12, 31, 2025)), "Q4 2025"),
        (Period(d(1, 1), d(12, 31)), "2026"),
        (Period(d(2, 1), d(2, 28)), "Feb 2026"),
        (Period(d(1, 5), d(3, 31)), "Mon 5 Jan 2026 – Tue 31 Mar 2026"),
    ],
)
def test_period_words(period: Period, words: str) -> None:
    assert period_words(period) == words


def test_a_share_under_five_is_a_count() -> None:
    assert share_words(Share(2, 3), "won") == "2 of 3 won"
    assert share_words(Share(4, 4), "won") == "4 of 4 won"
    assert share_words(Share(3, 5), "won") == "60% won (3 of 5)"
    assert share_words(Share(4, 7)) == "57% (4 of 7)"
    assert share_words(Share(0, 0), "won") == "none"


def sections(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_the_q1_report_says_every_figure() -> None:
    """The hand-worked portfolio of tests/rules/test_portfolio.py, in words."""
    figures = report(PORTFOLIO, Q1, NOW)
    blocks = report_blocks(figures, today=NOW.date())
    check_blocks(blocks)
    assert blocks[0]["text"]["text"] == "Team report — Q1 2026"
    assert blocks[1]["elements"][0]["text"] == "Thu 1 Jan 2026 – Tue 31 Mar 2026"
    assert sections(blocks) == [
        "*Started:* 8 POCs · *Closed:* 7 — 4 won · 2 lost · 1 no decision · 57% won",
        "*Win rate by kickoff verdict*\n🟢 GO: 3 of 4 won\n🟠 AT RISK: 0 of 1 won\n"
        "🔴 NO-GO: 0 of 1 won\n⚪ No verdict recorded: 1 of 1 won",
        "*By skin in the game*\nNo skin in the game: 0 of 2 won\nCollaborative: 1 of 1 won\n"
        "Funded: 2 of 3 won\nConditional purchase order: 1 of 1 won",
        "*By executive briefing*\nExecutive briefed by kickoff: 3 of 4 won\n"
        "Not briefed by kickoff (or none named): 1 of 3 won",
        "*Delivery*\nMedian length: 38 days, against 25 days planned\n"
        "Finished after the end agreed at kickoff: 57% (4 of 7)\n"
        "Criteria: 71% passed (10 of 14); 2 still pending\n"
        "Scope changes: 0.9 per POC (6 over 7 POCs)",
    ]
    assert report_text(figures) == (
        "Report Q1 2026: 8 POCs started, 7 closed — 4 won, 2 lost, 1 no decision; "
        "GO at kickoff: 3 of 4 won"
    )


def test_a_group_of_five_or_more_gets_its_percentage() -> None:
    five = Outcomes(won=3, lost=2)
    figures = report(PORTFOLIO, Q1, NOW)
    bigger = Report(
        **{
            **{f: getattr(figures, f) for f in figures.__dataclass_fields__},
            "outcomes": five,
            "by_verdict": ((Go.go, five), (Go.at_risk, Outcomes()), (Go.no_go, Outcomes())),
        }
    )
    said = sections(report_blocks(bigger, today=NOW.date()))
    assert said[0].endswith("3 won · 2 lost · 60% won")
    assert said[1] == (
        "*Win rate by kickoff verdict*\n🟢 GO: 60% won (3 of 5)\n🟠 AT RISK: none closed\n"
        "🔴 NO-GO: none closed"
    )
    assert report_text(bigger).endswith("GO at kickoff: 60% won (3 of 5)")


def test_a_quarter_so_far_with_nothing_closed() -> None:
    q2 = Period(d(4, 1), d(6, 30))
    figures = report(PORTFOLIO[:9], q2, FRI)  # 9 starts Apr 6; nothing closed yet
    blocks = report_blocks(figures, today=d(4, 10))
    check_blocks(blocks)
    assert blocks[1]["elements"][0]["text"] == (
        "Wed 1 Apr 2026 – Tue 30 Jun 2026 · so far, to Fri 10 Apr 2026"
    )
    assert sections(blocks) == [
        "*Started:* 1 POC · *Closed:* 0",
        "No POC was closed in this period: nothing to compare yet.",
    ]
    assert report_text(figures) == "Report Q2 2026 so far: 1 POC started, 0 closed"
