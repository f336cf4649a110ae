"""The managers' Team view in App Home, end to end on both databases: a manager (named, or in a
user group) sees every SE's POCs, anyone else only their own; 200 live POCs page by page, each
page valid, every POC reached; a filter chosen in its select."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.domain import Person, Role
from bot.sandbox.harness import Sandbox
from bot.views.team import FILTER_SE, NEXT, PREVIOUS, SWITCH
from bot.workspace import parse
from storage import workspace
from tests.blockkit import check_view
from tests.e2e.conftest import AE, OUTSIDER, SE
from tests.e2e.journeys import create_poc
from tests.e2e.life import said_privately
from tests.scheduler.seed import new_poc, seed_bulk, seed_poc

MANAGER, GROUP_MANAGER, OTHER_SE = "UMGR", "UGRPMGR", "USE2"
#: The sandbox's Monday, 23 November 2026: the seeded POCs start on it.
MON = date(2026, 11, 23)


async def set_managers(sb: Sandbox, typed: str) -> None:
    key, value = parse("managers", typed)
    async with sb.db.transaction() as s:
        await workspace.save_settings(
            session=s, team_id=sb.slack.team_id, values={key: value}, by=None, now=sb.clock.now
        )


def other_ses_poc(se: str = OTHER_SE, channel: str = "CINITECH", prospect: str = "Initech") -> Any:
    people = (Person(Role.se, user_id=se), *new_poc(start=MON, end=MON).people[1:])
    return replace(
        new_poc(channel=channel, start=MON, end=date(2026, 12, 7), prospect=prospect),
        created_by=se,
        people=people,
    )


async def home_of(sb: Sandbox, user_id: str) -> dict[str, Any]:
    sb.slack.home.pop(user_id, None)
    assert (await sb.client.open_home(user_id)).status == 200
    home = await sb.slack.wait_for(lambda: sb.slack.home.get(user_id))
    check_view(home)
    return home


async def acted(sb: Sandbox, user_id: str, home: dict[str, Any], action: dict[str, Any]) -> Any:
    """The user uses an element of their App Home (a button, a select); the home published
    in answer."""
    payload = sb.client.click_payload(user_id, action_id=action["action_id"], view=home)
    payload["actions"] = [{**payload["actions"][0], **action}]
    sb.slack.home.pop(user_id, None)
    assert (await sb.client.interact(payload)).status == 200
    published = await sb.slack.wait_for(lambda: sb.slack.home.get(user_id))
    check_view(published)
    return published


def element(home: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    return next(
        (
            e
            for b in home["blocks"]
            for e in b.get("elements", [])
            if e.get("action_id") == action_id
        ),
        None,
    )


def text(home: dict[str, Any]) -> str:
    return str(home["blocks"])


async def test_a_manager_sees_every_ses_pocs_anyone_else_only_their_own(sb: Sandbox) -> None:
    for user_id in (MANAGER, GROUP_MANAGER, OTHER_SE):
        sb.slack.add_user(user_id, user_id.lower())
    await create_poc(sb)  # Globex, Sam's
    await seed_poc(sb.db, other_ses_poc(), team_id=sb.slack.team_id)
    await seed_poc(sb.db, other_ses_poc(channel="CHOOLI", prospect="Hooli"), team_id="TOTHER")
    await said_privately(sb, SE, "close won Three-year order signed")
    await set_managers(sb, f"{MANAGER}, S0MGRS")
    sb.slack.add_usergroup("S0MGRS", [GROUP_MANAGER])

    for manager in (MANAGER, GROUP_MANAGER):
        home = await home_of(sb, manager)
        assert home["blocks"][0]["text"]["text"] == "Team POCs"
        assert "*Initech*" in text(home) and f"SE <@{OTHER_SE}>" in text(home)
        assert "*Globex*" in text(home) and "*Won*" in text(home), "closed lately, with outcome"
        assert "Hooli" not in text(home), "another workspace's POC"
    for person in (SE, OTHER_SE, OUTSIDER, AE):
        home = await home_of(sb, person)
        assert home["blocks"][0]["text"]["text"] == "Your POCs"
        assert element(home, NEXT) is None and element(home, FILTER_SE) is None
    assert "Initech" not in text(await home_of(sb, SE))
    assert "Globex" not in text(await home_of(sb, OTHER_SE))
    assert "Initech" not in text(await home_of(sb, OUTSIDER))


async def test_a_manager_switches_to_their_own_pocs_and_back(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager")
    await seed_poc(sb.db, other_ses_poc(), team_id=sb.slack.team_id)
    await set_managers(sb, MANAGER)
    home = await home_of(sb, MANAGER)
    mine = await acted(sb, MANAGER, home, {"value": "mine", "action_id": SWITCH})
    assert mine["blocks"][0]["text"]["text"] == "Your POCs" and "Initech" not in text(mine)
    back = element(mine, SWITCH)
    assert back is not None and back["text"]["text"] == "Team view"
    team = await acted(sb, MANAGER, mine, back)
    assert "*Initech*" in text(team)


async def test_someone_no_longer_a_manager_gets_their_own_pocs_whatever_they_click(
    sb: Sandbox,
) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager")
    await seed_poc(sb.db, other_ses_poc(), team_id=sb.slack.team_id)
    await set_managers(sb, MANAGER)
    home = await home_of(sb, MANAGER)
    await set_managers(sb, "default")
    after = await acted(sb, MANAGER, home, {"action_id": FILTER_SE, "selected_user": OTHER_SE})
    assert after["blocks"][0]["text"]["text"] == "Your POCs" and "Initech" not in text(after)


async def test_two_hundred_live_pocs_page_by_page(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Mo Manager")
    ses = [f"USE{i}" for i in range(7)]
    news = [
        other_ses_poc(se=ses[i % 7], channel=f"C{i:05d}", prospect=f"Prospect {i}")
        for i in range(200)
    ]
    ids = await seed_bulk(sb.db, news, team_id=sb.slack.team_id)
    await set_managers(sb, MANAGER)

    home, seen, pages = await home_of(sb, MANAGER), [], 0
    while True:
        pages += 1
        assert len(home["blocks"]) <= 100
        seen += [
            int(b["block_id"][5:]) for b in home["blocks"] if b.get("block_id", "")[5:].isdigit()
        ]
        nxt = element(home, NEXT)
        if nxt is None:
            break
        home = await acted(sb, MANAGER, home, nxt)
    assert pages == 8
    assert sorted(seen) == sorted(ids), "every POC on exactly one page"
    back = element(home, PREVIOUS)
    assert back is not None and back["value"] == "7"

    # A filter chosen in its select: that SE's 29 POCs, from the first page.
    only = await acted(sb, MANAGER, home, {"action_id": FILTER_SE, "selected_user": "USE3"})
    assert element(only, FILTER_SE)["initial_user"] == "USE3"  # type: ignore[index]
    listed = rows(only)
    nxt = element(only, NEXT)
    assert nxt is not None and nxt["value"] == "2"
    second = await acted(sb, MANAGER, only, nxt)
    assert element(second, FILTER_SE)["initial_user"] == "USE3", "the filter stays on"  # type: ignore[index]
    listed += rows(second)
    assert len(listed) == len(range(3, 200, 7)) == 29
    assert all("SE <@USE3>" in b["text"]["text"] for b in listed)


def rows(home: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in home["blocks"] if b.get("block_id", "")[5:].isdigit()]
