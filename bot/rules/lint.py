"""Objective, binary criteria (rule 3): what makes a criterion debatable, with a rewrite hint.

The SE may save a flagged criterion anyway; its codes are stored and read back as FLAG_WORDS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rules.defaults import MIN_CRITERION_WORDS


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


#: How a saved lint flag reads, wherever it is shown (the criterion's message, go/no-go).
FLAG_WORDS = {
    "subjective": "subjective",
    "unmeasurable": "no number or threshold",
    "empty": "empty",
    "too_short": "too short",
}
