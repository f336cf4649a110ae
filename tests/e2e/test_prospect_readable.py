"""Who can read a channel, end to end: a channel shared with another organisation, or with a
guest or another team's member in it, never holds internal content. It is refused as the
internal channel in `/poc new`; when one becomes readable later (`channel_shared`, a guest
joining, or found by a sweep), internal alerts go by DM and our internal messages there are
deleted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import SweepReport, sweep
from tests.e2e.conftest import AE, DEAL, SE
from tests.e2e.journeys import NEW_POC, create_poc, live_poc

INTERNAL = "CINTERNAL"
GUEST, PROSPECT = "UGUEST", "UPROSPECT"


def internal_channel(sb: Sandbox, **flags: bool) -> None:
    sb.slack.add_channel(INTERNAL, "globex-internal", members=(SE, AE), is_private=True, **flags)


def with_guest(sb: Sandbox) -> None:
    sb.slack.add_guest(GUEST, "Gail Guest")
    internal_channel(sb)
    sb.slack.channels[INTERNAL].members.add(GUEST)


def with_single_channel_guest(sb: Sandbox) -> None:
    sb.slack.add_guest(GUEST, "Gail Guest", single_channel=True)
    internal_channel(sb)
    sb.slack.channels[INTERNAL].members.add(GUEST)


def with_another_team(sb: Sandbox) -> None:
    sb.slack.add_outsider(PROSPECT, "Pat Prospect")
    internal_channel(sb)
    sb.slack.channels[INTERNAL].members.add(PROSPECT)


READABLE: dict[str, Callable[[Sandbox], None]] = {
    "slack connect": lambda sb: internal_channel(sb, is_ext_shared=True),
    "a guest": with_guest,
    "a single-channel guest": with_single_channel_guest,
    "a member of another team": with_another_team,
}


@pytest.mark.parametrize("how", sorted(READABLE))
async def test_a_readable_internal_channel_is_refused_in_the_form(sb: Sandbox, how: str) -> None:
    READABLE[how](sb)
    view = await sb.open_modal(SE, DEAL, "new")
    ack = await sb.submit(SE, view, {**NEW_POC, "internal_channel": INTERNAL})
    assert ack["response_action"] == "errors"
    assert "The prospect can read this channel" in ack["errors"]["internal_channel"]
    assert await live_poc(sb) is None
    assert sb.slack.posts(INTERNAL) == []


async def test_a_private_internal_channel_gets_the_verdict(sb: Sandbox) -> None:
    internal_channel(sb)
    poc = await create_poc(sb, internal_channel=INTERNAL)
    assert poc.internal_channel_id == INTERNAL
    assert "GO" in sb.slack.posts(INTERNAL)[0].text.upper()
    assert sb.slack.posts(SE) == []


async def sweep_at(sb: Sandbox) -> SweepReport:
    delivery = Delivery(sb.db, pacer=Pacer(0))
    return await sweep(sb.db, sb.sweep_client, sb.clock.now, delivery=delivery)


async def sponsor_note(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "sponsor")
    who = next(
        o["value"]
        for b in view["blocks"]
        if b.get("block_id") == "who"
        for o in b["element"]["options"]
        if o["value"].startswith("business_sponsor:")
    )
    answers = {"who": who, "kind": "call", "held_on": "today", "outcome": "Budget is real"}
    assert await sb.submit(SE, view, answers) == {}


def internal_alerts(messages: list[Message]) -> list[Message]:
    return [m for m in messages if "executive sponsor" in str(m.blocks)]


async def shared_event(sb: Sandbox) -> None:
    sb.slack.set_channel(INTERNAL, is_ext_shared=True)
    event = {"type": "channel_shared", "channel": INTERNAL, "connected_team_id": "TPROSPECT"}
    assert (await sb.client.event(event)).status == 200


async def guest_joins(sb: Sandbox) -> None:
    sb.slack.add_guest(GUEST, "Gail Guest")
    sb.slack.channels[INTERNAL].members.add(GUEST)
    event = {"type": "member_joined_channel", "user": GUEST, "channel": INTERNAL}
    assert (await sb.client.event(event)).status == 200


async def found_by_a_sweep(sb: Sandbox) -> None:
    """Nobody tells the bot: another team's member is simply in the channel at the next sweep."""
    sb.slack.add_outsider(PROSPECT, "Pat Prospect")
    sb.slack.channels[INTERNAL].members.add(PROSPECT)
    # Who can read it is asked before an alert goes there: two business days on (the
    # back-off), when the unchanged alert is due again.
    sb.clock.advance(days=2)
    await sweep_at(sb)


BECOMES_READABLE: dict[str, Callable[[Sandbox], Awaitable[None]]] = {
    "channel_shared": shared_event,
    "a guest joins": guest_joins,
    "a sweep finds another team's member": found_by_a_sweep,
}


@pytest.mark.parametrize("how", sorted(BECOMES_READABLE))
async def test_an_internal_channel_that_becomes_readable_is_emptied_and_retired(
    sb: Sandbox, how: str
) -> None:
    internal_channel(sb)
    sb.clock.advance(minutes=5)  # 09:05: the sweep's hour
    await create_poc(sb, internal_channel=INTERNAL, exec_briefed=[])
    await sponsor_note(sb)
    await sb.slack.wait_for(lambda: len(sb.slack.posts(INTERNAL)) == 2)
    report = await sweep_at(sb)
    assert report.delivery.sent >= 2
    before = sb.slack.posts(INTERNAL)
    assert len(before) == 3  # the verdict, the sponsor note and the day's internal alert
    assert internal_alerts(before)

    await BECOMES_READABLE[how](sb)
    await sb.slack.wait_for(lambda: sb.slack.posts(INTERNAL) == [], within=10)
    deleted = {c.args["ts"] for c in sb.slack.calls_to("chat.delete")}
    assert deleted == {m.ts for m in before}
    notice = await sb.slack.wait_for(
        lambda: [m for m in sb.slack.posts(SE) if "can now read" in m.text]
    )
    assert len(notice) == 1 and "3 internal messages" in notice[0].text

    # From now on: the alerts and notes by DM, nothing in the readable channel (the unchanged
    # alert two business days on: the back-off).
    sb.clock.advance(days=2)
    await sweep_at(sb)
    await sponsor_note(sb)
    await sb.slack.wait_for(lambda: any("Sponsor" in str(m.blocks) for m in sb.slack.posts(AE)))
    assert sb.slack.posts(INTERNAL) == []
    assert internal_alerts(sb.slack.posts(SE)) and internal_alerts(sb.slack.posts(AE))
    # Nothing is deleted twice, and the SE is told once.
    await shared_event(sb)
    assert len(sb.slack.calls_to("chat.delete")) == len(deleted)
    assert len([m for m in sb.slack.posts(SE) if "can now read" in m.text]) == 1


async def test_a_deal_channel_shared_later_loses_only_its_internal_alerts(sb: Sandbox) -> None:
    sb.clock.advance(minutes=5)
    await create_poc(sb, exec_briefed=[])
    await sweep_at(sb)
    # Nobody outside the company is in the deal channel yet: the alert went there.
    assert internal_alerts(sb.slack.posts(DEAL))
    kickoff = sb.slack.posts(DEAL)[0]

    sb.slack.set_channel(DEAL, is_ext_shared=True)
    event = {"type": "channel_shared", "channel": DEAL, "connected_team_id": "TPROSPECT"}
    assert (await sb.client.event(event)).status == 200
    await sb.slack.wait_for(lambda: not internal_alerts(sb.slack.posts(DEAL)))
    assert sb.slack.posts(DEAL)[0] is kickoff  # what the prospect may read stays

    sb.clock.advance(days=1)
    await sweep_at(sb)
    assert not internal_alerts(sb.slack.posts(DEAL))
    assert internal_alerts(sb.slack.posts(SE))
