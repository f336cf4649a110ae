"""bot.views.readout: the read-out (PRODUCT.md rule 9), the sign-off and the objection."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import Criterion, Role, Stakeholder, UseCase, Verdict
from bot.views.readout import (
    disagree_blocks,
    disagree_text,
    readout_blocks,
    readout_text,
)
from bot.views.text import escape
from tests.views.checks import assert_escaped, check_blocks, elements, mrkdwn_texts
from tests.views.factories import AE, CRITERIA, EVIL, EVIL_ESCAPED, SE, make_poc


def texts(blocks: list[dict]) -> str:
    return "\n".join(mrkdwn_texts(blocks))


def test_the_readout() -> None:
    blocks = readout_blocks(make_poc())
    check_blocks(blocks)
    assert blocks[0]["type"] == "header" and "Acme Corp" in blocks[0]["text"]["text"]
    text = texts(blocks)
    # the pain, restated, line by line as a quote
    assert ">Our on-call team drowns in logs.\n>Incidents take hours to find." in text
    # each criterion, with its result, under its use case
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    for uc in make_poc().use_cases:
        own = next(s for s in sections if s.startswith(f"*{uc.title}*"))
        for c in CRITERIA:
            assert (c.statement in own) is (c.use_case_id == uc.id)
    assert "✅ Ingests 500 GB" in text and "❌ Keeps 30 days" in text
    assert "⚠️ Rollback" in text and "⏳ Pages on-call" in text
    assert "3 of 6 criteria passed" in text and "1 failed" in text
    # the question, and who is asked
    assert "agree" in text.lower() or "Did we meet" in text
    assert "<@UEXEC>" in text and "<@UCHAMP>" in text and "Sam Ortiz" in text


def test_pending_criteria_are_called_out() -> None:
    text = texts(readout_blocks(make_poc()))
    assert "2 still pending" in text
    done = tuple(
        c
        if c.verdict != Verdict.pending
        else Criterion(c.id, c.use_case_id, c.statement, verdict=Verdict.passed)
        for c in CRITERIA
    )
    text = texts(readout_blocks(make_poc(criteria=done)))
    assert "pending" not in text
    assert "5 of 6 criteria passed" in text


def test_the_buttons() -> None:
    poc = make_poc(criteria=tuple(replace(c, verdict=Verdict.passed) for c in CRITERIA))
    buttons = {e["action_id"]: e for e in elements(readout_blocks(poc))}
    assert set(buttons) == {"readout_agree", "readout_disagree"}
    agree, disagree = buttons["readout_agree"], buttons["readout_disagree"]
    assert agree["text"]["text"] == "✅ Agree — technically validated"
    assert agree["style"] == "primary"
    assert disagree["text"]["text"] == "Something is missing"
    assert "style" not in disagree
    assert agree["value"] == disagree["value"] == str(poc.id)


def test_no_pain_and_a_use_case_without_criteria() -> None:
    poc = make_poc(pain="", use_cases=(*make_poc().use_cases, UseCase(4, "Audit trail")))
    blocks = readout_blocks(poc)
    check_blocks(blocks)
    text = texts(blocks)
    assert "business pain" not in text
    assert "*Audit trail*\n_no criteria were set_" in text


def test_missing_sponsors_are_named_as_missing() -> None:
    blocks = readout_blocks(make_poc(stakeholders=(SE, AE)))
    check_blocks(blocks)
    assert "not named yet" in texts(blocks)


def test_escaped() -> None:
    poc = make_poc(
        prospect=EVIL,
        pain=EVIL,
        use_cases=(UseCase(1, EVIL),),
        criteria=(Criterion(1, 1, EVIL),),
        stakeholders=(Stakeholder(Role.exec_sponsor, name=EVIL),),
    )
    blocks = readout_blocks(poc)
    check_blocks(blocks)
    fallback = readout_text(poc)
    assert_escaped(blocks, fallback)
    assert EVIL_ESCAPED in fallback


def test_a_huge_readout_fits_in_one_message() -> None:
    use_cases = tuple(UseCase(i, f"Use case {i}") for i in range(1, 70))
    criteria = tuple(Criterion(i, i, "&" * 2900) for i in range(1, 70))
    blocks = readout_blocks(make_poc(use_cases=use_cases, criteria=criteria, pain="<" * 5000))
    check_blocks(blocks)


def test_readout_text() -> None:
    assert readout_text(make_poc()) == "Read-out for Acme Corp: 3 of 6 criteria passed"


# ---------------------------------------------------------------- sign-off and objection


def test_with_a_failed_or_pending_criterion_agreeing_is_with_exceptions() -> None:
    # The factory's POC has a failed criterion and pending ones.
    (agree,) = [
        e for e in elements(readout_blocks(make_poc())) if e["action_id"] == "readout_agree"
    ]
    assert agree["text"]["text"] == "⚠️ Validated with exceptions"
    assert "champion and a business or executive sponsor" in texts(readout_blocks(make_poc()))


def test_a_parked_use_case_is_not_read_out_nor_scored() -> None:
    base = make_poc()
    poc = replace(base, use_cases=tuple(replace(u, parked=u.id == 3) for u in base.use_cases))
    blocks = readout_blocks(poc)
    check_blocks(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert not any(s.startswith("*Alert on anomalies*") for s in sections)
    # criteria 5 (pending) and 6 (passed) left with their use case: 2 of 4 passed
    assert "2 of 4 criteria passed" in texts(blocks)
    assert readout_text(poc) == "Read-out for Acme Corp: 2 of 4 criteria passed"


def test_parked_items_are_listed_in_the_readout() -> None:
    poc = make_poc()
    assert poc.parked, "the factory parks one item"
    text = texts(readout_blocks(poc))
    assert "Parked for Phase 2" in text
    assert all(escape(p.text) in text for p in poc.parked)


def test_the_signoff_buttons_survive_trimming() -> None:
    many = tuple(UseCase(id=100 + i, title=f"Use case {i}") for i in range(80))
    blocks = readout_blocks(make_poc(use_cases=many))
    check_blocks(blocks)
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["readout_agree", "readout_disagree"]


def test_disagree() -> None:
    blocks = disagree_blocks(user_id="UCHAMP")
    check_blocks(blocks)
    text = disagree_text(user_id="UCHAMP")
    assert text in texts(blocks)
    assert "<@UCHAMP>" in text
    assert "What is missing?" in text
    assert "thread" in text
