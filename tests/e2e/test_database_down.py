"""The database goes away under a running bot (PostgreSQL behind tests/netfault.py).

Every command, submission, button and event is still answered 200 within Slack's 3 s, with
words the user can act on ("Nothing was saved — … try again in a minute"), and once the
database is back nothing is found half-written.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.sandbox.harness import Sandbox
from handlers.guard import NOTHING_CHANGED, NOTHING_READ, NOTHING_SAVED, settled
from handlers.payloads import first_input
from storage import models as m
from storage.db import Database
from tests.conftest import PG_SKIP, PG_URL
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE, deal_sandbox
from tests.e2e.journeys import NEW_POC, create_poc, load
from tests.netfault import FaultyLink

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP)

AGAIN = "try again in a minute"
OTHER = "COTHER"


@pytest.fixture
async def link(pg_schema: str) -> AsyncIterator[FaultyLink]:
    async with FaultyLink() as faulty:
        yield faulty


@pytest.fixture
async def sb(link: FaultyLink, pg_schema: str) -> AsyncIterator[Sandbox]:
    """The bot on PostgreSQL through the link; the link is healed before anything is checked."""
    assert PG_URL
    db = Database(link.url(PG_URL), schema=pg_schema)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    try:
        async with deal_sandbox(db) as sandbox:
            sandbox.slack.add_channel(OTHER, "deal-initech", members=(SE,))
            yield sandbox
            link.heal()
            await settled()
    finally:
        link.heal()
        await db.dispose()


async def rows(sb: Sandbox) -> dict[str, int]:
    """How many rows each table holds: what "nothing half-written" is checked against."""
    counts = {}
    async with sb.db.session() as s:
        for table in SQLModel.metadata.sorted_tables:
            counts[table.name] = int(await s.scalar(sa.select(sa.func.count()).select_from(table)))
    return counts


async def command_answer(sb: Sandbox, user_id: str, text: str) -> str:
    """`/poc <text>`: the 200 ack, then what came back through the response_url."""
    body = sb.client.command_body(user_id, DEAL, text)
    key = parse_qs(body)["response_url"][0].rsplit("/", 1)[1]
    reply = await sb.client.send(body, content_type="application/x-www-form-urlencoded")
    assert reply.status == 200, (text, reply.status, reply.text)
    if reply.text:  # answered in the ack itself
        return str(reply.json()["text"])
    answer = await sb.slack.wait_for(
        lambda: next((r for r in sb.slack.responses if r["key"] == key), None)
    )
    return str(answer["text"])


async def click_answer(sb: Sandbox, action_id: str, value: str, message: Any) -> str:
    before = len(sb.slack.ephemerals(SE))
    reply = await sb.client.click(SE, action_id=action_id, value=value, message=message)
    assert (reply.status, reply.text) == (200, ""), (action_id, reply.status, reply.text)
    told = await sb.slack.wait_for(lambda: sb.slack.ephemerals(SE)[before:])
    return told[0].text


async def test_every_request_is_answered_in_words_and_nothing_is_half_written(
    sb: Sandbox, link: FaultyLink
) -> None:
    poc = await create_poc(sb)
    views = {
        "criteria": await sb.open_modal(SE, DEAL, "criteria"),
        "checkin": await sb.open_modal(SE, DEAL, "checkin"),
        "sponsor": await sb.open_modal(SE, DEAL, "sponsor"),
        "new": await sb.open_modal(SE, OTHER, "new"),
    }
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "a nudge to click on")
    before, poc_before = await rows(sb), await load(sb, poc.id)

    link.refuse()  # the database is down: every connection is cut, new ones closed at once

    for text, expected in [
        ("criteria", NOTHING_READ),
        ("checkin", NOTHING_READ),
        ("status", NOTHING_READ),
        ("sponsor", NOTHING_READ),
        ("park SSO via Okta", NOTHING_SAVED),
        ("readout", NOTHING_SAVED),
    ]:
        assert await command_answer(sb, SE, text) == expected, text
    assert "/poc new" in await command_answer(sb, SE, "help")
    opened = len(sb.slack.opened)
    assert (await sb.command(SE, OTHER, "new")).status == 200  # needs no database: it opens
    await sb.slack.wait_for(lambda: len(sb.slack.opened) > opened)

    exec_option = next(
        o["value"]
        for b in views["sponsor"]["blocks"]
        if b.get("block_id") == "who"
        for o in b["element"]["options"]
        if o["value"].startswith("exec_sponsor:")
    )
    for name, answers in [
        ("criteria", {"use_case": str(poc.use_cases[0].id), "statement": "Loads 1 TB in 1 hour"}),
        ("checkin", {"held_on": "today", "format": "call", "summary": "x", "health": "green"}),
        ("sponsor", {"who": exec_option, "kind": "briefing", "held_on": "today"}),
        ("new", {**NEW_POC, "channel": OTHER}),
    ]:
        started = time.monotonic()
        ack = await sb.submit(SE, views[name], answers)
        assert time.monotonic() - started < 3.0
        field = first_input(views[name])
        assert ack == {"response_action": "errors", "errors": {field: NOTHING_SAVED}}, name

    for action_id, value, expected in [
        ("nudge_checkin", str(poc.id), NOTHING_READ),
        ("status_checkin", str(poc.id), NOTHING_READ),
        ("home_checkin", str(poc.id), NOTHING_READ),
        ("nudge_sponsor", str(poc.id), NOTHING_READ),
        ("status_criteria", str(poc.id), NOTHING_READ),
        ("home_status", str(poc.id), NOTHING_READ),
        ("nudge_readout", f"{poc.id}:readout_ready", NOTHING_CHANGED),
        ("nudge_milestone_done", f"{poc.id}:milestone:kickoff", NOTHING_CHANGED),
        ("nudge_snooze", f"{poc.id}:cadence", NOTHING_CHANGED),
        ("scope_park", f"{poc.id}:1", NOTHING_CHANGED),
        ("scope_accept", f"{poc.id}:1", NOTHING_CHANGED),
        ("readout_agree", str(poc.id), NOTHING_CHANGED),
        ("readout_disagree", str(poc.id), NOTHING_CHANGED),
    ]:
        assert await click_answer(sb, action_id, value, nudge) == expected, action_id

    for event in [
        {"type": "member_joined_channel", "user": sb.slack.bot_user_id, "channel": DEAL},
        {"type": "message", "channel": DEAL, "user": CHAMPION, "text": "hi", "ts": "1.000100"},
        {"type": "app_home_opened", "user": AE, "tab": "home"},
    ]:
        reply = await sb.client.event(event)
        assert reply.status == 200, event

    link.heal()
    await settled()
    assert await rows(sb) == before
    assert await load(sb, poc.id) == poc_before
    async with sb.db.session() as s:
        assert (await s.exec(sa.select(m.ParkedItem))).all() == []


async def test_a_database_that_does_not_answer_still_gets_an_ack_within_3_s(
    sb: Sandbox, link: FaultyLink
) -> None:
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "checkin")
    before = await rows(sb)

    link.partition()  # connections stay open, nothing comes back: every query hangs
    started = time.monotonic()
    ack = await sb.submit(
        SE, view, {"held_on": "today", "format": "call", "summary": "x", "health": "green"}
    )
    assert time.monotonic() - started < 3.0
    assert ack == {"response_action": "errors", "errors": {"held_on": NOTHING_SAVED}}

    link.heal()  # what was held flows again; the abandoned attempt must not write
    await settled()
    assert await rows(sb) == before
    assert (await load(sb, poc.id)).checkins == ()
