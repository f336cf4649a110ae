"""Go / no-go before kickoff (rules 1, 2 and 8): the verdict and every reason for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import Poc, Role, Skin
from bot.rules.defaults import MAX_USE_CASES, MIN_USE_CASES
from bot.rules.facts import in_scope, scoped_use_cases, unbriefed_execs
from bot.rules.lint import FLAG_WORDS
from bot.text import day, plural, quote


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


def _no_go(code: str, text: str) -> Reason:
    return Reason(code, text, Go.no_go)


def _at_risk(code: str, text: str) -> Reason:
    return Reason(code, text, Go.at_risk)


def _budget_reasons(poc: Poc) -> list[Reason]:
    if poc.budget_confirmed:
        return []
    text = (
        "Budget isn't confirmed. If they have no way to buy after a successful POC, "
        "do not proceed: confirm the budget and how they will purchase."
    )
    return [_no_go("no_budget", text)]


def _date_reasons(poc: Poc) -> list[Reason]:
    if poc.end > poc.start:
        return []
    text = (
        f"The end date ({day(poc.end)}) is not after the start ({day(poc.start)}). "
        "A POC is time-boxed: set an end date after the start."
    )
    return [_no_go("end_before_start", text)]


def _exec_reasons(poc: Poc) -> list[Reason]:
    if poc.person(Role.exec_sponsor) is None:
        text = (
            "No executive sponsor named. Ask the champion who approves the budget, "
            "and name them before kickoff."
        )
        return [_at_risk("exec_missing", text)]
    unbriefed = unbriefed_execs(poc)
    if not unbriefed:
        return []
    names = ", ".join(s.label for s in unbriefed)
    text = (
        f"The executive sponsor ({names}) hasn't been briefed: pause until the executive "
        "is looped in. Offer a 15-minute kickoff briefing."
    )
    return [_at_risk("exec_not_briefed", text)]


def _sponsor_reasons(poc: Poc) -> list[Reason]:
    reasons = []
    if poc.person(Role.champion) is None:
        text = (
            "No champion (technical sponsor) named on the prospect's side. Name the person "
            "who coordinates their team and gets you access."
        )
        reasons.append(_at_risk("no_champion", text))
    if poc.person(Role.business_sponsor) is None:
        text = (
            "No business sponsor named. Name the person who owns the business outcome "
            "and helps set the rules and goals."
        )
        reasons.append(_at_risk("no_business_sponsor", text))
    return reasons


def _skin_reasons(poc: Poc) -> list[Reason]:
    if poc.skin != Skin.none:
        return []
    text = (
        "No skin in the game. Get a written commitment: collaborative < funded < "
        "conditional purchase order."
    )
    return [_at_risk("no_skin", text)]


def _scope_reasons(poc: Poc) -> list[Reason]:
    n = len(scoped_use_cases(poc))  # a use case parked for Phase 2 is out of scope
    if n == 0:
        text = (
            "No use cases agreed. If they just want to see what it can do, offer a sandbox "
            f"or a demo instead: a POC needs {MIN_USE_CASES}–{MAX_USE_CASES} agreed use cases."
        )
        return [_no_go("no_use_cases", text)]
    if n < MIN_USE_CASES:
        text = (
            f"Only {plural(n, 'use case')}: too narrow to justify the price. "
            f"Pick {MIN_USE_CASES}–{MAX_USE_CASES} critical use cases."
        )
        return [_at_risk("too_few_use_cases", text)]
    if n > MAX_USE_CASES:
        text = (
            f"{n} use cases: too broad, the timeline will slip. Keep the "
            f"{MIN_USE_CASES}–{MAX_USE_CASES} most painful and park the rest for Phase 2."
        )
        return [_at_risk("too_many_use_cases", text)]
    return []


def _criteria_reasons(poc: Poc) -> list[Reason]:
    covered = {c.use_case_id for c in in_scope(poc)}
    bare = [u.title for u in scoped_use_cases(poc) if u.id not in covered]
    if not bare:
        return []
    names = "; ".join(quote(t) for t in bare)
    text = f"No success criteria for: {names}. Add at least one pass/fail criterion to each."
    return [_at_risk("criteria_missing", text)]


#: One function per rule, in the order the reasons are listed: NO-GO ones first.
_QUALIFICATION_RULES: tuple[Callable[[Poc], list[Reason]], ...] = (
    _budget_reasons,
    _date_reasons,
    _exec_reasons,
    _sponsor_reasons,
    _skin_reasons,
    _scope_reasons,
    _criteria_reasons,
)


def timeframe_warning(poc: Poc) -> str | None:
    """Rule 8: a POC planned over the workspace's longest timeframe (at set-up, or once
    extended)."""
    days, most = (poc.end - poc.start).days, poc.thresholds.max_timeframe_days
    if days <= most:
        return None
    return (
        f"The POC runs {days} days (over {most}): time kills all deals. "
        "Shorten it or split it into phases."
    )


def _timeframe_warning(poc: Poc) -> list[str]:
    warning = timeframe_warning(poc)
    return [warning] if warning else []


def _flagged_criteria_warning(poc: Poc) -> list[str]:
    flagged = [c for c in poc.criteria if c.lint_flags]
    if not flagged:
        return []
    items = "; ".join(
        f'"{quote(c.statement)}" ({", ".join(FLAG_WORDS.get(f, f) for f in c.lint_flags)})'
        for c in flagged
    )
    return [
        f"Criteria saved despite lint warnings: {items}. Rewrite them before the read-out "
        "so nobody debates them."
    ]


def _skin_warning(poc: Poc) -> list[str]:
    if poc.skin != Skin.collaborative:
        return []
    return [
        "Skin in the game is only collaborative: ask the client to fund the POC, "
        "or better, for a conditional purchase order."
    ]


def qualify(poc: Poc) -> Qualification:
    """Go / no-go (rule 1): the verdict and every reason, so the SE knows exactly what to fix.

    Zero use cases is reported once, as `no_use_cases` (NO-GO), not again as too few.
    """
    reasons = tuple(r for rule in _QUALIFICATION_RULES for r in rule(poc))
    levels = {r.level for r in reasons}
    verdict = Go.no_go if Go.no_go in levels else Go.at_risk if Go.at_risk in levels else Go.go
    warnings = (*_timeframe_warning(poc), *_flagged_criteria_warning(poc), *_skin_warning(poc))
    return Qualification(verdict=verdict, reasons=reasons, warnings=warnings)
