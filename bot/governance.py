"""The rules of PRODUCT.md as pure functions: no Slack, no SQL, no wall clock.

Every function takes plain `bot.domain` objects and, where time matters, an aware `now`.
Dates are judged in the POC's own timezone, on business days (Monday to Friday).

There is no holiday calendar: a public holiday is a business day here. The cost is a nudge on
a holiday; the alternative (a calendar per prospect country) is configuration nobody keeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain import (
    COUNTING_ENGAGEMENTS,
    INTERNAL_NUDGES,
    LIVE_FORMATS,
    LIVE_STATUSES,
    MILESTONE_TITLES,
    SPONSOR_ROLES,
    Cadence,
    Checkin,
    Criterion,
    Health,
    Milestone,
    MilestoneKind,
    Nudge,
    NudgeKind,
    Poc,
    Role,
    ScopeChange,
    ScopeChangeKind,
    ScopeResolution,
    Skin,
    Stakeholder,
    Status,
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

#: Scoping happens this many business days before kickoff by default.
SCOPING_LEAD_BUSINESS_DAYS = 2
SIGNOFF_AFTER_READOUT_BUSINESS_DAYS = 2
COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS = 5
#: The sponsor pulse compares two windows of this many calendar days.
PULSE_WINDOW_DAYS = 14
#: A criterion shorter than this many words cannot say who, what, how much and by when.
MIN_CRITERION_WORDS = 3
#: How many pending criteria the read-out reminder names before saying "and N more".
READOUT_READY_NAMED = 5

#: The order nudges appear in one combined message: the most urgent first.
NUDGE_PRIORITY = (
    NudgeKind.overrun,
    NudgeKind.scope_creep,
    NudgeKind.milestone,
    NudgeKind.readout_ready,
    NudgeKind.cadence,
    NudgeKind.exec_unbriefed,
    NudgeKind.sponsor_stalled,
    NudgeKind.champion_silent,
)


# ---------------------------------------------------------------- business days


def is_business_day(d: date) -> bool:
    """Monday to Friday. No holiday calendar (see the module docstring)."""
    return d.weekday() < 5


def add_business_days(d: date, n: int) -> date:
    """`n` business days after `d` (before, if negative); `d` itself when n is 0.

    From a weekend day, +1 is the Monday and -1 the Friday: the count starts from `d`, which
    need not be a business day itself.
    """
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_business_day(d):
            remaining -= 1
    return d


def _business_days_through(d: date) -> int:
    """Business days from 0001-01-01 (a Monday) through `d`: any 7 days hold exactly 5."""
    weeks, rest = divmod(d.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def business_days_between(a: date, b: date) -> int:
    """Business days in (a, b]; negative when b is before a. O(1), so sweeps stay cheap."""
    return _business_days_through(b) - _business_days_through(a)


def roll_forward(d: date) -> date:
    """`d`, or the Monday after it when it falls on a weekend."""
    return d if is_business_day(d) else add_business_days(d, 1)


def roll_back(d: date) -> date:
    """`d`, or the Friday before it when it falls on a weekend."""
    return d if is_business_day(d) else add_business_days(d, -1)


def nearest_business_day(d: date) -> date:
    """Saturday belongs to the Friday before, Sunday to the Monday after."""
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def _local(now: datetime, tz: str) -> datetime:
    # A naive datetime would be read in the server's zone: refuse it rather than guess.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(tz))


def local_today(now: datetime, tz: str) -> date:
    """The calendar date it is in `tz` at the instant `now`."""
    return _local(now, tz).date()


def _day(d: date) -> str:
    """'Tue 1 Dec' — the same short form the views use, in plain text."""
    return f"{d:%a} {d.day} {d:%b}"


_PLURALS = {"criterion": "criteria"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {_PLURALS.get(word, word + 's')}"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- shared facts about a POC


def is_done(milestone: Milestone, now: datetime) -> bool:
    """Done means marked done by now; a done_at in the future has not happened yet."""
    return milestone.done_at is not None and milestone.done_at <= now


def kickoff_date(poc: Poc) -> date:
    """The kickoff milestone's date, or the start date when the plan has no kickoff."""
    kickoff = poc.milestone(MilestoneKind.kickoff)
    return kickoff.due if kickoff else poc.start


def unbriefed_execs(poc: Poc) -> tuple[Stakeholder, ...]:
    """Named executive sponsors nobody has briefed: each one would be ambushed (seed 000)."""
    return tuple(s for s in poc.people(Role.exec_sponsor) if s.briefed_at is None)


def in_progress(poc: Poc, today: date) -> bool:
    """Between start and end with no read-out yet: when cadence and sponsor rules apply."""
    return poc.start <= today <= poc.end and poc.readout_posted_at is None


def is_overrun(poc: Poc, today: date) -> bool:
    """The end date has passed without a read-out: time kills all deals (seed 004)."""
    return today > poc.end and poc.readout_posted_at is None


def latest_checkin(poc: Poc, today: date | None = None) -> Checkin | None:
    """The most recent check-in (held on or before `today`, when given)."""
    held = [c for c in poc.checkins if today is None or c.held_on <= today]
    return max(held, key=lambda c: c.held_on, default=None)


def last_live_checkin(poc: Poc, today: date) -> date | None:
    """The latest meeting or call: email and async updates never keep the cadence (seed 004)."""
    return max(
        (c.held_on for c in poc.checkins if c.format in LIVE_FORMATS and c.held_on <= today),
        default=None,
    )


def sponsor_engagement_dates(poc: Poc, today: date) -> list[date]:
    """Local dates of "meetings that count" (seed 003) up to today.

    Logged briefings, meetings and calls with a prospect sponsor, plus live check-ins a sponsor
    attended. Email and chat never count; neither does a meeting logged ahead of time.
    """
    zone = ZoneInfo(poc.tz)
    logged = [
        e.at.astimezone(zone).date()
        for e in poc.engagements
        if e.kind in COUNTING_ENGAGEMENTS and e.role in SPONSOR_ROLES
    ]
    attended = [c.held_on for c in poc.checkins if c.sponsor_present and c.format in LIVE_FORMATS]
    return sorted(d for d in logged + attended if d <= today)


def sponsor_stall_days(poc: Poc, today: date) -> int | None:
    """Calendar days without sponsor engagement when that is a stall (rule 6), else None.

    Only during the POC and from kickoff + 7 days: before that a quiet week is not a stall.
    With no engagement at all the silence is counted from kickoff.
    """
    kickoff = kickoff_date(poc)
    if not in_progress(poc, today) or (today - kickoff).days < SPONSOR_STALL_DAYS:
        return None
    last = max(sponsor_engagement_dates(poc, today), default=None)
    days = (today - (last or kickoff)).days
    return days if days >= SPONSOR_STALL_DAYS else None


def champion_silence(poc: Poc, today: date) -> int | None:
    """Business days the champion has been silent when that is a stall (rule 6), else None.

    Activity is a message in the deal channel or any check-in (all formats: an email reply is
    still a reply). The count starts at kickoff at the earliest.
    """
    champions = poc.people(Role.champion)
    if not champions or not in_progress(poc, today):
        return None
    zone = ZoneInfo(poc.tz)
    seen = [c.last_seen_at.astimezone(zone).date() for c in champions if c.last_seen_at]
    checkin = latest_checkin(poc, today)
    activity = [*seen, kickoff_date(poc)] + ([checkin.held_on] if checkin else [])
    silent = business_days_between(max(activity), today)
    return silent if silent >= CHAMPION_SILENT_BUSINESS_DAYS else None


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
        f"The end date ({_day(poc.end)}) is not after the start ({_day(poc.start)}). "
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
    n = len(poc.use_cases)
    if n == 0:
        text = (
            "No use cases agreed. If they just want to see what it can do, offer a sandbox "
            f"or a demo instead: a POC needs {MIN_USE_CASES}–{MAX_USE_CASES} agreed use cases."
        )
        return [_no_go("no_use_cases", text)]
    if n < MIN_USE_CASES:
        text = (
            f"Only {_plural(n, 'use case')}: too narrow to justify the price. "
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
    covered = {c.use_case_id for c in poc.criteria}
    bare = [u.title for u in poc.use_cases if u.id not in covered]
    if not bare:
        return []
    names = "; ".join(_clip(t) for t in bare)
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

#: How a saved lint flag reads in a qualification warning.
_FLAG_WORDS = {
    "subjective": "subjective",
    "unmeasurable": "no number or threshold",
    "empty": "empty",
    "too_short": "too short",
}


def _timeframe_warning(poc: Poc) -> list[str]:
    days = (poc.end - poc.start).days
    if days <= MAX_TIMEFRAME_DAYS:
        return []
    return [
        f"The POC runs {days} days (over {MAX_TIMEFRAME_DAYS}): time kills all deals. "
        "Shorten it or split it into phases."
    ]


def _flagged_criteria_warning(poc: Poc) -> list[str]:
    flagged = [c for c in poc.criteria if c.lint_flags]
    if not flagged:
        return []
    items = "; ".join(
        f'"{_clip(c.statement)}" ({", ".join(_FLAG_WORDS.get(f, f) for f in c.lint_flags)})'
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


#: Subjective words by family, each family with the rewrite that fits it (seed 002).
_SUBJECTIVE: dict[str, tuple[tuple[str, ...], str]] = {
    "usability": (
        (
            "easy",
            "easily",
            "intuitive",
            "intuitively",
            "user-friendly",
            "user friendly",
            "simple",
            "seamless",
            "seamlessly",
            "smooth",
            "smoothly",
        ),
        "say who does what in how long: 'a junior engineer deploys a new microservice "
        "in under 5 minutes'",
    ),
    "speed": (
        ("fast", "quick", "quickly", "rapid", "rapidly"),
        "give a number with a unit: 'p95 latency under 200 ms at 50 concurrent users'",
    ),
    "quality": (
        ("well", "good", "great", "nice", "robust", "flexible", "scalable", "reliable", "reliably"),
        "give a threshold: 'ingests 500 GB of JSON within 1 hour without dropping packets'",
    ),
}
_FAMILY_OF = {w: family for family, (words, _) in _SUBJECTIVE.items() for w in words}


def _word_pattern(words: Iterable[str]) -> str:
    # Longest first, so "user friendly" wins over a shorter alternative; spaces match any run.
    alternatives = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives)


# Whole words only: "breakfast" is not fast and "wellness" is not well. "well-formed" and
# friends are compound adjectives, not the "handles … well" of the seed, so "well-" is spared.
_SUBJECTIVE_RE = re.compile(
    rf"\b(?:{_word_pattern(w for w in _FAMILY_OF if w != 'well')}|well(?!-\w))\b", re.IGNORECASE
)
# "as well as" means "and": strip it before looking for a subjective "well".
_AS_WELL_RE = re.compile(r"\bas\s+well(?:\s+as)?\b", re.IGNORECASE)

# A threshold is a digit or a number word. "all", "every", "each", "zero", "no", "none",
# "never" and "without" are thresholds too: "no dropped packets" means exactly zero, and
# "every request" means 100 % — pass or fail needs no further number.
_THRESHOLD_RE = re.compile(
    r"\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|twice|double"
    r"|all|every|each|no|none|never|without)\b",
    re.IGNORECASE,
)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|mon|tue|wed|thu|fri"
# A time bound: a duration unit, a deadline word, or a date. Bare "under" and "by" are left
# out on purpose: "under load" and "measured by" are not deadlines ("in under 5 minutes" and
# "latency under 200 ms" are caught by their unit).
_TIME_BOUND_RE = re.compile(
    r"\b(?:within|before|deadline|by\s+(?:the\s+)?end\s+of|by\s+(?:day|week)\s+\d+"
    rf"|by\s+q[1-4]|by\s+(?:{_MONTHS})|by\s+(?:{_WEEKDAYS})"
    r"|(?:milli)?seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|ms"
    r"|hourly|daily|weekly|monthly)\b"
    r"|\d\s*(?:ms|s|h|d|min|hr)\b"
    r"|/\s*(?:ms|s|sec|min|h|hr|hour|day)\b",
    re.IGNORECASE,
)
_METHOD_RE = re.compile(
    r"\b(?:as\s+measured|measured\s+(?:by|in|during|with|on|using|at|via|from|through)"
    r"|according\s+to)\b",
    re.IGNORECASE,
)

_REWRITE = "Write one pass/fail sentence: who or what, does what, how much, by when"


def _subjective_issue(statement: str) -> LintIssue | None:
    found: list[str] = []
    for match in _SUBJECTIVE_RE.finditer(_AS_WELL_RE.sub(" ", statement)):
        word = " ".join(match.group(0).lower().split()).replace("user friendly", "user-friendly")
        if word not in found:
            found.append(word)
    if not found:
        return None
    families = [f for f in _SUBJECTIVE if any(_FAMILY_OF[w] == f for w in found)]
    words = ", ".join(f'"{w}"' for w in found)
    hint = "; ".join(_SUBJECTIVE[f][1] for f in families)
    message = f"Subjective: {words}. People will debate it at the read-out."
    return LintIssue("subjective", message, hint[0].upper() + hint[1:] + ".")


def _unmeasurable_issue(statement: str) -> LintIssue | None:
    if _THRESHOLD_RE.search(statement):
        return None
    return LintIssue(
        "unmeasurable",
        "No number or threshold, so nobody can say pass or fail.",
        "Add a number with a unit or a threshold: '500 GB within 1 hour', "
        "'p95 under 200 ms', 'no dropped packets'.",
    )


def _time_bound_hint(statement: str) -> LintIssue | None:
    if _TIME_BOUND_RE.search(statement):
        return None
    return LintIssue(
        "no_time_bound",
        "No time bound.",
        "Say by when or how fast: 'within 1 hour', 'in under 5 minutes'.",
    )


def _method_hint(statement: str, method: str) -> LintIssue | None:
    if method.strip() or _METHOD_RE.search(statement):
        return None
    return LintIssue(
        "no_method",
        "It doesn't say how it is measured.",
        "Add how and when: 'as measured during the final workshop'.",
    )


def lint_criterion(statement: str, method: str = "") -> Lint:
    """Flag what makes a criterion debatable (rule 3); the SE may still save anyway."""
    if not statement.strip():
        return Lint(warnings=(LintIssue("empty", "The criterion is empty.", _REWRITE + "."),))
    warnings: list[LintIssue] = []
    if len(re.findall(r"\w+", statement)) < MIN_CRITERION_WORDS:
        warnings.append(LintIssue("too_short", "Too short to be pass/fail.", _REWRITE + "."))
    checks = (_subjective_issue(statement), _unmeasurable_issue(statement))
    warnings += [issue for issue in checks if issue]
    hints = (_time_bound_hint(statement), _method_hint(statement, method))
    return Lint(warnings=tuple(warnings), hints=tuple(h for h in hints if h))


# ---------------------------------------------------------------- MEP (rule 4)


def default_milestones(start: date, end: date, *, today: date) -> dict[MilestoneKind, date]:
    """The six MEP dates (seed 002) from start and end: business days, never out of order.

    Each date is clamped to the one before it, so even a one-day or a weekend POC keeps the
    order. The commercial step follows sign-off: it is contingent on it.
    """
    kickoff = roll_forward(start)
    scoping = roll_forward(max(today, add_business_days(start, -SCOPING_LEAD_BUSINESS_DAYS)))
    scoping = min(scoping, kickoff)
    halfway = start + timedelta(days=(end - start).days // 2)
    midpoint = max(nearest_business_day(halfway), kickoff)
    readout = max(roll_back(end), midpoint)
    signoff = add_business_days(readout, SIGNOFF_AFTER_READOUT_BUSINESS_DAYS)
    commercial = add_business_days(signoff, COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS)
    return {
        MilestoneKind.scoping: scoping,
        MilestoneKind.kickoff: kickoff,
        MilestoneKind.midpoint: midpoint,
        MilestoneKind.readout: readout,
        MilestoneKind.signoff: signoff,
        MilestoneKind.commercial: commercial,
    }


# ---------------------------------------------------------------- verdicts from reactions


def reaction_verdict(reaction: str) -> Verdict | None:
    """What an emoji reaction says about a criterion; skin tones and colons are ignored."""
    name = reaction.strip().strip(":").split("::")[0].lower()
    if name in PASS_REACTIONS:
        return Verdict.passed
    if name in FAIL_REACTIONS:
        return Verdict.failed
    return None


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
    """Replay reaction events (oldest first) into the criterion's verdict.

    The latest active vote decides; removing it reverts to the one before, or to pending.
    A retried "added" for a reaction already active changes nothing (Slack retries events):
    the vote keeps its first time.
    Disagreement is kept visible as `conflict`, never silently overwritten.
    """
    # Keyed by (user, reaction): dict order is activation order, so the last item is the
    # most recent active vote. ✅ and ✔️ from one user are two votes: removing one keeps the other.
    active: dict[tuple[str, str], tuple[Vote, Verdict]] = {}
    for vote in votes:
        verdict = reaction_verdict(vote.reaction)
        if verdict is None:
            continue
        key = (vote.user_id, vote.reaction.strip().strip(":"))
        if not vote.added:
            active.pop(key, None)
        elif key not in active:
            active[key] = (vote, verdict)
    if not active:
        return VerdictState(Verdict.pending, None, None, conflict=False, voters=())
    latest, verdict = list(active.values())[-1]
    by_user: dict[str, Verdict] = {}
    for vote, user_verdict in active.values():
        by_user.pop(vote.user_id, None)  # re-insert: a user sits at their latest active vote
        by_user[vote.user_id] = user_verdict
    return VerdictState(
        verdict=verdict,
        by=latest.user_id,
        at=latest.at,
        conflict={v for _, v in active.values()} == {Verdict.passed, Verdict.failed},
        voters=tuple(by_user.items()),
    )


# ---------------------------------------------------------------- scope, progress, health


def after_kickoff(poc: Poc, now: datetime) -> bool:
    """From here on, a new use case or criterion is scope creep (rule 7).

    Kickoff day itself still belongs to scoping until someone marks kickoff done.
    """
    kickoff = poc.milestone(MilestoneKind.kickoff)
    if kickoff is not None and is_done(kickoff, now):
        return True
    return local_today(now, poc.tz) > kickoff_date(poc)


@dataclass(frozen=True, slots=True)
class Score:
    passed: int
    failed: int
    pending: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.pending


def score(criteria: Sequence[Criterion]) -> Score:
    verdicts = [c.verdict for c in criteria]
    return Score(
        passed=verdicts.count(Verdict.passed),
        failed=verdicts.count(Verdict.failed),
        pending=verdicts.count(Verdict.pending),
    )


def days_left(poc: Poc, now: datetime) -> int:
    """Calendar days from today (local) to the end date; negative once overrun."""
    return (poc.end - local_today(now, poc.tz)).days


def next_milestone(poc: Poc, now: datetime) -> tuple[MilestoneKind, date] | None:
    """The earliest milestone not done yet: an overdue one is the next thing to do."""
    order = list(MilestoneKind)
    pending = [m for m in poc.milestones if not is_done(m, now)]
    if not pending:
        return None
    first = min(pending, key=lambda m: (m.due, order.index(m.kind)))
    return first.kind, first.due


@dataclass(frozen=True, slots=True)
class SponsorPulse:
    last_engaged: date | None
    days_since: int | None
    recent: int  # counting engagements in the last 14 days
    previous: int  # … in the 14 days before that
    trend: str  # "up" | "down" | "flat"


def sponsor_pulse(poc: Poc, now: datetime) -> SponsorPulse:
    """Recency and trend of the meetings that count (rule 10, seed 003).

    "The last 14 days" includes today: today-13 … today; the window before is today-27 … today-14.
    """
    today = local_today(now, poc.tz)
    dates = sponsor_engagement_dates(poc, today)
    ages = [(today - d).days for d in dates]
    recent = sum(1 for a in ages if a < PULSE_WINDOW_DAYS)
    previous = sum(1 for a in ages if PULSE_WINDOW_DAYS <= a < 2 * PULSE_WINDOW_DAYS)
    trend = "up" if recent > previous else "down" if recent < previous else "flat"
    last = dates[-1] if dates else None
    return SponsorPulse(
        last_engaged=last,
        days_since=(today - last).days if last else None,
        recent=recent,
        previous=previous,
        trend=trend,
    )


def health(poc: Poc, now: datetime) -> Health:
    """Red, yellow or green at a glance (App Home, `status`): the worst signal wins."""
    today = local_today(now, poc.tz)
    verdict = qualify(poc).verdict
    checkin = latest_checkin(poc, today)
    last_health = checkin.health if checkin else None
    overrun = poc.status == Status.active and is_overrun(poc, today)
    if (
        verdict == Go.no_go
        or overrun
        or last_health == Health.red
        or sponsor_stall_days(poc, today) is not None
    ):
        return Health.red
    if (
        verdict == Go.at_risk
        or last_health == Health.yellow
        or any(c.verdict == Verdict.failed for c in poc.criteria)
        or champion_silence(poc, today) is not None
    ):
        return Health.yellow
    return Health.green


# ---------------------------------------------------------------- what is due (rules 5–9)


@dataclass(frozen=True, slots=True)
class _Day:
    """One POC on one local business day: what every nudge rule looks at."""

    poc: Poc
    now: datetime
    today: date

    def nudge(
        self, kind: NudgeKind, text: str, *, key: str = "", subject: str = "", once: bool = False
    ) -> Nudge:
        return Nudge(
            kind=kind,
            key=key or kind.value,
            local_date=self.today,
            text=text,
            internal=kind in INTERNAL_NUDGES,
            subject=subject,
            once=once,
        )


_CADENCE_WORDS = {
    Cadence.twice_weekly: "twice-a-week",
    Cadence.weekly: "weekly",
    Cadence.biweekly: "every-two-weeks",
}

#: What each MEP step is for (seed 002), said in its reminder.
_MILESTONE_ACTIONS = {
    MilestoneKind.scoping: "agree the use cases and criteria",
    MilestoneKind.kickoff: "provision the environment, hand over credentials, align teams",
    MilestoneKind.midpoint: "verify progress and unblock technical issues",
    MilestoneKind.readout: "walk the criteria line by line with the executive buyer",
    MilestoneKind.signoff: "record the technical validation sign-off",
    MilestoneKind.commercial: "hand over to the AE for procurement and legal review",
}

_SCOPE_CHANGE_WORDS = {
    ScopeChangeKind.use_case_added: "a use case was added after kickoff",
    ScopeChangeKind.criterion_added: "a criterion was added after kickoff",
    ScopeChangeKind.end_date_moved: "the end date was pushed out",
    ScopeChangeKind.too_many_use_cases: f"the POC has more than {MAX_USE_CASES} use cases",
}


def _overrun_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if not is_overrun(poc, day.today):
        return []
    late = business_days_between(poc.end, day.today)
    text = (
        f"Time kills all deals: the POC ended {_day(poc.end)}, "
        f"{_plural(late, 'business day')} ago, with no read-out. "
        "Schedule the read-out, or agree a new end date."
    )
    return [day.nudge(NudgeKind.overrun, text)]


def _scope_creep_text(change: ScopeChange) -> str:
    what = _SCOPE_CHANGE_WORDS.get(change.kind, "the scope changed")
    detail = f": {_clip(change.detail, 120)}" if change.detail.strip() else ""
    return f"Scope creep — {what}{detail}. Park it for Phase 2 (post-purchase), or accept it."


def _scope_creep_nudges(day: _Day) -> list[Nudge]:
    nudges = []
    for change in sorted(day.poc.scope_changes, key=lambda c: (c.at, c.id)):
        key = f"scope_creep:{change.id}"
        if change.resolution != ScopeResolution.open or key in day.poc.delivered_once:
            continue
        text = _scope_creep_text(change)
        nudges.append(
            day.nudge(NudgeKind.scope_creep, text, key=key, subject=str(change.id), once=True)
        )
    return nudges


def _milestone_due_text(milestone: Milestone, today: date) -> str | None:
    """What to say about a milestone today, or None when today is not a reminder day."""
    title = MILESTONE_TITLES[milestone.kind]
    action = _MILESTONE_ACTIONS[milestone.kind]
    due = milestone.due
    if today == due:
        return f"Today: {title} — {action}."
    if today > due:
        late = business_days_between(due, today)
        return (
            f"Overdue by {_plural(late, 'business day')}: {title} was due {_day(due)}. "
            f"Hold it ({action}) or move the date."
        )
    if today == add_business_days(due, -1):
        when = "Tomorrow" if (due - today).days == 1 else f"Next business day ({_day(due)})"
        return f"{when}: {title} — {action}."
    return None


def _milestone_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    signoff = poc.milestone(MilestoneKind.signoff)
    order = list(MilestoneKind)
    nudges = []
    for milestone in sorted(poc.milestones, key=lambda m: (m.due, order.index(m.kind))):
        if is_done(milestone, day.now):
            continue
        if milestone.kind == MilestoneKind.readout and poc.readout_posted_at is not None:
            continue
        # Commercial next steps are contingent on sign-off (seed 002): not before it.
        if milestone.kind == MilestoneKind.commercial and not (
            signoff and is_done(signoff, day.now)
        ):
            continue
        text = _milestone_due_text(milestone, day.today)
        if text:
            key = f"milestone:{milestone.kind.value}"
            nudges.append(
                day.nudge(NudgeKind.milestone, text, key=key, subject=milestone.kind.value)
            )
    return nudges


def _readout_date(poc: Poc) -> date:
    readout = poc.milestone(MilestoneKind.readout)
    return readout.due if readout else roll_back(poc.end)


def _readout_ready_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    readout = poc.milestone(MilestoneKind.readout)
    if poc.readout_posted_at is not None or (readout and is_done(readout, day.now)):
        return []
    due = _readout_date(poc)
    if day.today != add_business_days(due, -READOUT_READY_BUSINESS_DAYS):
        return []
    pending = [c for c in poc.criteria if c.verdict == Verdict.pending]
    head = f"Read-out in {READOUT_READY_BUSINESS_DAYS} business days ({_day(due)}): "
    if not pending:
        text = head + f"all {_plural(len(poc.criteria), 'criterion')} are marked. Prepare it."
    else:
        named = "; ".join(_clip(c.statement) for c in pending[:READOUT_READY_NAMED])
        more = len(pending) - READOUT_READY_NAMED
        tail = f"; and {more} more" if more > 0 else ""
        text = (
            head + f"{len(pending)} of {len(poc.criteria)} criteria still pending: "
            f"{named}{tail}. Mark each ✅ or ❌."
        )
    return [day.nudge(NudgeKind.readout_ready, text, subject=MilestoneKind.readout.value)]


def _cadence_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if not in_progress(poc, day.today):
        return []
    kickoff = kickoff_date(poc)
    last = last_live_checkin(poc, day.today)
    # Counted from kickoff at the earliest: a scoping meeting does not start the clock.
    since = max(last, kickoff) if last else kickoff
    gap = business_days_between(since, day.today)
    every = CADENCE_BUSINESS_DAYS[poc.cadence]
    if gap < every:
        return []
    late = gap - every
    status = "due today" if late == 0 else f"overdue by {_plural(late, 'business day')}"
    last_words = (
        f"last meeting or call {_day(since)}"
        if last and last >= kickoff
        else f"no meeting or call since kickoff {_day(kickoff)}"
    )
    text = (
        f"Check-in {status} ({_CADENCE_WORDS[poc.cadence]} cadence; {last_words}). "
        "Hold a meeting or call: email doesn't count."
    )
    return [day.nudge(NudgeKind.cadence, text)]


def _exec_unbriefed_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    if day.today < kickoff_date(poc):
        return []
    if poc.person(Role.exec_sponsor) is None:
        text = (
            "No executive sponsor named, and the POC has started: ask the champion who "
            "approves the budget."
        )
    elif unbriefed := unbriefed_execs(poc):
        names = ", ".join(s.label for s in unbriefed)
        text = (
            f"The executive sponsor ({names}) still isn't briefed: pause until the executive "
            "is looped in. Offer a 15-minute briefing."
        )
    else:
        return []
    return [day.nudge(NudgeKind.exec_unbriefed, text)]


def _sponsor_stalled_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    days = sponsor_stall_days(poc, day.today)
    if days is None:
        return []
    last = max(sponsor_engagement_dates(poc, day.today), default=None)
    since = (
        f"last sponsor meeting or call {_day(last)}, {days} days ago"
        if last
        else "no sponsor meeting or call since kickoff"
    )
    text = f"Sponsor stalled: {since}. Book time with a sponsor: email doesn't count."
    return [day.nudge(NudgeKind.sponsor_stalled, text)]


def _champion_silent_nudges(day: _Day) -> list[Nudge]:
    poc = day.poc
    days = champion_silence(poc, day.today)
    if days is None:
        return []
    champions = poc.people(Role.champion)
    names = ", ".join(c.label for c in champions)
    text = (
        f"Champion silent: no check-in or message from {names} for "
        f"{_plural(days, 'business day')}. Reach out, and tell the AE if the sponsor is weak."
    )
    return [day.nudge(NudgeKind.champion_silent, text, subject=champions[0].user_id or "")]


_NUDGE_RULES: tuple[Callable[[_Day], list[Nudge]], ...] = (
    _overrun_nudges,
    _scope_creep_nudges,
    _milestone_nudges,
    _readout_ready_nudges,
    _cadence_nudges,
    _exec_unbriefed_nudges,
    _sponsor_stalled_nudges,
    _champion_silent_nudges,
)


def _snoozed(nudge: Nudge, poc: Poc, today: date) -> bool:
    """Snoozes are stored by nudge key ("milestone:readout"); a bare kind snoozes them all."""
    until = [poc.snoozed_until.get(k) for k in (nudge.key, nudge.kind.value)]
    return any(u is not None and u > today for u in until)


def due_nudges(poc: Poc, now: datetime, *, nudge_hour: int = DEFAULT_NUDGE_HOUR) -> list[Nudge]:
    """What to say about this POC today, for the local date in the POC's timezone.

    Nothing on weekends, before `nudge_hour` local time, or for a POC that is not live.
    Cadence, sponsor and champion nudges apply only between start and end: once the end has
    passed without a read-out, the overrun nudge says it all. The list is in a fixed priority
    order so a combined message reads well.
    """
    if poc.status not in LIVE_STATUSES:
        return []
    local = _local(now, poc.tz)
    if not is_business_day(local.date()) or local.hour < nudge_hour:
        return []
    day = _Day(poc=poc, now=now, today=local.date())
    nudges = [n for rule in _NUDGE_RULES for n in rule(day) if not _snoozed(n, poc, day.today)]
    return sorted(nudges, key=lambda n: NUDGE_PRIORITY.index(n.kind))


# ---------------------------------------------------------------- who may act (issue 12)


class Act(StrEnum):
    """Everything a person can ask of a POC through a command, a modal or a button."""

    start_poc = "start_poc"  # /poc new and its modal
    see_status = "see_status"  # /poc status, the status button in App Home
    log_checkin = "log_checkin"  # /poc checkin, its modal, the check-in buttons
    add_criterion = "add_criterion"  # /poc criteria, its modal, the status button
    log_engagement = "log_engagement"  # /poc sponsor, its modal, the nudge button (internal)
    park = "park"  # /poc park
    post_readout = "post_readout"  # /poc readout, the read-out nudge button
    answer_readout = "answer_readout"  # the read-out's Agree / Something is missing
    snooze = "snooze"  # a nudge's Snooze 1 day
    mark_done = "mark_done"  # a milestone nudge's Mark done
    resolve_scope = "resolve_scope"  # a scope-creep nudge's Park for Phase 2 / Accept change


@dataclass(frozen=True, slots=True)
class Actor:
    """Who clicked or typed: a Slack user, and whether they belong to the installing team.

    In a Slack Connect channel the prospect's people come from their own workspace: they may
    be on the POC (the champion), but they never start one.
    """

    user_id: str
    of_our_team: bool = True


def _of_our_team(poc: Poc | None, actor: Actor) -> bool:
    """Anyone in our workspace: a POC is started by the SE who will run it."""
    return actor.of_our_team


def _on_the_poc(poc: Poc | None, actor: Actor) -> bool:
    """The people named on the POC: SE, AE, champion, sponsors, listed evaluators."""
    return poc is not None and actor.user_id in poc.evaluator_ids


def _se_or_ae(poc: Poc | None, actor: Actor) -> bool:
    """Our side of the deal: the plan and internal judgements are theirs (rules 7, 10, 11)."""
    return poc is not None and any(
        p.user_id == actor.user_id for role in (Role.se, Role.ae) for p in poc.people(role)
    )


def _signs_off(poc: Poc | None, actor: Actor) -> bool:
    """Rule 9: the champion and sponsors answer; the SE and AE may record their answer."""
    roles = (Role.champion, Role.business_sponsor, Role.exec_sponsor, Role.se, Role.ae)
    return poc is not None and any(
        p.user_id == actor.user_id for role in roles for p in poc.people(role)
    )


#: One rule per act. A prospect's click on a plan-changing button is answered, never applied.
_ACT_RULES: dict[Act, Callable[[Poc | None, Actor], bool]] = {
    Act.start_poc: _of_our_team,
    Act.see_status: _on_the_poc,
    Act.log_checkin: _on_the_poc,
    Act.add_criterion: _se_or_ae,
    Act.log_engagement: _se_or_ae,
    Act.park: _se_or_ae,
    Act.post_readout: _se_or_ae,
    Act.answer_readout: _signs_off,
    Act.snooze: _se_or_ae,
    Act.mark_done: _se_or_ae,
    Act.resolve_scope: _se_or_ae,
}

#: Who a rule lets in, in words (refusals and the README's usage table say the same).
RULE_WHO: dict[Callable[[Poc | None, Actor], bool], str] = {
    _of_our_team: "anyone in our workspace",
    _on_the_poc: "the people on this POC (SE, AE, champion, sponsors, listed evaluators)",
    _se_or_ae: "this POC's SE and AE",
    _signs_off: "the champion and sponsors (or the SE and AE, recording their answer)",
}


def may(act: Act, poc: Poc | None, actor: Actor) -> bool:
    """May this person do this to this POC (None: there is no POC yet)?"""
    return _ACT_RULES[act](poc, actor)


def who_may(act: Act) -> str:
    return RULE_WHO[_ACT_RULES[act]]
