"""The team's portfolio over a period (issue 16): what was started and closed, and whether
governance pays off — win rates by kickoff verdict, by skin in the game and by whether the
executive was briefed before kickoff; length against plan; overruns; criteria passed; scope
changes per POC.

What each figure counts (the README and `/poc report` say the same):
- *started*: POCs whose start date is in the period (and not after today).
- *closed*: POCs closed won, lost or no decision on a day in the period (the POC's local day).
  Every other figure is over these, so a quarter's report judges the POCs it saw end.
- *win rate*: won out of closed; a POC that ends with no decision did not win.
- *length*: start to the read-out when one was posted (the evaluation's end), else to the
  close; *planned*: start to the end agreed at kickoff (`original_end`). *Overran*: finished
  after that end — an extension is an overrun against the plan.
- *criteria pass rate*: in-scope criteria of the closed POCs, passed out of passed + failed
  (pending ones are counted apart).
- *scope changes per POC*: every scope change the closed POCs recorded, over their number.

Pure: POCs, a period and `now` in, figures out; the words are bot/views/report.py's.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from bot.domain import CLOSED_STATUSES, Poc, Role, Skin, Status, Verdict
from bot.rules.calendar import local_today
from bot.rules.facts import in_scope, kickoff_date
from bot.rules.qualification import Go

#: Below this many in a group, a share is shown as a count ("2 of 3 won"), not a percentage:
#: 67% of three POCs says more than the three POCs can.
SMALL_GROUP = 5

_K = TypeVar("_K")


@dataclass(frozen=True, slots=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def quarter(today: date, back: int = 0) -> Period:
    """The calendar quarter `today` is in, or the one `back` quarters before it."""
    index = today.year * 4 + (today.month - 1) // 3 - back
    year, q = divmod(index, 4)
    start = date(year, 3 * q + 1, 1)
    following = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Share:
    """`part` of `whole`, with whether the whole is too small for a percentage."""

    part: int
    whole: int

    @property
    def small(self) -> bool:
        return self.whole < SMALL_GROUP

    @property
    def percent(self) -> int | None:
        """Rounded half up (2 of 8 is 25%, 1 of 8 is 13%); None of nothing."""
        if not self.whole:
            return None
        return (200 * self.part + self.whole) // (2 * self.whole)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """How a group of closed POCs ended."""

    won: int = 0
    lost: int = 0
    no_decision: int = 0

    @property
    def closed(self) -> int:
        return self.won + self.lost + self.no_decision

    @property
    def win_rate(self) -> Share:
        return Share(self.won, self.closed)


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    #: the period runs past today: its figures are so far
    partial: bool
    started: int
    outcomes: Outcomes
    #: GO, AT RISK, NO-GO in that order, then None (no verdict recorded) if any closed so
    by_verdict: tuple[tuple[Go | None, Outcomes], ...]
    #: weakest to strongest commitment
    by_skin: tuple[tuple[Skin, Outcomes], ...]
    #: True: every executive sponsor briefed by the kickoff date; False: not (or none named)
    by_briefing: tuple[tuple[bool, Outcomes], ...]
    median_days: float | None
    median_planned_days: float | None
    overran: Share
    criteria: Share  # passed of passed + failed
    criteria_pending: int
    scope_changes: int

    @property
    def scope_changes_per_poc(self) -> float | None:
        closed = self.outcomes.closed
        return self.scope_changes / closed if closed else None


def closed_on(poc: Poc) -> date | None:
    """The POC's local day it was closed; None while it is open."""
    if poc.status not in CLOSED_STATUSES or poc.closed_at is None:
        return None
    return local_today(poc.closed_at, poc.tz)


def finished_on(poc: Poc) -> date | None:
    """When the evaluation ended: the read-out's day, else the close's (None: still open)."""
    if poc.readout_posted_at is not None:
        return local_today(poc.readout_posted_at, poc.tz)
    return closed_on(poc)


def briefed_by_kickoff(poc: Poc) -> bool:
    """Every named executive sponsor was briefed on or before the kickoff date (rule 1); a
    POC with none named was not."""
    execs = poc.people(Role.exec_sponsor)
    kickoff = kickoff_date(poc)
    return bool(execs) and all(
        s.briefed_at is not None and local_today(s.briefed_at, poc.tz) <= kickoff for s in execs
    )


def kickoff_go(poc: Poc) -> Go | None:
    """The go/no-go recorded at kickoff, if it is one we know."""
    return next((g for g in Go if g.value == poc.kickoff_verdict), None)


def report(pocs: Iterable[Poc], period: Period, now: datetime) -> Report:
    """The portfolio's figures for `period` from these POCs (any may be outside it)."""
    pocs = list(pocs)
    started = [p for p in pocs if p.start in period and p.start <= local_today(now, p.tz)]
    closed = [p for p in pocs if closed_on(p) in period]
    finished = [(p, d) for p in closed if (d := finished_on(p)) is not None]
    planned = [(p.original_end or p.end) for p, _ in finished]
    criteria = [c for p in closed for c in in_scope(p)]
    passed = sum(c.verdict == Verdict.passed for c in criteria)
    failed = sum(c.verdict == Verdict.failed for c in criteria)
    verdicts: list[Go | None] = list(Go)
    if any(kickoff_go(p) is None for p in closed):
        verdicts.append(None)
    return Report(
        period=period,
        partial=period.end > local_today(now, "UTC"),
        started=len(started),
        outcomes=outcomes(closed),
        by_verdict=_grouped(closed, kickoff_go, verdicts),
        by_skin=_grouped(closed, lambda p: p.skin, list(Skin)),
        by_briefing=_grouped(closed, briefed_by_kickoff, [True, False]),
        median_days=_median([(d - p.start).days for p, d in finished]),
        median_planned_days=_median(
            [(end - p.start).days for (p, _), end in zip(finished, planned, strict=True)]
        ),
        overran=Share(
            sum(d > end for (_, d), end in zip(finished, planned, strict=True)), len(finished)
        ),
        criteria=Share(passed, passed + failed),
        criteria_pending=len(criteria) - passed - failed,
        scope_changes=sum(len(p.scope_changes) for p in closed),
    )


def outcomes(pocs: Iterable[Poc]) -> Outcomes:
    statuses = [p.status for p in pocs]
    return Outcomes(
        won=statuses.count(Status.won),
        lost=statuses.count(Status.lost),
        no_decision=statuses.count(Status.no_decision),
    )


def _grouped(
    pocs: Sequence[Poc], key: Callable[[Poc], _K], keys: Sequence[_K]
) -> tuple[tuple[_K, Outcomes], ...]:
    """Each of `keys` (in that order, empty groups too) with its POCs' outcomes; `key` is
    asked once per POC (a report may judge thousands)."""
    groups: dict[_K, list[Poc]] = defaultdict(list)
    for p in pocs:
        groups[key(p)].append(p)
    return tuple((k, outcomes(groups.get(k, ()))) for k in keys)


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None
