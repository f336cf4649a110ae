"""bot.views.lifecycle and bot.views.history: what a POC's life says, and to whom."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import Status
from bot.views.history import history_blocks
from bot.views.lifecycle import (
    closed_here,
    closing_line,
    outcome_blocks,
    read_close,
    resumed_blocks,
)
from bot.views.status import status_blocks
from storage.history import Entry
from tests.views.checks import check_blocks, elements, mrkdwn_texts
from tests.views.factories import NOW, TODAY, at, make_poc


@pytest.mark.parametrize(
    ("typed", "outcome", "note"),
    [
        ("won", Status.won, ""),
        ("WON Signed the 3-year order", Status.won, "Signed the 3-year order"),
        ("lost They chose the incumbent", Status.lost, "They chose the incumbent"),
        ("no-decision Budget frozen", Status.no_decision, "Budget frozen"),
        ("no decision Budget frozen", Status.no_decision, "Budget frozen"),
        ("no_decision", Status.no_decision, ""),
        ("", None, ""),
        ("maybe later", None, "later"),
        ("no", None, ""),
    ],
)
def test_how_a_close_is_typed(typed: str, outcome: Status | None, note: str) -> None:
    assert read_close(typed) == (outcome, note)


def test_the_closing_line_is_the_same_whatever_the_outcome() -> None:
    lines = {closing_line(make_poc(status=s)) for s in (Status.won, Status.lost)}
    (line,) = lines
    assert "<@USE> (SE)" in line
    assert not any(word in line.lower() for word in ("won", "lost", "decision", "verdict"))


def test_the_outcome_is_internal_and_says_what_win_rates_need() -> None:
    poc = make_poc(status=Status.won, kickoff_verdict="AT RISK", signed_off_at=NOW)
    blocks = outcome_blocks(poc, Status.won, by="UAE", note="Signed", today=TODAY)
    check_blocks(blocks)
    text = " ".join(mrkdwn_texts(blocks))
    assert "*Won*" in text and "<@UAE>" in text and "“Signed”" in text
    assert "kickoff verdict 🟠 AT RISK" in text and "internal: not in <#CDEAL>" in text
    by_bot = " ".join(
        mrkdwn_texts(outcome_blocks(poc, Status.no_decision, by=None, note="", today=TODAY))
    )
    assert "by pocbot" in by_bot


def test_a_closed_channel_says_so_and_offers_a_new_poc() -> None:
    poc = make_poc(status=Status.lost, closed_at=NOW, closed_by="UAE")
    ours, theirs = closed_here(poc, internal=True), closed_here(poc, internal=False)
    assert "was closed on Mon 16 Mar — lost (by <@UAE>)" in ours and "`/poc history`" in ours
    assert "lost" not in theirs and "`/poc new`" in theirs


def test_the_resume_offers_to_shift_only_when_time_was_lost() -> None:
    poc = make_poc()
    assert [e["action_id"] for e in elements(resumed_blocks(poc, 4))] == [
        "lifecycle_shift",
        "lifecycle_keep_dates",
    ]
    assert list(elements(resumed_blocks(poc, 0))) == []


def test_a_paused_or_closed_status() -> None:
    paused = make_poc(
        status=Status.paused, paused_at=at(TODAY - timedelta(days=4)), pause_reason="Budget"
    )
    text = " ".join(mrkdwn_texts(status_blocks(paused, NOW, internal=True)))
    assert "⏸ *Paused* for 2 business days: Budget" in text
    assert "Budget" not in " ".join(mrkdwn_texts(status_blocks(paused, NOW, internal=False)))
    closed = status_blocks(make_poc(status=Status.won, closed_at=NOW), NOW, internal=False)
    assert "🏁 *Closed* Mon 16 Mar" in " ".join(mrkdwn_texts(closed))
    assert list(elements(closed)) == [], "nothing to log or add once it is over"


def test_the_history_keeps_the_newest_lines_when_it_is_long() -> None:
    poc = make_poc()
    entries = [
        Entry(at(TODAY) + timedelta(minutes=i), "criterion_added", "USE", f"Criterion {i} " * 30)
        for i in range(400)
    ]
    blocks = history_blocks(poc, entries)
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert "Criterion 399" in text and "Criterion 0 " not in text
    assert "earlier lines not shown" in str(blocks[-1])
    shown = [t for t in text.splitlines() if "added a criterion" in t]
    numbers = [int(t.split("Criterion ")[1].split()[0]) for t in shown]
    assert numbers == sorted(numbers), "oldest first"
    assert "Nothing recorded yet" in str(history_blocks(poc, []))
