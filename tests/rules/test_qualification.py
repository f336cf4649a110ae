"""bot.rules.qualification: go / no-go, every reason and warning.

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.domain import Criterion, Skin, UseCase
from bot.rules import Go, qualify
from tests.rules.poc import (
    BUSINESS,
    C_DEPLOY,
    C_INGEST,
    CHAMPION,
    EXEC,
    FRI_FEB27,
    INGEST,
    MON,
    SE,
    make_poc,
)


def test_the_fixture_is_go() -> None:
    q = qualify(make_poc())
    assert (q.verdict, q.reasons, q.warnings) == (Go.go, (), ())


FOUR_USE_CASES = tuple(UseCase(i, f"Use case {i}") for i in range(1, 5))
FOUR_CRITERIA = tuple(Criterion(i, i, f"Does {i} things within 1 hour") for i in range(1, 5))


@pytest.mark.parametrize(
    ("changes", "code", "level", "says"),
    [
        ({"budget_confirmed": False}, "no_budget", Go.no_go, "do not proceed"),
        ({"end": MON}, "end_before_start", Go.no_go, "time-boxed"),
        ({"end": FRI_FEB27}, "end_before_start", Go.no_go, "Fri 27 Feb"),
        ({"use_cases": (), "criteria": ()}, "no_use_cases", Go.no_go, "see what it can do"),
        ({"stakeholders": (SE, CHAMPION, BUSINESS)}, "exec_missing", Go.at_risk, "budget"),
        (
            {"stakeholders": (SE, CHAMPION, BUSINESS, replace(EXEC, briefed_at=None))},
            "exec_not_briefed",
            Go.at_risk,
            "pause until the executive is looped in",
        ),
        ({"stakeholders": (SE, BUSINESS, EXEC)}, "no_champion", Go.at_risk, "technical sponsor"),
        ({"stakeholders": (SE, CHAMPION, EXEC)}, "no_business_sponsor", Go.at_risk, "business"),
        (
            {"skin": Skin.none},
            "no_skin",
            Go.at_risk,
            "collaborative < funded < conditional purchase order",
        ),
        ({"use_cases": (INGEST,), "criteria": (C_INGEST,)}, "too_few_use_cases", Go.at_risk, "2–3"),
        (
            {"use_cases": FOUR_USE_CASES, "criteria": FOUR_CRITERIA},
            "too_many_use_cases",
            Go.at_risk,
            "Phase 2",
        ),
        ({"criteria": (C_INGEST,)}, "criteria_missing", Go.at_risk, "Deploy a microservice"),
    ],
)
def test_each_reason_alone(changes: dict[str, Any], code: str, level: Go, says: str) -> None:
    q = qualify(make_poc(**changes))
    assert [r.code for r in q.reasons] == [code]
    assert q.verdict == level == q.reasons[0].level
    assert says in q.reasons[0].text


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        (
            {
                "budget_confirmed": False,
                "end": FRI_FEB27,
                "skin": Skin.none,
                "stakeholders": (SE, replace(EXEC, briefed_at=None)),
                "use_cases": (INGEST,),
                "criteria": (),
            },
            [
                "no_budget",
                "end_before_start",
                "exec_not_briefed",
                "no_champion",
                "no_business_sponsor",
                "no_skin",
                "too_few_use_cases",
                "criteria_missing",
            ],
        ),
        (
            {"stakeholders": (), "use_cases": (), "criteria": ()},
            ["exec_missing", "no_champion", "no_business_sponsor", "no_use_cases"],
        ),
        (
            {"use_cases": (*FOUR_USE_CASES, UseCase(5, "Mainframe")), "criteria": FOUR_CRITERIA},
            ["too_many_use_cases", "criteria_missing"],
        ),
    ],
)
def test_every_reason_is_listed(changes: dict[str, Any], codes: list[str]) -> None:
    q = qualify(make_poc(**changes))
    assert sorted(r.code for r in q.reasons) == sorted(codes)
    expected = Go.no_go if any(r.level == Go.no_go for r in q.reasons) else Go.at_risk
    assert q.verdict == expected
    assert all(r.text for r in q.reasons)


def test_missing_criteria_name_each_use_case() -> None:
    q = qualify(make_poc(criteria=()))
    assert "Ingest our logs" in q.reasons[0].text
    assert "Deploy a microservice" in q.reasons[0].text


FLAGGED = replace(C_DEPLOY, statement="The UI is intuitive", lint_flags=("subjective",))


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"end": date(2026, 4, 2)}, "time kills all deals"),  # 31 days
        ({"criteria": (C_INGEST, FLAGGED)}, '"The UI is intuitive" (subjective)'),
        ({"skin": Skin.collaborative}, "conditional purchase order"),
    ],
)
def test_warnings_do_not_change_the_verdict(changes: dict[str, Any], says: str) -> None:
    q = qualify(make_poc(**changes))
    assert q.verdict == Go.go
    assert len(q.warnings) == 1
    assert says in q.warnings[0]


def test_thirty_days_is_not_too_long() -> None:
    assert qualify(make_poc(end=date(2026, 4, 1))).warnings == ()
