"""Who may act (issue 12): one rule per act, so a refusal and the README's table say the same.

A prospect's click on a plan-changing button is answered, never applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import Poc, Role


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
    set_holidays = "set_holidays"  # /poc holidays <country>: the public holidays it skips
    close = "close"  # /poc close, the outcome nudge's Won / Lost / No decision
    extend = "extend"  # /poc extend, its modal, the auto-close warning's Extend
    move_date = "move_date"  # /poc move, its modal, a milestone nudge's Move date
    pause = "pause"  # /poc pause
    resume = "resume"  # /poc resume, the paused reminder's Resume, the offer to shift the plan
    see_history = "see_history"  # /poc history: internal notes and ratings are in it
    record_answer = "record_answer"  # the read-out's answer given in a meeting, recorded
    save_template = "save_template"  # /poc template save: this POC's use cases and criteria
    use_templates = "use_templates"  # /poc template list|delete, the /poc new template picker
    see_report = "see_report"  # /poc report: the team's figures, no POC in particular


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


def _team_member(poc: Poc | None, actor: Actor) -> bool:
    """Our team's own people, for the team's figures (about no POC in particular). A guest
    account of our workspace looks like one here: the handler asks Slack (users.info)."""
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


#: One rule per act.
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
    Act.set_holidays: _se_or_ae,
    Act.close: _se_or_ae,
    Act.extend: _se_or_ae,
    Act.move_date: _se_or_ae,
    Act.pause: _se_or_ae,
    Act.resume: _se_or_ae,
    Act.see_history: _se_or_ae,
    Act.record_answer: _se_or_ae,
    Act.save_template: _se_or_ae,
    # A team's templates are its own: a prospect's people (Slack Connect) never see them.
    # Deleting or replacing one also takes its author or a manager (rules/templates.py).
    Act.use_templates: _of_our_team,
    Act.see_report: _team_member,
}

#: Who a rule lets in, in words (refusals and the README's usage table say the same).
RULE_WHO: dict[Callable[[Poc | None, Actor], bool], str] = {
    _of_our_team: "anyone in our workspace",
    _team_member: "our team's own people (not guests, nor other organisations)",
    _on_the_poc: "the people on this POC (SE, AE, champion, sponsors, listed evaluators)",
    _se_or_ae: "this POC's SE and AE",
    _signs_off: "the champion and sponsors (or the SE and AE, recording their answer)",
}


def may(act: Act, poc: Poc | None, actor: Actor) -> bool:
    """May this person do this to this POC (None: there is no POC yet)?"""
    return _ACT_RULES[act](poc, actor)


def who_may(act: Act) -> str:
    return RULE_WHO[_ACT_RULES[act]]


def insider(poc: Poc, user_id: str) -> bool:
    """SE and AE see the internal lines (qualification, sponsor pulse) in their own copy."""
    return _se_or_ae(poc, Actor(user_id))
