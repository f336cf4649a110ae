"""bot.views.status: the scoreboard, public by default, with the internal judgement on request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain import (
    Criterion,
    MilestoneKind,
    ScopeChange,
    ScopeChangeKind,
    ScopeResolution,
    UseCase,
    Verdict,
)
from bot.views.status import status_blocks, status_text
from tests.views.checks import assert_escaped, check_blocks, elements, mrkdwn_texts
from tests.views.factories import EVIL, EVIL_ESCAPED, EXEC, NOW, START, at, make_poc


def texts(blocks: list[dict]) -> str:
    return "\n".join(mrkdwn_texts(blocks))


def test_the_scoreboard() -> None:
    blocks = status_blocks(make_poc(), NOW)
    check_blocks(blocks)
    assert blocks[0]["type"] == "header"
    assert "Acme Corp" in blocks[0]["text"]["text"]
    text = texts(blocks)
    assert "🟡" in text  # the last check-in said yellow, and a criterion failed
    assert "11 days left" in text
    assert "Final read-out Fri 27 Mar" in text
    assert "✅ 3 passed" in text and "❌ 1 failed" in text and "⏳ 2 pending" in text
    assert "1 open scope change" in text
    assert "1 item(s) parked for Phase 2" in text


def test_criteria_are_grouped_by_use_case_with_their_verdict() -> None:
    blocks = status_blocks(make_poc(), NOW)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    ingest = next(s for s in sections if s.startswith("*Ingest our logs*"))
    assert "✅ Ingests 500 GB" in ingest and "❌ Keeps 30 days" in ingest
    assert "Rollback" not in ingest
    deploy = next(s for s in sections if s.startswith("*Deploy a microservice*"))
    assert "⚠️ Rollback completes" in deploy  # a conflict shows, whatever the verdict
    alert = next(s for s in sections if s.startswith("*Alert on anomalies*"))
    assert "⏳ Pages on-call" in alert and "✅ No more than 2 false alerts" in alert


def test_a_use_case_without_criteria_says_so() -> None:
    poc = make_poc(use_cases=(*make_poc().use_cases, UseCase(4, "Audit trail", True)))
    text = texts(status_blocks(poc, NOW))
    assert "*Audit trail*" in text and "added after kickoff" in text
    assert "/poc criteria" in text


def test_buttons() -> None:
    poc = make_poc()
    buttons = {e["action_id"]: e for e in elements(status_blocks(poc, NOW))}
    assert set(buttons) == {"status_checkin", "status_criteria"}
    assert buttons["status_checkin"]["text"]["text"] == "Log check-in"
    assert buttons["status_criteria"]["text"]["text"] == "Add criterion"
    assert {b["value"] for b in buttons.values()} == {str(poc.id)}


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (datetime(2026, 3, 26, 10, tzinfo=UTC), "1 day left"),
        (datetime(2026, 3, 27, 10, tzinfo=UTC), "ends today"),
        (datetime(2026, 3, 28, 10, tzinfo=UTC), "overrun by 1 day*"),
        (datetime(2026, 3, 30, 10, tzinfo=UTC), "overrun by 3 days"),
    ],
)
def test_days_left_and_overrun(now: datetime, words: str) -> None:
    blocks = status_blocks(make_poc(), now)
    check_blocks(blocks)
    assert words in texts(blocks)


def test_overrun_is_red() -> None:
    assert "🔴" in texts(status_blocks(make_poc(), datetime(2026, 3, 30, 10, tzinfo=UTC)))


def test_all_milestones_done() -> None:
    poc = make_poc()
    done = tuple(replace(m, done_at=NOW) for m in poc.milestones)
    assert "all milestones done" in texts(status_blocks(replace(poc, milestones=done), NOW))


def test_nothing_open_nothing_parked() -> None:
    poc = make_poc(
        scope_changes=(
            ScopeChange(11, ScopeChangeKind.use_case_added, "x", at(START), ScopeResolution.parked),
        ),
        parked=(),
    )
    text = texts(status_blocks(poc, NOW))
    assert "scope change" not in text and "Phase 2" not in text


def test_internal_judgements_stay_out_by_default() -> None:
    """The deal channel may be shared with the prospect (PRODUCT.md, privacy)."""
    poc = make_poc(stakeholders=tuple(s for s in make_poc().stakeholders if s != EXEC))
    public = texts(status_blocks(poc, NOW))
    for word in ("AT RISK", "NO-GO", "GO*", "internal", "Sponsor pulse", "executive sponsor"):
        assert word not in public
    internal_blocks = status_blocks(poc, NOW, internal=True)
    check_blocks(internal_blocks)
    internal = texts(internal_blocks)
    assert "(internal)" in internal
    assert "Sponsor pulse" in internal
    assert "executive sponsor" in internal.lower()  # the reason: none is named


def test_internal_go_with_pulse() -> None:
    text = texts(status_blocks(make_poc(), NOW, internal=True))
    assert "*GO* (internal)" in text
    assert "2 meeting(s) in 14 days, last Tue 10 Mar, trend up" in text


def test_the_buttons_come_last() -> None:
    blocks = status_blocks(make_poc(), NOW, internal=True)
    assert blocks[-1]["type"] == "actions"


def test_escaped() -> None:
    poc = make_poc(
        prospect=EVIL,
        use_cases=(UseCase(1, EVIL),),
        criteria=(Criterion(1, 1, EVIL, verdict=Verdict.passed),),
    )
    blocks = status_blocks(poc, NOW, internal=True)
    check_blocks(blocks)
    fallback = status_text(poc, NOW)
    assert_escaped(blocks, fallback)
    assert EVIL_ESCAPED in fallback


def test_a_huge_poc_fits_in_one_message() -> None:
    use_cases = tuple(UseCase(i, f"Use case {i} " + "u" * 200) for i in range(1, 80))
    criteria = tuple(
        Criterion(i * 10 + j, i, f"Criterion {j} " + "<&>" * 300)
        for i in range(1, 80)
        for j in range(12)
    )
    poc = make_poc(use_cases=use_cases, criteria=criteria)
    for internal in (False, True):
        blocks = status_blocks(poc, NOW, internal=internal)
        check_blocks(blocks)
        assert len(blocks) <= 50


def test_status_text() -> None:
    text = status_text(make_poc(), NOW)
    assert "Acme Corp" in text and "3 passed" in text and "11 days left" in text


def test_next_milestone_overdue_first() -> None:
    poc = make_poc()
    undone = tuple(
        replace(m, done_at=None) if m.kind == MilestoneKind.midpoint else m for m in poc.milestones
    )
    text = texts(status_blocks(replace(poc, milestones=undone), NOW))
    assert "next: Mid-point check-in Fri 13 Mar" in text
    assert date(2026, 3, 13) < NOW.date()


def test_the_buttons_survive_trimming() -> None:
    many = tuple(UseCase(id=100 + i, title=f"Use case {i}") for i in range(80))
    blocks = status_blocks(make_poc(use_cases=many), NOW)
    check_blocks(blocks)
    assert blocks[-1]["block_id"] == "status_actions"
