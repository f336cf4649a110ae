"""Steps the life-cycle tests share: the clock at a local hour, a day's sweep, a POC signed
off the way people sign it off, a person's private answer to a command.

The tests run in March 2027: no public holiday in the United States, so the business days
counted here hold whatever holidays the POC's country brings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from bot.domain import Poc
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from handlers.guard import settled
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import SweepReport, sweep
from tests.e2e.conftest import CHAMPION, DEAL, SE
from tests.e2e.journeys import FORM, create_poc, eventually, load

NY = ZoneInfo("America/New_York")
MON = date(2027, 3, 1)  # a Monday: the POCs here start on it
PROSPECT_TEAM = "TGLOBEX"  # the champion's own workspace, across Slack Connect


def local(day: date, hour: int = 9, minute: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute), NY).astimezone(UTC)


def weekdays(start: date, count: int) -> list[date]:
    """`count` weekdays from `start` on (March 2027 has no public holiday)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


async def poc_on(sb: Sandbox, start: date = MON, **answers: Any) -> Poc:
    """A POC created at 09:00 on `start`, starting that day and ending two weeks later."""
    sb.clock.set(local(start, 9, 0))
    return await create_poc(sb, **answers)


async def sweep_on(sb: Sandbox, day: date, hour: int = 9, minute: int = 5) -> SweepReport:
    """The clock's sweep at that local time, as the clock runs it (no pacing waits)."""
    sb.clock.set(local(day, hour, minute))
    delivery = Delivery(sb.db, channels=sb.deps.channels, pacer=Pacer(0))
    return await sweep(sb.db, sb.sweep_client, sb.clock.now, delivery=delivery)


async def react(sb: Sandbox, user_id: str, name: str, message: Message) -> None:
    """A reaction at the bot's own clock (the signed request carries the real time: Slack's
    signatures expire; the event's time is when it happened in the story)."""
    sb.slack.react(message.channel, message.ts, user_id, name)
    event = {
        "type": "reaction_added",
        "user": user_id,
        "reaction": name,
        "item_user": message.user,
        "item": {"type": "message", "channel": message.channel, "ts": message.ts},
        "event_ts": f"{sb.clock.timestamp():.6f}",
    }
    assert (await sb.client.event(event)).status == 200


def nudge_keys(message: Message) -> list[str]:
    return [
        b["block_id"].split(":", 1)[1]
        for b in message.blocks
        if b.get("block_id", "").startswith("nudge:")
    ]


def everything(sb: Sandbox) -> list[Message]:
    """Every message the bot has posted anywhere (channels, DMs, ephemerals)."""
    return sb.slack.posts(ephemeral=None)


async def said_privately(
    sb: Sandbox, user_id: str, text: str, *, team_id: str | None = None, channel: str = DEAL
) -> str:
    """`/poc <text>` as `user_id` (from `team_id`'s workspace): what they are told privately."""
    fields = {k: v[0] for k, v in parse_qs(sb.client.command_body(user_id, channel, text)).items()}
    if team_id:
        fields["team_id"] = team_id
    reply = await sb.client.send(urlencode(fields), content_type=FORM)
    assert reply.status == 200
    if reply.text:
        return str(reply.json()["text"])
    key = fields["response_url"].rsplit("/", 1)[1]
    said = await sb.slack.wait_for(
        lambda: next((r for r in sb.slack.responses if r["key"] == key), None)
    )
    return str(said["text"])


async def response_to(sb: Sandbox, user_id: str, text: str) -> dict[str, Any]:
    """`/poc <text>` as `user_id`: the private response, whole (text and blocks)."""
    before = len(sb.slack.responses)
    reply = await sb.command(user_id, DEAL, text)
    assert reply.status == 200, reply.text
    if reply.text:
        return dict(reply.json())
    found = await sb.slack.wait_for(lambda: sb.slack.responses[before:])
    return dict(found[0])


async def opened_by(sb: Sandbox, user_id: str, *, action_id: str, value: str, **where: Any) -> Any:
    """The modal a click opens."""
    before = len(sb.slack.opened)
    await sb.client.click(user_id, action_id=action_id, value=value, **where)
    (view,) = await sb.slack.wait_for(lambda: sb.slack.opened[before:])
    return view


def option_of(view: dict[str, Any], block_id: str, starts: str) -> str:
    """The value of the first option of select `block_id` that starts with `starts`."""
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return next(o["value"] for o in block["element"]["options"] if o["value"].startswith(starts))


async def signed_off(sb: Sandbox, poc: Poc) -> Message:
    """The read-out posted, the champion agreeing and the SE recording the executive's
    agreement given in the meeting: signed off. Returns the read-out message."""
    before = len(sb.slack.posts(DEAL))
    await sb.command(SE, DEAL, "readout")
    readout = await sb.next_post(DEAL, after=before)
    await sb.client.click(CHAMPION, action_id="readout_agree", value=str(poc.id), message=readout)
    await sb.next_post(DEAL, after=before + 1)
    view = await opened_by(sb, SE, action_id="readout_agree", value=str(poc.id), message=readout)
    who = option_of(view, "who", "exec_sponsor:")
    assert await sb.submit(SE, view, {"who": who, "held_on": "today"}) == {}
    await eventually(lambda: _signed(sb, poc.id))
    await settled()
    return readout


async def _signed(sb: Sandbox, poc_id: int) -> bool:
    return (await load(sb, poc_id)).signed_off_at is not None
