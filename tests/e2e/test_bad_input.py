"""Bad input stays harmless, end to end on both databases: long names in option values, NUL
bytes and over-long text in real submissions, user text echoed back inert.

Slack's modals stop over-long text (max_length) in its clients, but a submission is whatever
a client sends; these send it as Slack would carry it and check what was stored and shown.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Role
from bot.sandbox.harness import Sandbox
from storage import models as m
from tests.blockkit import assert_inert, check_view
from tests.e2e.conftest import DEAL, SE
from tests.e2e.journeys import create_poc, eventually, load

#: 180 characters: as an option value with its role prefix it was over Slack's 150.
LONG_NAME = ("Dr. Maximiliana Featherstonehaugh-Cholmondeley, " * 4)[:180]
NUL = "\x00"
HOSTILE = "<!channel> <@U123> & <http://x|y>"


def limit(column: Any) -> int:
    return int(column.type.limit)


def who_options(view: dict[str, Any]) -> dict[str, str]:
    (who,) = [b for b in view["blocks"] if b.get("block_id") == "who"]
    return {o["text"]["text"]: o["value"] for o in who["element"]["options"]}


async def test_a_sponsor_with_a_180_character_name(sb: Sandbox) -> None:
    poc = await create_poc(sb, exec_sponsor=LONG_NAME, business_sponsor="Bea Business")
    view = await sb.open_modal(SE, DEAL, "sponsor")
    check_view(view)  # what Slack would refuse (a value over 150) fails here
    options = who_options(view)
    assert all(len(v) <= 150 for v in options.values())
    value = next(v for label, v in options.items() if label.startswith("Executive sponsor"))
    assert LONG_NAME[:40] not in value, "a key, not the name"

    answers = {"who": value, "kind": "meeting", "held_on": "today", "outcome": "Budget is set"}
    assert await sb.submit(SE, view, answers) == {}
    (engagement,) = (await load(sb, poc.id)).engagements
    assert (engagement.who, engagement.role) == (LONG_NAME, Role.exec_sponsor)


async def test_the_nudge_button_opens_the_same_modal(sb: Sandbox) -> None:
    """[Log sponsor engagement] on a stalled-sponsor nudge opened the same select."""
    poc = await create_poc(sb, exec_sponsor=LONG_NAME)
    before = len(sb.slack.opened)
    reply = await sb.client.click(SE, action_id="nudge_sponsor", value=f"{poc.id}:sponsor_stalled")
    assert reply.status == 200
    view = await sb.slack.wait_for(lambda: sb.slack.opened[before:])
    check_view(view[0])
    assert any(label.startswith("Executive sponsor") for label in who_options(view[0]))


async def test_nul_and_over_long_text_in_a_new_poc_is_stored_clipped(sb: Sandbox) -> None:
    prospect = f"Glo{NUL}bex " + "Industries " * 40  # 400+ characters
    pain = f"Nightly ETL{NUL} misses the SLA. " * 200  # 6,000+ characters
    sponsor = f"Bea{NUL} " + "B" * 400
    poc = await create_poc(sb, prospect=prospect, pain=pain, business_sponsor=sponsor)

    stored = await load(sb, poc.id)
    assert NUL not in stored.prospect + stored.pain
    assert len(stored.prospect) == limit(m.Poc.__table__.c.prospect)
    assert stored.prospect.startswith("Globex Industries") and stored.prospect.endswith("…")
    assert len(stored.pain) == limit(m.Poc.__table__.c.pain)
    (business,) = stored.people(Role.business_sponsor)
    assert business.name is not None and NUL not in business.name
    assert len(business.name) == limit(m.Stakeholder.__table__.c.name)
    assert "Globex Industries" in sb.slack.posts(DEAL)[0].text


async def test_nul_and_over_long_text_in_a_criterion_is_stored_clipped(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "criteria")
    statement = f"Ingests 500 GB{NUL} of JSON within 1 hour " + "without dropping records " * 100
    answers = {
        "use_case": "new",
        "new_use_case": f"Audit{NUL} export " + "E" * 1000,
        "statement": statement,
        "method": f"Timed{NUL} " + "t" * 3000,
        "save_anyway": ["yes"],
    }
    assert await sb.submit(SE, view, answers) == {}

    async def stored() -> Any:
        found = (await load(sb, poc.id)).criteria
        return found[0] if found else None

    criterion = await eventually(stored)
    assert NUL not in criterion.statement + criterion.method
    assert len(criterion.statement) == limit(m.Criterion.__table__.c.statement)
    assert len(criterion.method) == limit(m.Criterion.__table__.c.method)
    title = (await load(sb, poc.id)).use_cases[-1].title
    assert title.startswith("Audit export") and len(title) == limit(m.UseCase.__table__.c.title)


async def test_nul_and_over_long_text_parked_is_stored_clipped(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    before = len(sb.slack.posts(DEAL))
    reply = await sb.command(SE, DEAL, f"park SSO{NUL} via Okta {HOSTILE} " + "and more " * 400)
    assert reply.status == 200
    posted = await sb.next_post(DEAL, after=before)
    assert_inert([posted], "<!channel>", "<@U123>", "<http://x|y>")
    (item,) = (await load(sb, poc.id)).parked
    assert item.text.startswith("SSO via Okta") and NUL not in item.text
    assert len(item.text) <= limit(m.ParkedItem.__table__.c.text)


async def test_a_checkin_with_nul_bytes_is_logged(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "checkin")
    answers = {
        "held_on": "today",
        "format": "call",
        "summary": f"Ingest{NUL} at 410 GB/h " + "s" * 5000,
        "blockers": f"{NUL}{HOSTILE}",
        "health": "green",
    }
    assert await sb.submit(SE, view, answers) == {}
    (checkin,) = (await load(sb, poc.id)).checkins
    assert checkin.summary.startswith("Ingest at 410 GB/h")
    assert len(checkin.summary) == limit(m.Checkin.__table__.c.summary)
    assert checkin.blockers == HOSTILE
    assert_inert(sb.slack.posts(DEAL), "<!channel>", "<@U123>", "<http://x|y>")


async def test_an_unknown_subcommand_is_echoed_inert(sb: Sandbox) -> None:
    for typed, shown in [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("&", "&amp;"),
        ("<http://x|y>", "&lt;http://x|y&gt;"),
    ]:
        reply = await sb.command(SE, DEAL, f"{typed} please")
        assert reply.status == 200
        answer = reply.json()
        for text in (answer["text"], str(answer["blocks"])):
            assert shown in text, text
            assert "<" not in typed or typed not in text, text
