"""`/poc report`: the team's figures over a period, privately to whoever asked.

A share of fewer than five POCs (or criteria) is said as a count — "2 of 3 won" — since a
percentage of three says more than three can; from five on, the percentage with its count.
What each figure counts is bot/rules/portfolio.py's docstring; the footer says it in short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.domain import Skin
from bot.rules import Go, Outcomes, Period, Report, Share, quarter
from bot.text import plural
from bot.views.kickoff import VERDICT_EMOJI
from bot.views.period import EXAMPLES
from bot.views.text import context, divider, header, section

SKIN_WORDS = {
    Skin.none: "No skin in the game",
    Skin.collaborative: "Collaborative",
    Skin.funded: "Funded",
    Skin.conditional_po: "Conditional purchase order",
}
BRIEFING_WORDS = {
    True: "Executive briefed by kickoff",
    False: "Not briefed by kickoff (or none named)",
}
NO_VERDICT = "⚪ No verdict recorded"
FOOTER = (
    "Over the POCs closed in the period (on each POC's own day). Win rate: won of closed — no "
    "decision is not a win. Length: start to the read-out, else to the close; plan: start to "
    "the end agreed at kickoff. Under 5, a share is given as a count."
)


def period_words(period: Period) -> str:
    """'Q1 2026', 'Jan 2026', '2026', or 'Thu 1 Jan 2026 – Tue 31 Mar 2026'."""
    start, end = period.start, period.end
    if quarter(start) == period:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return str(start.year)
    same_month = (start.year, start.month) == (end.year, end.month)
    if same_month and start.day == 1 and (end + timedelta(days=1)).day == 1:
        return f"{start:%b %Y}"
    return f"{_day(start)} – {_day(end)}"


def share_words(share: Share, verb: str = "") -> str:
    """'2 of 3 won' under five; '60% won (6 of 10)' from five; 'none' of nothing."""
    said = f" {verb}" if verb else ""
    if not share.whole:
        return "none"
    if share.small:
        return f"{share.part} of {share.whole}{said}"
    return f"{share.percent}%{said} ({share.part} of {share.whole})"


def outcome_words(o: Outcomes) -> str:
    """'3 won · 1 lost · 1 no decision' (what is nought is left out)."""
    said = [f"{o.won} won", f"{o.lost} lost", f"{o.no_decision} no decision"]
    kept = [words for n, words in zip((o.won, o.lost, o.no_decision), said, strict=True) if n]
    return " · ".join(kept) or "none closed"


def report_text(report: Report) -> str:
    """One line: the fallback text, and the demo's summary."""
    o = report.outcomes
    so_far = " so far" if report.partial else ""
    line = (
        f"Report {period_words(report.period)}{so_far}: {plural(report.started, 'POC')} "
        f"started, {o.closed} closed"
    )
    if o.closed:
        line += f" — {outcome_words(o).replace(' · ', ', ')}"
        go = dict(report.by_verdict)[Go.go]
        if go.closed:
            line += f"; GO at kickoff: {share_words(go.win_rate, 'won')}"
    return line


def report_blocks(report: Report, *, today: date) -> list[dict[str, Any]]:
    o = report.outcomes
    when = f"{_day(report.period.start)} – {_day(report.period.end)}"
    if report.partial:
        when += f" · so far, to {_day(today)}"
    head = f"*Started:* {plural(report.started, 'POC')} · *Closed:* {o.closed}"
    if o.closed:
        head += f" — {outcome_words(o)}"
        if not o.win_rate.small:
            head += f" · {o.win_rate.percent}% won"
    blocks = [header(f"Team report — {period_words(report.period)}"), context(when), section(head)]
    if not o.closed:
        blocks.append(section("No POC was closed in this period: nothing to compare yet."))
    else:
        blocks += [divider(), *_groups(report), divider(), section(_delivery(report))]
    blocks.append(context(FOOTER, f"Other periods: {EXAMPLES}."))
    return blocks


def _groups(report: Report) -> list[dict[str, Any]]:
    verdicts = [
        (f"{VERDICT_EMOJI[g]} {g.value}" if g is not None else NO_VERDICT, o)
        for g, o in report.by_verdict
    ]
    return [
        section(_lines("Win rate by kickoff verdict", verdicts)),
        section(_lines("By skin in the game", [(SKIN_WORDS[s], o) for s, o in report.by_skin])),
        section(
            _lines(
                "By executive briefing",
                [(BRIEFING_WORDS[b], o) for b, o in report.by_briefing],
            )
        ),
    ]


def _lines(title: str, groups: Sequence[tuple[str, Outcomes]]) -> str:
    rows = [
        f"{name}: {share_words(o.win_rate, 'won')}" if o.closed else f"{name}: none closed"
        for name, o in groups
    ]
    return "\n".join([f"*{title}*", *rows])


def _delivery(report: Report) -> str:
    o = report.outcomes
    rows = ["*Delivery*"]
    if report.median_days is not None and report.median_planned_days is not None:
        rows.append(
            f"Median length: {_days(report.median_days)}, against "
            f"{_days(report.median_planned_days)} planned"
        )
    rows.append(f"Finished after the end agreed at kickoff: {share_words(report.overran)}")
    pending = f"; {report.criteria_pending} still pending" if report.criteria_pending else ""
    if report.criteria.whole:
        rows.append(f"Criteria: {share_words(report.criteria, 'passed')}{pending}")
    else:
        rows.append(f"Criteria: none passed or failed{pending}")
    per_poc = report.scope_changes_per_poc or 0.0
    rows.append(
        f"Scope changes: {per_poc:.1f} per POC "
        f"({report.scope_changes} over {plural(o.closed, 'POC')})"
    )
    return "\n".join(rows)


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b} {d.year}"


def _days(n: float) -> str:
    return plural(int(n), "day") if n == int(n) else f"{n:.1f} days"
