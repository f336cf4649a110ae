"""bot.views.nudges: one message per POC per sweep, each nudge with its own buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.domain import Nudge, NudgeKind, Role, Stakeholder
from bot.rules import due_nudges
from bot.views.nudges import acted_blocks, nudge_blocks, nudge_text
from tests.views.checks import assert_escaped, check_blocks, elements, mrkdwn_texts
from tests.views.factories import AE, BUSINESS, CHAMPION, EVIL, EXEC, SE, TODAY, at, make_poc

#: The contract with handlers/actions.py: each kind's own buttons, before [Snooze 1 day].
OWN = {
    NudgeKind.cadence: [("Log check-in", "nudge_checkin")],
    NudgeKind.milestone: [("Mark done", "nudge_milestone_done"), ("Move date", "nudge_move_date")],
    NudgeKind.readout_ready: [("Post read-out", "nudge_readout")],
    NudgeKind.overrun: [("Post read-out", "nudge_readout"), ("Extend", "lifecycle_extend")],
    NudgeKind.scope_creep: [("Park for Phase 2", "scope_park"), ("Accept change", "scope_accept")],
    NudgeKind.exec_unbriefed: [("Log sponsor engagement", "nudge_sponsor")],
    NudgeKind.sponsor_stalled: [("Log sponsor engagement", "nudge_sponsor")],
    NudgeKind.champion_silent: [("Log check-in", "nudge_checkin")],
    NudgeKind.exec_disengaged: [("Log sponsor engagement", "nudge_sponsor")],
    NudgeKind.paused: [("Resume", "lifecycle_resume")],
    NudgeKind.outcome_due: [
        ("Won", "lifecycle_won"),
        ("Lost", "lifecycle_lost"),
        ("No decision", "lifecycle_no_decision"),
    ],
    NudgeKind.auto_close_warning: [
        ("Won", "lifecycle_won"),
        ("Lost", "lifecycle_lost"),
        ("No decision", "lifecycle_no_decision"),
        ("Extend", "lifecycle_extend"),
    ],
}
SUBJECTS = {
    NudgeKind.milestone: ("milestone:readout", "readout"),
    NudgeKind.scope_creep: ("scope_creep:11", "11"),
    NudgeKind.champion_silent: ("champion_silent", "UCHAMP"),
}


def nudge(kind: NudgeKind, text: str = "") -> Nudge:
    key, subject = SUBJECTS.get(kind, (kind.value, ""))
    return Nudge(
        kind=kind,
        key=key,
        local_date=TODAY,
        text=text or f"Something about {kind.value}.",
        internal=kind
        in (NudgeKind.exec_unbriefed, NudgeKind.sponsor_stalled, NudgeKind.champion_silent),
        subject=subject,
        once=kind == NudgeKind.scope_creep,
    )


EVERY = [nudge(k) for k in NudgeKind]


def neglected() -> list[Nudge]:
    """What the rules say about a neglected POC on Thursday 12 March: six nudges."""
    poc = make_poc(
        stakeholders=(
            SE,
            AE,
            replace(CHAMPION, last_seen_at=None),
            BUSINESS,
            replace(EXEC, briefed_at=None),
        ),
        checkins=(),
        engagements=(),
    )
    nudges = due_nudges(poc, at(date(2026, 3, 12)))
    assert len(nudges) == 6
    return nudges


def test_one_message_for_every_nudge() -> None:
    poc = make_poc()
    nudges = neglected()
    blocks = nudge_blocks(poc, nudges)
    check_blocks(blocks)
    assert blocks[0]["type"] == "context"
    assert "*Acme Corp*" in blocks[0]["elements"][0]["text"]
    assert "<#CDEAL>" in blocks[0]["elements"][0]["text"]
    sections = [b for b in blocks if b["type"] == "section"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(sections) == len(actions) == len(nudges)
    for n in nudges:
        section = next(b for b in sections if b["block_id"] == f"text:{n.key}")
        assert n.text.split(" ")[0] in section["text"]["text"]
        assert any(b["block_id"] == f"nudge:{n.key}" for b in actions)
    text = nudge_text(poc, nudges)
    assert "Acme Corp" in text and "(+5 more)" in text


@pytest.mark.parametrize("n", EVERY, ids=[n.kind.value for n in EVERY])
def test_buttons_of_each_kind(n: Nudge) -> None:
    poc = make_poc()
    blocks = nudge_blocks(poc, [n])
    check_blocks(blocks)
    buttons = [(e["text"]["text"], e["action_id"], e["value"]) for e in elements(blocks)]
    value = f"{poc.id}:{n.key}"
    own = [
        (label, a, f"{poc.id}:{n.subject}" if a in ("scope_park", "scope_accept") else value)
        for label, a in OWN[n.kind]
    ]
    assert buttons == [*own, ("Snooze 1 day", "nudge_snooze", value)]


def test_scope_buttons_carry_the_scope_change_id() -> None:
    blocks = nudge_blocks(make_poc(), [nudge(NudgeKind.scope_creep)])
    values = {e["action_id"]: e["value"] for e in elements(blocks)}
    assert values == {
        "scope_park": "7:11",
        "scope_accept": "7:11",
        "nudge_snooze": "7:scope_creep:11",
    }


def test_every_kind_in_one_message_has_unique_ids() -> None:
    blocks = nudge_blocks(make_poc(), EVERY)
    check_blocks(blocks)
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)) == 2 * len(EVERY)
    for b in blocks:
        if b["type"] == "actions":
            ids = [e["action_id"] for e in b["elements"]]
            assert len(ids) == len(set(ids))  # action_ids unique within a block


def test_internal_nudges_say_so() -> None:
    public = nudge_blocks(make_poc(), [nudge(NudgeKind.cadence)])
    assert "internal" not in public[0]["elements"][0]["text"]
    private = nudge_blocks(make_poc(), [nudge(NudgeKind.cadence), nudge(NudgeKind.sponsor_stalled)])
    assert "internal" in private[0]["elements"][0]["text"]


def test_many_nudges_fit_in_50_blocks() -> None:
    many = [replace(nudge(NudgeKind.milestone), key=f"milestone:{i}") for i in range(40)]
    blocks = nudge_blocks(make_poc(), many)
    check_blocks(blocks)
    assert len(blocks) <= 50


def test_prospect_and_typed_text_are_escaped() -> None:
    poc = make_poc(prospect=EVIL)
    nudges = [nudge(NudgeKind.scope_creep, f"Scope creep — a use case was added: {EVIL}.")]
    blocks = nudge_blocks(poc, nudges)
    check_blocks(blocks)
    assert_escaped(blocks, nudge_text(poc, nudges))


def test_a_stakeholders_id_becomes_a_mention() -> None:
    """Governance names people in Slack by id; the view turns only those ids into mentions."""
    poc = make_poc(stakeholders=(SE, Stakeholder(Role.exec_sponsor, user_id="UEXEC")))
    n = nudge(NudgeKind.exec_unbriefed, "The executive sponsor (UEXEC) isn't briefed; UOTHER is.")
    text = "\n".join(mrkdwn_texts(nudge_blocks(poc, [n])))
    assert "<@UEXEC>" in text
    assert "<@UOTHER>" not in text and "UOTHER" in text


def test_nudge_text_without_nudges() -> None:
    assert nudge_text(make_poc(), []) == "Acme Corp POC"


def test_acted_blocks_replace_only_that_nudges_buttons() -> None:
    poc = make_poc()
    nudges = neglected()
    blocks = nudge_blocks(poc, nudges)
    key = "scope_creep:11"
    after = acted_blocks(blocks, key=key, note="✓ Parked for Phase 2 by <@USE>")
    check_blocks(after)
    assert len(after) == len(blocks)
    assert not any(b.get("block_id") == f"nudge:{key}" for b in after)
    done = next(b for b in after if b.get("block_id") == f"done:{key}")
    assert done["type"] == "context"
    assert done["elements"][0]["text"] == "✓ Parked for Phase 2 by <@USE>"
    others = [b for b in blocks if b.get("block_id") != f"nudge:{key}"]
    assert all(b in after for b in others)
    assert blocks == nudge_blocks(poc, nudges)  # pure: the input is untouched
    # pressing a second button later keeps the first note
    again = acted_blocks(after, key="cadence", note="✓ Snoozed until Fri 13 Mar")
    check_blocks(again)
    assert {b.get("block_id") for b in again} >= {f"done:{key}", "done:cadence"}
