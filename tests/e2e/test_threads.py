"""A new request is asked about at once, in its criterion's thread — never as a second
top-level message in the deal channel that day, and never again by a sweep."""

from __future__ import annotations

from datetime import date

from bot.sandbox.harness import Sandbox
from scheduler.delivery import NUDGE_EVENT
from tests.e2e.conftest import DEAL, SE
from tests.e2e.journeys import create_poc, eventually, load
from tests.e2e.life import sweep_on
from tests.queries import sent_rows

TUE = date(2026, 11, 24)
WED = date(2026, 11, 25)
NEW_CRITERION = {
    "use_case": "new",
    "new_use_case": "SSO via Okta",
    "statement": "Logs in 100 test users via Okta SSO within 5 minutes",
    "method": "Timed in the workshop",
}


def top_level(sb: Sandbox) -> list[object]:
    """The sweep's nudge messages at the top of the deal channel."""
    return [
        m
        for m in sb.slack.posts(DEAL)
        if m.thread_ts is None and (m.metadata or {}).get("event_type") == NUDGE_EVENT
    ]


async def test_a_criterion_added_after_kickoff_is_asked_about_in_its_thread(sb: Sandbox) -> None:
    sb.slack.set_channel(DEAL, is_ext_shared=True)
    poc = await create_poc(sb)
    morning = await sweep_on(sb, TUE)  # the day's one top-level nudge message
    assert morning.delivery.failed == 0
    before = len(top_level(sb))

    sb.clock.advance(hours=2)
    view = await sb.open_modal(SE, DEAL, "criteria")
    assert await sb.submit(SE, view, NEW_CRITERION) == {}
    reply = await sb.slack.wait_for(
        lambda: [m for m in sb.slack.posts(DEAL) if m.thread_ts and "New request" in str(m.blocks)]
    )
    (asked,) = reply
    criterion = sb.slack.message(DEAL, asked.thread_ts)  # type: ignore[arg-type]
    assert "Okta" in criterion.text or "Okta" in str(criterion.blocks)
    said = str(asked.blocks)
    assert "New request: SSO via Okta — shall we add it to Phase 2?" in said
    assert f"<@{SE}>" in said  # its owner, named
    assert "Scope creep" not in said
    assert {
        e["action_id"] for b in asked.blocks if b["type"] == "actions" for e in b["elements"]
    } >= {
        "scope_park",
        "scope_accept",
    }

    async def recorded() -> bool:
        rows = await sent_rows(sb.db, team_id=sb.slack.team_id, poc_id=poc.id)
        return any(r.key.startswith("scope_creep:") and r.status == "sent" for r in rows)

    await eventually(recorded)
    rows = await sent_rows(sb.db, team_id=sb.slack.team_id, poc_id=poc.id)
    (row,) = [r for r in rows if r.key.startswith("scope_creep:")]
    assert row.in_thread and row.message_ts == asked.ts

    # The afternoon's sweep and the next day's never say it again, nor at the top level.
    await sweep_on(sb, TUE, 14, 0)
    assert len(top_level(sb)) == before
    wed = await sweep_on(sb, WED)
    assert not [n for d in wed.plan for n in (*d.nudges, *d.held) if n.kind == "scope_creep"]
    assert len([m for m in sb.slack.posts(DEAL) if "New request" in str(m.blocks)]) == 1
    assert (await load(sb, poc.id)).scope_changes
