"""bot.rules.verdicts: a criterion's verdict from the reactions on its message.

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Verdict, Vote
from bot.rules import effective_verdict, reaction_verdict


@pytest.mark.parametrize(
    ("reaction", "expected"),
    [
        ("white_check_mark", Verdict.passed),
        ("heavy_check_mark", Verdict.passed),
        ("white_check_mark::skin-tone-2", Verdict.passed),
        (":heavy_check_mark:", Verdict.passed),
        ("x", Verdict.failed),
        ("x::skin-tone-5", Verdict.failed),
        ("thumbsup", None),
        ("x-ray", None),
        ("", None),
    ],
)
def test_reaction_verdict(reaction: str, expected: Verdict | None) -> None:
    assert reaction_verdict(reaction) == expected


T = [datetime(2026, 3, 10, 12, minute, tzinfo=UTC) for minute in range(10)]
OK, OK2, NO = "white_check_mark", "heavy_check_mark", "x"


def add(user: str, reaction: str, t: int) -> Vote:
    return Vote(user, reaction, True, T[t])


def remove(user: str, reaction: str, t: int) -> Vote:
    return Vote(user, reaction, False, T[t])


P, F, PEND = Verdict.passed, Verdict.failed, Verdict.pending


@pytest.mark.parametrize(
    ("votes", "verdict", "by", "t", "conflict", "voters"),
    [
        pytest.param([], PEND, None, None, False, (), id="none"),
        pytest.param([add("U1", OK, 0)], P, "U1", 0, False, (("U1", P),), id="add"),
        pytest.param([add("U1", OK, 0), remove("U1", OK, 1)], PEND, None, None, False, (), id="rm"),
        pytest.param(
            [add("U1", OK, 0), add("U2", NO, 1)],
            F,
            "U2",
            1,
            True,
            (("U1", P), ("U2", F)),
            id="conflict",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U2", NO, 1), remove("U2", NO, 2)],
            P,
            "U1",
            0,
            False,
            (("U1", P),),
            id="revert-to-previous",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK, 0)], P, "U1", 0, False, (("U1", P),), id="retried"
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK, 3)], P, "U1", 0, False, (("U1", P),), id="re-added"
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK2, 1), remove("U1", OK, 2)],
            P,
            "U1",
            1,
            False,
            (("U1", P),),
            id="two-ticks-one-removed",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", NO, 1), remove("U1", OK, 2)],
            F,
            "U1",
            1,
            False,
            (("U1", F),),
            id="changed-mind",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U2", "tada", 1), add("U2", "thumbsup", 2)],
            P,
            "U1",
            0,
            False,
            (("U1", P),),
            id="ignored-reactions",
        ),
        pytest.param([remove("U1", OK, 0)], PEND, None, None, False, (), id="remove-only"),
        pytest.param(
            [add("U2", NO, 0), add("U1", OK, 1), add("U2", OK, 2), remove("U2", NO, 3)],
            P,
            "U2",
            2,
            False,
            (("U1", P), ("U2", P)),
            id="voters-oldest-first",
        ),
        pytest.param(
            [add("U1", "x::skin-tone-3", 0), remove("U1", "x::skin-tone-3", 1)],
            PEND,
            None,
            None,
            False,
            (),
            id="skin-tone",
        ),
    ],
)
def test_effective_verdict(
    votes: list[Vote],
    verdict: Verdict,
    by: str | None,
    t: int | None,
    conflict: bool,
    voters: tuple[tuple[str, Verdict], ...],
) -> None:
    state = effective_verdict(votes)
    assert (state.verdict, state.by, state.conflict, state.voters) == (
        verdict,
        by,
        conflict,
        voters,
    )
    assert state.at == (T[t] if t is not None else None)
