"""bot.rules.access `may`: who may do what to a POC, act by act and person by person."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import Poc, Role, Stakeholder
from bot.rules import RULE_WHO, Act, Actor, insider, may, who_may

POC = Poc(
    id=1,
    team_id="T1",
    channel_id="CDEAL",
    prospect="Globex",
    start=date(2026, 3, 2),
    end=date(2026, 3, 27),
    stakeholders=(
        Stakeholder(Role.se, user_id="USE"),
        Stakeholder(Role.ae, user_id="UAE"),
        Stakeholder(Role.champion, user_id="UCHAMP"),
        Stakeholder(Role.business_sponsor, user_id="UBIZ", name="Bea"),
        Stakeholder(Role.exec_sponsor, name="Erin"),  # named, not on Slack
        Stakeholder(Role.evaluator, user_id="UEVAL"),
    ),
)

OURS = {"se": "USE", "ae": "UAE", "evaluator": "UEVAL", "colleague": "UCOLLEAGUE"}
THEIRS = {"champion": "UCHAMP", "business sponsor": "UBIZ", "stranger": "USTRANGER"}

#: act -> who may, among the people above (everyone else is refused)
ALLOWED: dict[Act, set[str]] = {
    Act.start_poc: {"se", "ae", "evaluator", "colleague"},
    Act.see_status: {"se", "ae", "evaluator", "champion", "business sponsor"},
    Act.log_checkin: {"se", "ae", "evaluator", "champion", "business sponsor"},
    Act.add_criterion: {"se", "ae"},
    Act.log_engagement: {"se", "ae"},
    Act.park: {"se", "ae"},
    Act.post_readout: {"se", "ae"},
    Act.snooze: {"se", "ae"},
    Act.mark_done: {"se", "ae"},
    Act.resolve_scope: {"se", "ae"},
    Act.set_holidays: {"se", "ae"},
    Act.answer_readout: {"se", "ae", "champion", "business sponsor"},
    # A POC's life is our side's: the prospect and the evaluators may not end, stretch or
    # stop it, nor read its internal history.
    Act.close: {"se", "ae"},
    Act.extend: {"se", "ae"},
    Act.move_date: {"se", "ae"},
    Act.pause: {"se", "ae"},
    Act.resume: {"se", "ae"},
    Act.see_history: {"se", "ae"},
    Act.record_answer: {"se", "ae"},
    Act.save_template: {"se", "ae"},
    # The team's templates (list, delete, the /poc new picker) need no POC: our side only.
    Act.use_templates: {"se", "ae", "evaluator", "colleague"},
    # The team's figures are about no POC in particular: our people, not the prospect's.
    Act.see_report: {"se", "ae", "evaluator", "colleague"},
}
#: Acts about no POC in particular (None: there is none to judge by).
NO_POC = {Act.start_poc, Act.see_report, Act.use_templates}


def people() -> list[tuple[str, Actor]]:
    return [(who, Actor(uid, of_our_team=True)) for who, uid in OURS.items()] + [
        (who, Actor(uid, of_our_team=False)) for who, uid in THEIRS.items()
    ]


def test_every_act_has_a_rule_and_words() -> None:
    assert set(ALLOWED) == set(Act)
    for act in Act:
        assert who_may(act) in RULE_WHO.values()


@pytest.mark.parametrize("act", list(Act))
def test_who_may_act(act: Act) -> None:
    poc = None if act in NO_POC else POC
    allowed = {who for who, actor in people() if may(act, poc, actor)}
    assert allowed == ALLOWED[act]


def test_nobody_acts_on_no_poc_but_to_start_one_see_the_report_or_use_templates() -> None:
    for act in set(Act) - NO_POC:
        assert not any(may(act, None, actor) for _, actor in people()), act


def test_a_person_on_the_poc_from_another_team_is_still_on_it() -> None:
    """Across Slack Connect the champion's team is not ours: that does not make them a
    stranger to the POC, nor one of our side."""
    champion = Actor("UCHAMP", of_our_team=False)
    assert may(Act.log_checkin, POC, champion)
    assert not may(Act.snooze, POC, champion)


@pytest.mark.parametrize(
    ("user_id", "expected"),
    [("USE", True), ("UAE", True), ("UCHAMP", False), ("UEVAL", False), ("USTRANGER", False)],
)
def test_only_the_se_and_ae_are_insiders(user_id: str, expected: bool) -> None:
    """The internal lines of `/poc status` (qualification, sponsor pulse) are theirs alone."""
    assert insider(POC, user_id) is expected
