"""bot.rules.lint: what makes a criterion debatable (rule 3).

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

import pytest

from bot.rules import Lint, lint_criterion

POOR = ("The system handles our data ingestion well.", "The UI is intuitive for our DevOps team.")
EXCELLENT_1 = "The system ingests 500GB of JSON payload within 1 hour without dropping packets."
EXCELLENT_2 = (
    "A junior engineer can deploy a new microservice via the CI/CD integration in under "
    "5 minutes, as measured during the final workshop."
)


@pytest.mark.parametrize("statement", POOR)
def test_the_seeds_poor_criteria_are_flagged(statement: str) -> None:
    lint = lint_criterion(statement)
    assert not lint.ok
    assert [w.code for w in lint.warnings] == ["subjective", "unmeasurable"]


def test_the_seeds_excellent_criteria_pass() -> None:
    assert lint_criterion(EXCELLENT_1).warnings == ()
    assert lint_criterion(EXCELLENT_2) == Lint()  # no warnings and no hints at all


SUBJ, UNMEAS, SHORT, EMPTY = "subjective", "unmeasurable", "too_short", "empty"
NO_TIME, NO_METHOD = "no_time_bound", "no_method"


@pytest.mark.parametrize(
    ("statement", "method", "warnings", "hints"),
    [
        (POOR[0], "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        (POOR[1], "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        (EXCELLENT_1, "", [], [NO_METHOD]),
        (EXCELLENT_2, "", [], []),
        ("The software must be easy to use.", "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("Dashboards load fast for 50 concurrent users.", "", [SUBJ], [NO_TIME, NO_METHOD]),
        ("The breakfast menu syncs to 3 kitchens within 10 minutes.", "", [], [NO_METHOD]),
        ("The wellness app exports 1,000 records within 2 seconds.", "", [], [NO_METHOD]),
        ("Ingests 10 GB of logs as well as 2 GB of metrics within 1 hour.", "", [], [NO_METHOD]),
        ("The API parses well-formed JSON at 5,000 requests/s.", "", [], [NO_METHOD]),
        (
            "The platform is user-friendly and seamless for 20 analysts.",
            "",
            [SUBJ],
            [NO_TIME, NO_METHOD],
        ),
        ("Setup is quick and simple, as measured by the survey.", "", [SUBJ, UNMEAS], [NO_TIME]),
        ("The cluster is robust and scalable.", "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("Zero dropped packets during the 2-hour soak test.", "", [], [NO_METHOD]),
        ("No data is lost when a node fails over.", "", [], [NO_TIME, NO_METHOD]),
        ("Every nightly backup completes before 6 am.", "Backup logs", [], []),
        ("p95 latency under 200 ms at 50 concurrent users", "JMeter, final workshop", [], []),
        ("The report is GOOD ENOUGH for 3 auditors within 2 days.", "", [SUBJ], [NO_METHOD]),
        ("Reports render reliably in under 3s for 100 users.", "Grafana", [SUBJ], []),
        ("Approved by monitoring staff for 3 use cases.", "Sign-off form", [], [NO_TIME]),
        ("Fast.", "", [SHORT, SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("", "", [EMPTY], []),
        ("   \n", "", [EMPTY], []),
    ],
)
def test_lint_table(statement: str, method: str, warnings: list[str], hints: list[str]) -> None:
    lint = lint_criterion(statement, method)
    assert [w.code for w in lint.warnings] == warnings
    assert [h.code for h in lint.hints] == hints
    assert lint.ok is (not warnings)
    assert all(i.message and i.hint for i in (*lint.warnings, *lint.hints))


@pytest.mark.parametrize(
    ("statement", "words", "hint"),
    [
        (POOR[1], ['"intuitive"'], "who does what in how long"),
        (POOR[0], ['"well"'], "a threshold: 'ingests 500 GB"),
        ("Queries are fast on 10 TB.", ['"fast"'], "a number with a unit: 'p95 latency"),
        ("It is Seamless and RELIABLE for 3 teams.", ['"seamless"', '"reliable"'], "threshold"),
    ],
)
def test_subjective_names_the_words_and_fits_the_hint(
    statement: str, words: list[str], hint: str
) -> None:
    issue = lint_criterion(statement).warnings[0]
    assert issue.code == "subjective"
    assert all(w in issue.message for w in words)
    assert hint in issue.hint
