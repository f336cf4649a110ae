"""Steps many end-to-end tests share, taken exactly as a person in Slack takes them."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from bot.domain import Poc
from bot.sandbox.harness import Sandbox
from storage import snapshots
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE

T = TypeVar("T")

NEW_POC = {
    "prospect": "Globex",
    "channel": DEAL,
    "pain": "Their nightly ETL misses the 6am SLA three times a month",
    "start": "today",
    "end": "in 2 weeks",
    "use_cases": "Ingest 500 GB of JSON logs\nDeploy via the CI/CD integration",
    "champion": CHAMPION,
    "business_sponsor": "Bea Business, Head of Data",
    "exec_sponsor": "Erin Exec, VP Engineering",
    "exec_briefed": ["yes"],
    "ae": AE,
    "budget": "yes",
    "skin": "collaborative",
    "cadence": "weekly",
}


async def load(sb: Sandbox, poc_id: int) -> Poc:
    async with sb.db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id=sb.slack.team_id, poc_id=poc_id)
    assert poc is not None
    return poc


async def live_poc(sb: Sandbox, channel_id: str = DEAL) -> Poc | None:
    async with sb.db.session() as s:
        row = await snapshots.live_poc_for_channel(
            session=s, team_id=sb.slack.team_id, channel_id=channel_id
        )
    return None if row is None or row.id is None else await load(sb, row.id)


async def create_poc(sb: Sandbox, *, by: str = SE, **answers: Any) -> Poc:
    """/poc new, fill in the modal, submit; returns the POC once its kickoff is posted."""
    channel = answers.get("channel", DEAL)
    view = await sb.open_modal(by, channel, "new")
    ack = await sb.submit(by, view, {**NEW_POC, **answers})
    assert ack == {}, ack
    await sb.slack.wait_for(lambda: sb.slack.posts(channel))
    # The go/no-go verdict is the last thing the flow posts.
    verdict_to = answers.get("internal_channel") or by
    await sb.slack.wait_for(lambda: sb.slack.posts(verdict_to))
    found = await live_poc(sb, channel)
    assert found is not None
    return found


async def eventually(probe: Callable[[], Awaitable[T]], *, within: float = 5.0) -> T:
    """Re-check an async condition until it holds (work done after the ack, such as storing
    a posted message's ts, leaves no Slack call to wait on). Fails loudly on timeout."""
    deadline = asyncio.get_running_loop().time() + within
    while not (value := await probe()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.01)
    return value


FORM = "application/x-www-form-urlencoded"


async def replayed(
    sb: Sandbox, body: str, *, content_type: str = FORM, times: int = 2
) -> list[Any]:
    """Send one signed request `times` over, byte for byte with the same signature, as a
    replay of a captured request within Slack's five-minute window would."""
    at = int(time.time())
    return [
        await sb.client.send(body, content_type=content_type, timestamp=at) for _ in range(times)
    ]


def interaction(payload: dict[str, Any]) -> str:
    """The form body Slack posts for a click or a submission."""
    return urlencode({"payload": json.dumps(payload)})
