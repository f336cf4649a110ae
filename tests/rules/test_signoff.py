"""bot.rules.signoff: the champion and a business or executive sponsor sign off; a failed or
pending criterion makes it "with exceptions"; a parked one does not count."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import ReadoutAnswer, Role, UseCase, Verdict
from bot.rules import answering_role, in_scope, score, signoff, standing_answers, with_exceptions
from tests.rules.poc import END, at, make_poc

CHAMP = ReadoutAnswer(Role.champion, True, at(END, 11), user_id="UCHAMP")
EXEC = ReadoutAnswer(Role.exec_sponsor, True, at(END, 12), name="Vic", recorded_by="USE")


def answered(*answers: ReadoutAnswer) -> object:
    return make_poc(readout_answers=answers)


def test_the_champion_alone_does_not_sign_off() -> None:
    state = signoff(answered(CHAMP))  # type: ignore[arg-type]
    assert state.champion == CHAMP and state.sponsor is None and not state.complete


def test_a_sponsor_alone_does_not_sign_off() -> None:
    assert not signoff(answered(EXEC)).complete  # type: ignore[arg-type]


def test_the_champion_and_a_sponsor_sign_off() -> None:
    state = signoff(answered(CHAMP, EXEC))  # type: ignore[arg-type]
    assert state.complete and state.sponsor == EXEC
    business = ReadoutAnswer(Role.business_sponsor, True, at(END, 13), user_id="UBIZ")
    assert signoff(answered(business, CHAMP)).complete  # type: ignore[arg-type]


def test_something_missing_withdraws_an_agreement() -> None:
    withdrawn = replace(CHAMP, agreed=False, at=at(END, 14))
    poc = answered(CHAMP, EXEC, withdrawn)
    assert not signoff(poc).complete  # type: ignore[arg-type]
    assert [a.agreed for a in standing_answers(poc)] == [True, False]  # type: ignore[arg-type]


def test_an_evaluator_or_our_side_never_counts() -> None:
    ours = ReadoutAnswer(Role.se, True, at(END), user_id="USE")
    theirs = ReadoutAnswer(Role.evaluator, True, at(END), user_id="UEVAL")
    assert not signoff(answered(ours, theirs, EXEC)).complete  # type: ignore[arg-type]


def test_exceptions_are_failed_or_pending_criteria_in_scope() -> None:
    poc = make_poc()  # two pending criteria
    assert with_exceptions(poc)
    passed = tuple(replace(c, verdict=Verdict.passed) for c in poc.criteria)
    assert not with_exceptions(replace(poc, criteria=passed))
    failed = (passed[0], replace(passed[1], verdict=Verdict.failed))
    assert with_exceptions(replace(poc, criteria=failed))
    # The failed criterion's use case parked for Phase 2: out of scope, no exception.
    parked = tuple(replace(u, parked=u.id == 2) for u in poc.use_cases)
    assert not with_exceptions(replace(poc, criteria=failed, use_cases=parked))
    # A criterion parked on its own is out of scope too.
    alone = (passed[0], replace(failed[1], parked=True))
    assert not with_exceptions(replace(poc, criteria=alone))


def test_a_parked_use_case_is_not_scored() -> None:
    poc = make_poc(use_cases=(UseCase(1, "Ingest"), UseCase(2, "Deploy", parked=True)))
    assert [c.id for c in in_scope(poc)] == [1]
    assert score(in_scope(poc)).total == 1


def test_who_answers_as_what() -> None:
    poc = make_poc()
    assert answering_role(poc, "UCHAMP") == Role.champion
    assert answering_role(poc, "USE") is None  # our side records, never answers
    assert answering_role(poc, "USTRANGER") is None
