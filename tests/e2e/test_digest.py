"""A person's digest through the real server: one DM with every POC that needs them, and its
buttons work like the nudges' own (signed clicks, a modal, a snooze of the whole POC).

Monday 23 November 2026 in New York; Thanksgiving is Thursday 26th.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from bot.workspace import parse
from storage.workspace import save_settings
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import create_poc, eventually, load
from tests.e2e.life import opened_by, sweep_on

OTHER = "CDEAL2"
MON, TUE, WED = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def sections(message: Message) -> list[str]:
    """The POC ids a digest has a section for."""
    return [b["block_id"][5:] for b in message.blocks if b.get("block_id", "")[:5] == "text:"]


def buttons(message: Message, poc_id: int) -> dict[str, str]:
    """action_id -> value of the buttons under one POC's section."""
    row = next(b for b in message.blocks if b.get("block_id") == f"poc:{poc_id}")
    return {e["action_id"]: e["value"] for e in row["elements"]}


def digests(sb: Sandbox, user: str) -> list[Message]:
    return [m for m in sb.slack.posts(user) if m.metadata]


async def two_pocs(sb: Sandbox) -> tuple[Any, Any]:
    """Two POCs of the same SE and AE, in deal channels the prospect can read, neither
    executive briefed: an internal alert for each from kickoff on."""
    sb.slack.add_channel(OTHER, "deal-initech", members=(SE, AE, CHAMPION), bot_member=False)
    for channel in (DEAL, OTHER):
        sb.slack.set_channel(channel, is_ext_shared=True)
    a = await create_poc(sb, exec_briefed=[])
    b = await create_poc(sb, channel=OTHER, prospect="Initech", exec_briefed=[])
    return a, b


async def test_one_dm_a_day_with_every_poc_and_its_buttons(sb: Sandbox) -> None:
    a, b = await two_pocs(sb)
    report = await sweep_on(sb, MON)
    assert report.delivery.failed == 0
    for person in (SE, AE):
        (digest,) = digests(sb, person)
        assert sorted(sections(digest)) == sorted([str(a.id), str(b.id)])
        assert "not shown to the prospect" in str(digest.blocks)
    # The deal channels got their customer-facing nudge, not the alerts about sponsors.
    for channel in (DEAL, OTHER):
        assert "executive sponsor" not in str([m.blocks for m in sb.slack.posts(channel)])
    # A later sweep that day sends no second DM.
    await sweep_on(sb, MON, 14, 0)
    assert len(digests(sb, SE)) == len(digests(sb, AE)) == 1

    (digest,) = digests(sb, SE)
    row = buttons(digest, a.id)
    assert list(row) == ["nudge_sponsor", "nudge_snooze"]  # each action once, then the snooze
    view = await opened_by(
        sb, SE, action_id="nudge_sponsor", value=row["nudge_sponsor"], message=digest
    )
    assert view["type"] == "modal"

    await sb.client.click(SE, action_id="nudge_snooze", value=row["nudge_snooze"], message=digest)
    await eventually(lambda: _snoozed_all(sb, a.id))
    # Snoozed for the next business day: nothing about it is even due then; the other POC is.
    tue = await sweep_on(sb, TUE)
    assert {d.poc.id for d in tue.plan} == {b.id}
    # Back the day after: and two business days on, its unchanged alert is said again.
    wed = await sweep_on(sb, WED)
    assert a.id in {d.poc.id for d in wed.plan}
    assert str(a.id) in sections(digests(sb, SE)[-1])
    assert len(digests(sb, SE)) == 2


async def _snoozed_all(sb: Sandbox, poc_id: int) -> bool:
    return "*" in (await load(sb, poc_id)).snoozed_until


async def test_digest_off_in_the_workspace_sends_one_dm_per_poc(sb: Sandbox) -> None:
    # The same parse and write as `python -m bot settings set digest off` and App Home.
    name, value = parse("digest", "off")
    async with sb.db.transaction() as s:
        await save_settings(
            session=s, team_id=sb.slack.team_id, values={name: value}, by=SE, now=sb.clock.now
        )
    a, b = await two_pocs(sb)
    await sweep_on(sb, MON)
    dms = digests(sb, SE)
    assert len(dms) == 2  # one per POC, each its own message with a button row per nudge
    heads = sorted(str(m.blocks[0]) for m in dms)
    assert f"*{a.prospect}*" in heads[0] and f"*{b.prospect}*" in heads[1]
    assert all("nudge:exec_unbriefed" in str(m.blocks) for m in dms)
