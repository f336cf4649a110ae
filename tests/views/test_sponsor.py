"""bot.views.sponsor: the engagement modal, reading it, and the internal note it posts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.domain import EngagementKind, Role, Stakeholder
from bot.views.checkin import FUTURE
from bot.views.sponsor import (
    CALLBACK,
    GONE_SPONSOR,
    EngagementInput,
    engagement_blocks,
    engagement_text,
    name_key,
    read_engagement,
    sponsor_modal,
)
from tests.views.checks import (
    assert_escaped,
    check_blocks,
    check_view,
    input_ids,
    mrkdwn_texts,
    selected,
    state,
    text_value,
)
from tests.views.factories import AE, EVIL, EVIL_ESCAPED, NOW, SE, make_poc


def values(**overrides: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    base: dict[str, dict[str, Any]] = {
        "who": selected("exec_sponsor:UEXEC"),
        "kind": selected("briefing"),
        "held_on": text_value("yesterday"),
        "outcome": text_value("Confirmed budget for Q2."),
    }
    return state(**{**base, **overrides})


def make_input(**changes: Any) -> EngagementInput:
    base: dict[str, Any] = {
        "who": "UEXEC",
        "role": Role.exec_sponsor,
        "kind": EngagementKind.meeting,
        "held_on": date(2026, 3, 13),
        "outcome": "Wants the read-out on the 27th.",
    }
    return EngagementInput(**{**base, **changes})


# ---------------------------------------------------------------- the modal


def test_modal_contract() -> None:
    poc = make_poc()
    view = sponsor_modal(poc)
    check_view(view)
    assert view["callback_id"] == CALLBACK == "poc_sponsor"
    assert json.loads(view["private_metadata"]) == {"poc_id": poc.id}
    inputs = input_ids(view)
    assert list(inputs) == ["who", "kind", "held_on", "outcome"]

    who = inputs["who"]["element"]
    assert who["type"] == "static_select"
    options = {o["value"]: o["text"]["text"] for o in who["options"]}
    # exec (in Slack, no name), business sponsor (a name, outside Slack), champion (both);
    # the value is a short key (a user id, or a key of the name), never the name itself.
    sam = f"business_sponsor:{name_key('Sam Ortiz')}"
    assert set(options) == {"exec_sponsor:UEXEC", sam, "champion:UCHAMP"}
    assert options["exec_sponsor:UEXEC"].startswith("Executive sponsor")
    assert "UEXEC" not in options["exec_sponsor:UEXEC"]  # plain text can't mention: no raw id
    assert "Sam Ortiz" in options[sam] and "Sam" not in sam
    assert "Dana Li" in options["champion:UCHAMP"]

    kind = inputs["kind"]["element"]
    assert [o["value"] for o in kind["options"]] == [
        "briefing",
        "meeting",
        "call",
        "email",
        "message",
    ]
    assert inputs["held_on"]["element"]["initial_value"] == "today"
    outcome = inputs["outcome"]
    assert outcome["optional"] is True
    assert outcome["element"]["multiline"] is True and outcome["element"]["max_length"] == 1000


def test_without_sponsors_who_is_typed() -> None:
    view = sponsor_modal(make_poc(stakeholders=(SE, AE)))
    check_view(view)
    who = input_ids(view)["who"]
    assert who["element"]["type"] == "plain_text_input"
    assert who["optional"] is False


def test_many_sponsors_fit_in_a_select() -> None:
    crowd = tuple(Stakeholder(Role.champion, name=f"Person {i}") for i in range(150))
    view = sponsor_modal(make_poc(stakeholders=(SE, *crowd)))
    check_view(view)
    assert len(input_ids(view)["who"]["element"]["options"]) <= 100


def test_modal_escapes_the_prospect() -> None:
    view = sponsor_modal(make_poc(prospect=EVIL))
    check_view(view)
    assert_escaped(view["blocks"])


# ---------------------------------------------------------------- reading the state


def test_read_a_picked_sponsor() -> None:
    engagement, errors = read_engagement(values(), now=NOW, tz="UTC", poc=make_poc())
    assert errors == {}
    assert engagement == EngagementInput(
        who="UEXEC",
        role=Role.exec_sponsor,
        kind=EngagementKind.briefing,
        held_on=date(2026, 3, 15),
        outcome="Confirmed budget for Q2.",
    )


def test_read_a_sponsor_outside_slack_and_no_outcome() -> None:
    engagement, errors = read_engagement(
        values(who=selected(f"business_sponsor:{name_key('Sam Ortiz')}"), outcome=text_value(None)),
        now=NOW,
        tz="UTC",
        poc=make_poc(),
    )
    assert errors == {}
    assert engagement is not None
    assert (engagement.who, engagement.role) == ("Sam Ortiz", Role.business_sponsor)
    assert engagement.outcome == ""


def test_read_a_typed_name() -> None:
    engagement, errors = read_engagement(
        values(who=text_value("Vic Reyes, CFO")), now=NOW, tz="UTC", poc=make_poc()
    )
    assert errors == {}
    assert engagement is not None
    assert engagement.who == "Vic Reyes, CFO"
    assert engagement.role == Role.exec_sponsor


def test_garbage_date() -> None:
    engagement, errors = read_engagement(
        values(held_on=text_value("the 45th")), now=NOW, tz="UTC", poc=make_poc()
    )
    assert engagement is None
    assert list(errors) == ["held_on"]
    assert "the 45th" in errors["held_on"]


@pytest.mark.parametrize("typed", ["tomorrow", "in 2 weeks"])
def test_future_date(typed: str) -> None:
    engagement, errors = read_engagement(
        values(held_on=text_value(typed)), now=NOW, tz="UTC", poc=make_poc()
    )
    assert engagement is None
    assert errors == {"held_on": FUTURE}


def test_nobody_named() -> None:
    engagement, errors = read_engagement(
        values(who=text_value(None)), now=NOW, tz="UTC", poc=make_poc()
    )
    assert engagement is None
    assert list(errors) == ["who"]


def test_a_modal_opened_before_the_short_keys_still_reads() -> None:
    """A modal open during the deploy carries `role:name`; it still finds the person."""
    engagement, errors = read_engagement(
        values(who=selected("business_sponsor:Sam Ortiz")), now=NOW, tz="UTC", poc=make_poc()
    )
    assert errors == {}
    assert engagement is not None
    assert (engagement.who, engagement.role) == ("Sam Ortiz", Role.business_sponsor)


@pytest.mark.parametrize("value", ["business_sponsor:#000000000000", "exec_sponsor:UGONE", "x"])
def test_a_sponsor_no_longer_on_the_poc(value: str) -> None:
    engagement, errors = read_engagement(
        values(who=selected(value)), now=NOW, tz="UTC", poc=make_poc()
    )
    assert engagement is None
    assert errors == {"who": GONE_SPONSOR}


def test_a_sponsor_with_a_180_character_name() -> None:
    """The option value is a key, so the modal opens; the key reads back to the person."""
    name = "Dr. " + "Maximiliana " * 14 + "Featherstonehaugh"
    assert len(name) >= 180
    poc = make_poc(stakeholders=(SE, AE, Stakeholder(Role.exec_sponsor, name=name)))
    view = sponsor_modal(poc)
    check_view(view)
    (choice,) = input_ids(view)["who"]["element"]["options"]
    assert len(choice["value"]) <= 150
    engagement, errors = read_engagement(
        values(who=selected(choice["value"])), now=NOW, tz="UTC", poc=poc
    )
    assert errors == {}
    assert engagement is not None
    assert (engagement.who, engagement.role) == (name, Role.exec_sponsor)


def test_a_typed_user_id_is_not_a_mention() -> None:
    """Only the POC's own people are mentioned; "UBOSS" typed as a name stays text."""
    blocks = engagement_blocks(make_poc(), make_input(who="UBOSS"), logged_by="UAE")
    assert "<@UBOSS>" not in str(blocks) and "UBOSS" in str(blocks)


# ---------------------------------------------------------------- the internal note


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        (EngagementKind.briefing, True),
        (EngagementKind.meeting, True),
        (EngagementKind.call, True),
        (EngagementKind.email, False),
        (EngagementKind.message, False),
    ],
)
def test_engagement_blocks_say_whether_it_counts(kind: EngagementKind, counts: bool) -> None:
    e = make_input(kind=kind)
    assert e.counts is counts
    blocks = engagement_blocks(make_poc(), e, logged_by="UAE")
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert "<@UEXEC>" in text
    assert "Executive sponsor" in text
    assert "Fri 13 Mar" in text
    assert "Wants the read-out" in text
    assert "Logged by <@UAE>" in text
    assert ("Counts" in text) is counts
    assert ("don't count" in text) is not counts
    assert engagement_text(make_poc(), e)


def test_a_name_is_escaped_not_mentioned() -> None:
    poc = make_poc(prospect=EVIL)
    e = make_input(who=EVIL, role=Role.business_sponsor, outcome=EVIL)
    blocks = engagement_blocks(poc, e, logged_by="UAE")
    check_blocks(blocks)
    fallback = engagement_text(poc, e)
    assert_escaped(blocks, fallback)
    assert EVIL_ESCAPED in fallback


def test_long_outcome_stays_within_limits() -> None:
    e = make_input(who="N" * 200, outcome="<" * 1000)
    blocks = engagement_blocks(make_poc(prospect="P" * 300), e, logged_by="UAE")
    check_blocks(blocks)
