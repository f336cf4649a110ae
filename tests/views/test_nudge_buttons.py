"""bot.views.nudges: the right button on each nudge, and each button once per message.

Two nudges in one message may want the same button ([Post read-out] on the overrun and on
the read-out reminder, [Log sponsor engagement] on every sponsor alert): the first nudge of the
message (the most urgent: due_nudges orders them) keeps it. A button about one thing — a
milestone's [Mark done], a scope change's [Park for Phase 2] — is another button on another
thing, and [Snooze 1 day] is every nudge's own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from bot.domain import Nudge, NudgeKind, Role, Stakeholder
from bot.rules import NUDGE_PRIORITY, due_nudges
from bot.views.nudges import ABOUT_ONE_THING, BUTTONS, nudge_blocks
from tests.views.checks import check_blocks, elements
from tests.views.factories import CHAMPION, SE, TODAY, at, make_poc

POC = make_poc()


def nudge(kind: NudgeKind, key: str = "", subject: str = "") -> Nudge:
    return Nudge(
        kind=kind,
        key=key or kind.value,
        local_date=TODAY,
        text=f"Something about {key or kind.value}.",
        subject=subject,
    )


def buttons(nudges: list[Nudge]) -> dict[str, list[tuple[str, str]]]:
    """Each nudge's buttons, by its key: (action_id, value), [Snooze 1 day] last."""
    blocks = nudge_blocks(POC, nudges)
    check_blocks(blocks)
    return {
        b["block_id"].removeprefix("nudge:"): [(e["action_id"], e["value"]) for e in b["elements"]]
        for b in blocks
        if b["type"] == "actions"
    }


def snooze(key: str) -> tuple[str, str]:
    return ("nudge_snooze", f"{POC.id}:{key}")


def test_a_silent_champion_gets_log_checkin() -> None:
    """Any check-in with the champion ends the silence; a sponsor engagement is not about them."""
    assert buttons([nudge(NudgeKind.champion_silent, subject="UCHAMP")]) == {
        "champion_silent": [
            ("nudge_checkin", f"{POC.id}:champion_silent"),
            snooze("champion_silent"),
        ]
    }


def test_the_overrun_keeps_post_readout_and_the_readout_reminder_its_snooze() -> None:
    found = buttons([nudge(NudgeKind.overrun), nudge(NudgeKind.readout_ready)])
    assert found == {
        "overrun": [
            ("nudge_readout", f"{POC.id}:overrun"),
            ("lifecycle_extend", f"{POC.id}:overrun"),
            snooze("overrun"),
        ],
        "readout_ready": [snooze("readout_ready")],
    }


def test_one_log_sponsor_engagement_for_all_the_sponsor_alerts() -> None:
    kinds = [NudgeKind.exec_unbriefed, NudgeKind.sponsor_stalled, NudgeKind.exec_disengaged]
    found = buttons([nudge(k) for k in kinds])
    assert found["exec_unbriefed"] == [
        ("nudge_sponsor", f"{POC.id}:exec_unbriefed"),
        snooze("exec_unbriefed"),
    ]
    assert found["sponsor_stalled"] == [snooze("sponsor_stalled")]
    assert found["exec_disengaged"] == [snooze("exec_disengaged")]


def test_the_cadence_keeps_log_checkin_over_the_silent_champion() -> None:
    found = buttons([nudge(NudgeKind.cadence), nudge(NudgeKind.champion_silent)])
    assert found["cadence"][0] == ("nudge_checkin", f"{POC.id}:cadence")
    assert found["champion_silent"] == [snooze("champion_silent")]


def test_the_auto_close_warning_keeps_the_outcome_and_extend_buttons() -> None:
    order = [NudgeKind.auto_close_warning, NudgeKind.outcome_due, NudgeKind.overrun]
    found = buttons([nudge(k) for k in order])
    assert [a for a, _ in found["auto_close_warning"]] == [
        "lifecycle_won",
        "lifecycle_lost",
        "lifecycle_no_decision",
        "lifecycle_extend",
        "nudge_snooze",
    ]
    assert found["outcome_due"] == [snooze("outcome_due")]
    assert found["overrun"] == [("nudge_readout", f"{POC.id}:overrun"), snooze("overrun")]


def test_each_milestone_keeps_its_own_mark_done_and_move_date() -> None:
    """The value names the milestone: two milestones' [Mark done] are two different buttons."""
    found = buttons(
        [
            nudge(NudgeKind.milestone, "milestone:midpoint", "midpoint"),
            nudge(NudgeKind.milestone, "milestone:readout", "readout"),
        ]
    )
    for key in ("milestone:midpoint", "milestone:readout"):
        assert found[key] == [
            ("nudge_milestone_done", f"{POC.id}:{key}"),
            ("nudge_move_date", f"{POC.id}:{key}"),
            snooze(key),
        ]


def test_each_scope_change_keeps_its_own_park_and_accept() -> None:
    found = buttons(
        [
            nudge(NudgeKind.scope_creep, "scope_creep:11", "11"),
            nudge(NudgeKind.scope_creep, "scope_creep:12", "12"),
        ]
    )
    for change in ("11", "12"):
        assert found[f"scope_creep:{change}"] == [
            ("scope_park", f"{POC.id}:{change}"),
            ("scope_accept", f"{POC.id}:{change}"),
            snooze(f"scope_creep:{change}"),
        ]


def _every_nudge() -> list[Nudge]:
    """Every kind, two milestones and two scope changes, in priority order."""
    extra = {
        NudgeKind.milestone: [("milestone:midpoint", "midpoint"), ("milestone:readout", "readout")],
        NudgeKind.scope_creep: [("scope_creep:11", "11"), ("scope_creep:12", "12")],
    }
    return [
        nudge(k, key, subject) for k in NUDGE_PRIORITY for key, subject in extra.get(k, [("", "")])
    ]


def test_no_button_twice_in_a_message_and_a_snooze_on_every_nudge() -> None:
    nudges = _every_nudge()
    found = buttons(nudges)
    assert list(found) == [n.key for n in nudges]
    shown = [b for own in found.values() for b in own if b[0] != "nudge_snooze"]
    what = Counter((a, v if a in ABOUT_ONE_THING else "") for a, v in shown)
    assert [w for w, count in what.items() if count > 1] == []
    # …and none lost: every button some nudge of the message offers is there once.
    offered = {a for n in nudges for _, a in BUTTONS.get(n.kind, ())}
    assert {a for a, _ in shown} == offered
    assert [own[-1] for own in found.values()] == [snooze(n.key) for n in nudges]


def test_every_nudge_in_its_own_message_has_all_its_buttons() -> None:
    """Each batch is a message of its own: a button left out of one is shown in the next."""
    for n in _every_nudge():
        own = [a for a, _ in buttons([n])[n.key]]
        assert own == [a for _, a in BUTTONS.get(n.kind, ())] + ["nudge_snooze"]


def test_what_the_rules_say_about_a_neglected_poc_reads_one_button_each() -> None:
    """Thursday 12 March with nobody briefed, met or heard from: the cadence keeps [Log
    check-in], the executive-briefing alert [Log sponsor engagement]."""
    poc = make_poc(
        stakeholders=(
            SE,
            replace(CHAMPION, last_seen_at=None),
            Stakeholder(Role.business_sponsor, name="Sam"),
            Stakeholder(Role.exec_sponsor, name="Vic"),
        ),
        checkins=(),
        engagements=(),
    )
    nudges = due_nudges(poc, at(date(2026, 3, 12)))
    kinds = [n.kind for n in nudges]
    assert {NudgeKind.cadence, NudgeKind.exec_unbriefed, NudgeKind.sponsor_stalled} <= set(kinds)
    assert NudgeKind.champion_silent in kinds
    blocks = nudge_blocks(poc, nudges)
    check_blocks(blocks)
    ids = Counter(e["action_id"] for e in elements(blocks))
    assert ids["nudge_checkin"] == 1 and ids["nudge_sponsor"] == 1
    assert ids["nudge_snooze"] == len(nudges)
