"""bot.views.team: the managers' Team view — every POC on some page, every page within Slack's
limits, the filters shown as chosen, the state carried from one click to the next."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.domain import Role, Stakeholder, Status
from bot.rules import TeamFilter
from bot.views import team
from bot.views.settings import settings_blocks
from bot.views.team import (
    CLEAR,
    FILTER_AE,
    FILTER_HEALTH,
    FILTER_SE,
    MINE,
    NEXT,
    PAGE_SIZE,
    PREVIOUS,
    SWITCH,
    TEAM,
    TeamState,
    after_action,
    read_state,
    state_metadata,
    team_view,
)
from tests.views.checks import assert_escaped, check_view, elements, mrkdwn_texts
from tests.views.factories import AE, EVIL, NOW, make_poc
from tests.views.test_limits import busy_workspace

SES = [f"USE{i}" for i in range(8)]


def portfolio(live: int = 200, closed: int = 30) -> list[Any]:
    """`live` POCs of eight SEs, and `closed` closed in the last month."""
    pocs = []
    for i in range(live):
        people = (Stakeholder(Role.se, user_id=SES[i % 8]), AE, *make_poc().stakeholders[2:])
        pocs.append(make_poc(id=1000 + i, prospect=f"Prospect {i}", stakeholders=people))
    for i in range(closed):
        pocs.append(
            make_poc(
                id=5000 + i,
                prospect=f"Closed {i}",
                status=(Status.won, Status.lost, Status.no_decision)[i % 3],
                closed_at=NOW - timedelta(days=1 + i),
                kickoff_verdict="GO",
            )
        )
    return pocs


def rows(view: dict[str, Any]) -> list[int]:
    """The POC ids a page lists, in order."""
    ids = (b.get("block_id", "") for b in view["blocks"])
    return [int(i.removeprefix("team:")) for i in ids if i.removeprefix("team:").isdigit()]


def pages(pocs: list[Any]) -> list[dict[str, Any]]:
    """Every page, reached as a manager reaches it: [Next] from the first."""
    state, found = TeamState(), []
    while True:
        view = team_view(
            pocs, NOW, state=state, tail=settings_blocks(busy_workspace(), deployment_hour=9)
        )
        found.append(view)
        nxt = [e for e in elements(view["blocks"]) if e["action_id"] == NEXT]
        if not nxt:
            return found
        state = after_action(read_state(view["private_metadata"]), nxt[0])


def test_two_hundred_live_pocs_every_page_valid_and_every_poc_reachable() -> None:
    pocs = portfolio()
    seen = []
    views = pages(pocs)
    for view in views:
        check_view(view)
        assert len(view["blocks"]) <= 100
        assert len(rows(view)) <= PAGE_SIZE
        seen += rows(view)
    assert len(views) == -(-230 // PAGE_SIZE) == 10
    assert sorted(seen) == sorted(p.id for p in pocs), "each POC on exactly one page"
    assert seen[-30:] == [5000 + i for i in range(30)], "the closed ones last, newest first"
    last = "\n".join(mrkdwn_texts(views[-1]["blocks"]))
    assert "Page 10 of 10 · POCs 226–230 of 230" in last


def test_previous_goes_back_and_a_page_past_the_end_shows_the_last() -> None:
    pocs = portfolio()
    second = team_view(pocs, NOW, state=TeamState(page=2))
    back = next(e for e in elements(second["blocks"]) if e["action_id"] == PREVIOUS)
    assert back["value"] == "1"
    first = team_view(pocs, NOW, state=after_action(TeamState(page=2), back))
    assert rows(first) == rows(team_view(pocs, NOW, state=TeamState()))
    assert not any(e["action_id"] == PREVIOUS for e in elements(first["blocks"]))
    beyond = team_view(pocs, NOW, state=TeamState(page=99))
    assert json.loads(beyond["private_metadata"])["page"] == 10
    assert rows(beyond) == rows(pages(pocs)[-1])


def test_a_page_that_starts_inside_a_section_says_continued() -> None:
    view = team_view(portfolio(), NOW, state=TeamState(page=2))
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == ["Team POCs", "Live POCs (continued)"]
    pocs = portfolio(live=190)  # page 8: live 176–190, then closed 191–200
    both = team_view(pocs, NOW, state=TeamState(page=8))
    headers = [b["text"]["text"] for b in both["blocks"] if b["type"] == "header"]
    assert headers == ["Team POCs", "Live POCs (continued)", "Closed in the last 90 days"]
    closed = team_view(pocs, NOW, state=TeamState(page=9))
    headers = [b["text"]["text"] for b in closed["blocks"] if b["type"] == "header"]
    assert headers == ["Team POCs", "Closed in the last 90 days (continued)"]


def test_filtering_by_se_keeps_theirs_live_and_closed() -> None:
    pocs = portfolio(live=40, closed=3)
    view = team_view(pocs, NOW, state=TeamState(filter=TeamFilter(se="USE3")))
    check_view(view)
    assert rows(view) == [1003, 1011, 1019, 1027, 1035]  # the closed ones' SE is USE
    select = next(e for e in elements(view["blocks"]) if e["action_id"] == FILTER_SE)
    assert select["initial_user"] == "USE3"
    assert (
        "filtered by SE <@USE3>: 5 live and 0 closed match"
        in view["blocks"][2]["elements"][0]["text"]
    )
    assert any(e["action_id"] == CLEAR for e in elements(view["blocks"]))


def test_a_health_filter_shows_its_choice_and_no_closed_poc() -> None:
    pocs = [*portfolio(live=3, closed=2), make_poc(id=9, status=Status.paused)]
    view = team_view(pocs, NOW, state=TeamState(filter=TeamFilter(standing="paused")))
    check_view(view)
    assert rows(view) == [9]
    health = next(e for e in elements(view["blocks"]) if e["action_id"] == FILTER_HEALTH)
    assert health["initial_option"]["value"] == "paused"


def test_nothing_matches_and_an_empty_team_say_so() -> None:
    view = team_view(
        portfolio(live=3, closed=0), NOW, state=TeamState(filter=TeamFilter(ae="UNOBODY"))
    )
    check_view(view)
    assert "No POC matches these filters" in "\n".join(mrkdwn_texts(view["blocks"]))
    empty = team_view([], NOW, state=TeamState())
    check_view(empty)
    assert "`/poc new`" in "\n".join(mrkdwn_texts(empty["blocks"]))


def test_a_live_row_says_all_a_manager_needs() -> None:
    view = team_view([make_poc()], NOW, state=TeamState())
    text = "\n".join(mrkdwn_texts(view["blocks"]))
    for words in (
        "*Acme Corp* in <#CDEAL> · SE <@USE> · AE <@UAE>",
        "11 days left",
        "🟢 GO",
        "✅ 3 ❌ 1 ⏳ 2",
        "sponsor: met 6 days ago, 2 in 14 days ↗",
        "next: Final read-out Fri 27 Mar",
        "last check-in Fri 13 Mar 🟡",
    ):
        assert words in text, words


def test_a_closed_row_says_its_outcome_and_kickoff_verdict() -> None:
    closed = make_poc(
        status=Status.lost, closed_at=NOW - timedelta(days=2), kickoff_verdict="AT RISK"
    )
    text = "\n".join(mrkdwn_texts(team_view([closed], NOW, state=TeamState())["blocks"]))
    assert "*Lost* Sat 14 Mar" in text and "kickoff verdict 🟠 AT RISK" in text
    assert "✅ 3 of 6 criteria passed" in text


def test_what_people_typed_stays_inert() -> None:
    view = team_view([make_poc(prospect=EVIL)], NOW, state=TeamState())
    assert_escaped(view["blocks"])


def test_the_state_round_trips_and_garbage_reads_as_the_first_page() -> None:
    state = TeamState(mode=MINE, page=3, filter=TeamFilter("USE1", "UAE", "red"))
    assert read_state(state_metadata(state)) == state
    for junk in (None, "", "{", "[]", '{"page": "x"}', '{"se": "<!channel>", "health": "blue"}'):
        assert read_state(junk).page == 1
    assert read_state('{"se": "<!channel>", "health": "blue"}').filter == TeamFilter()


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"action_id": NEXT, "value": "4"}, TeamState(page=4, filter=TeamFilter(se="USE1"))),
        ({"action_id": NEXT, "value": "x"}, TeamState(page=2, filter=TeamFilter(se="USE1"))),
        (
            {"action_id": FILTER_SE, "selected_user": "USE2"},
            TeamState(filter=TeamFilter(se="USE2")),
        ),
        (
            {"action_id": FILTER_AE, "selected_user": "UAE"},
            TeamState(filter=TeamFilter(se="USE1", ae="UAE")),
        ),
        (
            {"action_id": FILTER_HEALTH, "selected_option": {"value": "red"}},
            TeamState(filter=TeamFilter(se="USE1", standing="red")),
        ),
        (
            {"action_id": FILTER_HEALTH, "selected_option": {"value": "any"}},
            TeamState(filter=TeamFilter(se="USE1")),
        ),
        ({"action_id": CLEAR, "value": "clear"}, TeamState()),
        ({"action_id": SWITCH, "value": MINE}, TeamState(mode=MINE, filter=TeamFilter(se="USE1"))),
        ({"action_id": "something_else"}, TeamState(page=2, filter=TeamFilter(se="USE1"))),
    ],
)
def test_each_element_changes_the_state(action: dict[str, Any], expected: TeamState) -> None:
    assert after_action(TeamState(page=2, filter=TeamFilter(se="USE1")), action) == expected


def test_the_switch_back_to_the_team() -> None:
    block = team.switch_block(MINE)
    assert [(e["text"]["text"], e["value"]) for e in block["elements"]] == [("Team view", TEAM)]


def test_paused_and_unstaffed_pocs_read_plainly() -> None:
    paused = make_poc(status=Status.paused, paused_at=NOW - timedelta(days=3))
    alone = replace(make_poc(id=8), stakeholders=())
    text = "\n".join(mrkdwn_texts(team_view([paused, alone], NOW, state=TeamState())["blocks"]))
    assert "⏸ paused since Fri 13 Mar" in text
    assert "SE _none_ · AE _none_" in text
