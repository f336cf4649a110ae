"""bot.views.home: App Home, every POC of the user at a glance, within 100 blocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain import Status
from bot.views.home import home_view
from tests.views.checks import assert_escaped, check_view, elements, mrkdwn_texts
from tests.views.factories import EVIL, NOW, make_poc


def texts(view: dict) -> str:
    return "\n".join(mrkdwn_texts(view["blocks"]))


def test_empty_state_explains_poc_new() -> None:
    view = home_view([], NOW)
    check_view(view)
    assert view["type"] == "home"
    assert "`/poc new`" in texts(view)
    assert not list(elements(view["blocks"]))


def test_one_poc() -> None:
    poc = make_poc()
    view = home_view([poc], NOW)
    check_view(view)
    text = texts(view)
    assert "*Acme Corp*" in text
    assert "<#CDEAL>" in text
    assert "🟡" in text
    assert "11 days left" in text
    assert "✅ 3 · ❌ 1 · ⏳ 2" in text
    assert "next: Final read-out Fri 27 Mar" in text
    buttons = {e["action_id"]: e for e in elements(view["blocks"])}
    assert set(buttons) == {"home_status", "home_checkin"}
    assert buttons["home_status"]["text"]["text"] == "Status"
    assert buttons["home_checkin"]["text"]["text"] == "Log check-in"
    assert {b["value"] for b in buttons.values()} == {str(poc.id)}


def test_a_finished_poc_shows_its_outcome_to_our_side_only() -> None:
    view = home_view([make_poc(status=Status.won)], NOW, viewer="USE")
    check_view(view)
    text = texts(view)
    assert "History" in str(view["blocks"]) and "_won_" in text
    assert "days left" not in text and "next:" not in text
    champion = texts(home_view([make_poc(status=Status.won)], NOW, viewer="UCHAMP"))
    assert "_closed_" in champion and "won" not in champion


def test_a_paused_poc_says_so() -> None:
    paused = make_poc(status=Status.paused, paused_at=NOW - timedelta(days=3))
    text = texts(home_view([paused], NOW, viewer="USE"))
    assert "⏸ _paused since Fri 13 Mar_" in text and "days left" not in text


def test_live_pocs_come_first() -> None:
    won = make_poc(id=1, prospect="Won Inc", status=Status.won)
    live = make_poc(id=2, prospect="Live Ltd")
    view = home_view([won, live], NOW)
    check_view(view)
    text = texts(view)
    assert text.index("Live Ltd") < text.index("Won Inc")


def test_two_hundred_pocs_fit_in_100_blocks() -> None:
    base = make_poc()
    pocs = [
        replace(
            base,
            id=i,
            prospect=f"Prospect {i:03}",
            channel_id=f"C{i:05}",
            end=base.end + timedelta(days=i % 40),
            status=Status.active if i % 3 else Status.lost,
        )
        for i in range(1, 201)
    ]
    view = home_view(pocs, NOW)
    check_view(view)
    blocks = view["blocks"]
    assert len(blocks) <= 100
    values = [e["value"] for e in elements(blocks) if e["action_id"] == "home_status"]
    shown = len(values)
    assert 20 <= shown < 200
    assert len(set(values)) == shown
    assert blocks[-1]["type"] == "context"
    assert f"…and {200 - shown} more POCs" in blocks[-1]["elements"][0]["text"]
    # live POCs first: every one shown is live, since more than `shown` are live
    live_ids = {str(p.id) for p in pocs if p.status == Status.active}
    assert set(values) <= live_ids
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))


def test_exactly_as_many_as_fit_has_no_more_line() -> None:
    base = make_poc()
    for n in range(28, 36):
        pocs = [replace(base, id=i, prospect=f"P{i}") for i in range(n)]
        view = home_view(pocs, NOW)
        check_view(view)
        shown = sum(1 for e in elements(view["blocks"]) if e["action_id"] == "home_status")
        more = [t for t in mrkdwn_texts(view["blocks"]) if "more POCs" in t]
        assert bool(more) is (shown < n)


def test_escaped() -> None:
    view = home_view([make_poc(prospect=EVIL)], NOW)
    check_view(view)
    assert_escaped(view["blocks"])
