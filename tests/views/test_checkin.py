"""bot.views.checkin: the modal's contract, reading its state, and the summary it posts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain import CheckinFormat, Health
from bot.views.checkin import (
    CALLBACK,
    FUTURE,
    CheckinInput,
    checkin_blocks,
    checkin_modal,
    checkin_text,
    read_checkin,
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
from tests.views.factories import EVIL, EVIL_ESCAPED, NOW, TODAY, make_poc

BLOCK_IDS = ["held_on", "format", "attendees", "sponsor_present", "summary", "blockers", "health"]


def values(**overrides: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    base: dict[str, dict[str, Any]] = {
        "held_on": text_value("yesterday"),
        "format": selected("call"),
        "attendees": {"type": "multi_users_select", "selected_users": ["UCHAMP", "USE"]},
        "sponsor_present": {
            "type": "checkboxes",
            "selected_options": [{"value": "yes", "text": {"type": "plain_text", "text": "x"}}],
        },
        "summary": text_value("  Ran the ingest test at 500 GB.  "),
        "blockers": text_value("Waiting for VPN access"),
        "health": selected("yellow"),
    }
    return state(**{**base, **overrides})


def make_input(**changes: Any) -> CheckinInput:
    base: dict[str, Any] = {
        "held_on": date(2026, 3, 13),
        "format": CheckinFormat.meeting,
        "attendees": ("UCHAMP", "USE"),
        "sponsor_present": True,
        "summary": "Ingest passed.",
        "blockers": "",
        "health": Health.green,
    }
    return CheckinInput(**{**base, **changes})


# ---------------------------------------------------------------- the modal


def test_modal_contract() -> None:
    poc = make_poc()
    view = checkin_modal(poc)
    check_view(view)
    assert view["type"] == "modal"
    assert view["callback_id"] == CALLBACK == "poc_checkin"
    assert json.loads(view["private_metadata"]) == {"poc_id": poc.id}
    inputs = input_ids(view)
    assert list(inputs) == BLOCK_IDS

    held_on = inputs["held_on"]
    assert held_on["element"]["type"] == "plain_text_input"
    assert held_on["element"]["initial_value"] == "today"
    assert "yesterday" in held_on["hint"]["text"] and "last Tuesday" in held_on["hint"]["text"]

    fmt = inputs["format"]["element"]
    assert fmt["type"] == "static_select"
    assert [o["value"] for o in fmt["options"]] == ["meeting", "call", "email", "async"]
    assert fmt["initial_option"]["value"] == "meeting"

    assert inputs["attendees"]["element"]["type"] == "multi_users_select"
    assert inputs["attendees"]["optional"] is True
    sponsor = inputs["sponsor_present"]
    assert sponsor["element"]["type"] == "checkboxes" and sponsor["optional"] is True
    assert [o["value"] for o in sponsor["element"]["options"]] == ["yes"]

    for block_id, optional in (("summary", False), ("blockers", True)):
        element = inputs[block_id]["element"]
        assert element["multiline"] is True and element["max_length"] == 2000
        assert inputs[block_id]["optional"] is optional

    health = inputs["health"]["element"]
    assert [o["value"] for o in health["options"]] == ["green", "yellow", "red"]
    assert health["initial_option"]["value"] == "green"
    assert [o["text"]["text"][0] for o in health["options"]] == ["🟢", "🟡", "🔴"]


def test_modal_escapes_the_prospect() -> None:
    view = checkin_modal(make_poc(prospect=EVIL))
    check_view(view)
    assert_escaped(view["blocks"])


# ---------------------------------------------------------------- reading the state


def test_read_a_full_checkin() -> None:
    checkin, errors = read_checkin(values(), now=NOW, tz="UTC")
    assert errors == {}
    assert checkin == CheckinInput(
        held_on=date(2026, 3, 15),
        format=CheckinFormat.call,
        attendees=("UCHAMP", "USE"),
        sponsor_present=True,
        summary="Ran the ingest test at 500 GB.",
        blockers="Waiting for VPN access",
        health=Health.yellow,
    )


def test_read_the_optional_fields_left_empty() -> None:
    checkin, errors = read_checkin(
        values(
            held_on=text_value(None),  # the user cleared "today": today it is
            attendees={"type": "multi_users_select", "selected_users": []},
            sponsor_present={"type": "checkboxes", "selected_options": []},
            blockers=text_value(None),
            format=selected("async"),
        ),
        now=NOW,
        tz="UTC",
    )
    assert errors == {}
    assert checkin is not None
    assert checkin.held_on == TODAY
    assert checkin.attendees == ()
    assert checkin.sponsor_present is False
    assert checkin.blockers == ""
    assert checkin.format == CheckinFormat.async_


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", date(2026, 3, 16)),
        ("last Tuesday", date(2026, 3, 10)),
        ("2026-03-02", date(2026, 3, 2)),
    ],
)
def test_read_natural_dates(typed: str, expected: date) -> None:
    checkin, errors = read_checkin(values(held_on=text_value(typed)), now=NOW, tz="UTC")
    assert errors == {}
    assert checkin is not None and checkin.held_on == expected


def test_garbage_date_is_an_error_on_held_on() -> None:
    checkin, errors = read_checkin(values(held_on=text_value("blorp flurb")), now=NOW, tz="UTC")
    assert checkin is None
    assert list(errors) == ["held_on"]
    assert "blorp flurb" in errors["held_on"]


@pytest.mark.parametrize("typed", ["tomorrow", "next Friday", "2026-03-17"])
def test_future_date_is_an_error_on_held_on(typed: str) -> None:
    checkin, errors = read_checkin(values(held_on=text_value(typed)), now=NOW, tz="UTC")
    assert checkin is None
    assert errors == {"held_on": FUTURE}
    assert FUTURE == "A check-in is logged after it happens: pick today or an earlier day."


def test_future_is_judged_in_the_users_timezone() -> None:
    """02:00 UTC on the 16th is still the 15th in Los Angeles: the 16th is tomorrow there."""
    early = datetime(2026, 3, 16, 2, tzinfo=UTC)
    _, errors = read_checkin(values(held_on=text_value("2026-03-16")), now=early, tz="UTC")
    assert errors == {}
    la = "America/Los_Angeles"
    _, errors = read_checkin(values(held_on=text_value("2026-03-16")), now=early, tz=la)
    assert errors == {"held_on": FUTURE}
    checkin, errors = read_checkin(values(held_on=text_value("today")), now=early, tz=la)
    assert errors == {} and checkin is not None and checkin.held_on == date(2026, 3, 15)


@pytest.mark.parametrize("summary", [None, "", "   "])
def test_missing_summary_is_an_error_on_summary(summary: str | None) -> None:
    checkin, errors = read_checkin(values(summary=text_value(summary)), now=NOW, tz="UTC")
    assert checkin is None
    assert list(errors) == ["summary"]


def test_every_error_at_once() -> None:
    checkin, errors = read_checkin(
        values(held_on=text_value("tomorrow"), summary=text_value(None)), now=NOW, tz="UTC"
    )
    assert checkin is None
    assert set(errors) == {"held_on", "summary"}


# ---------------------------------------------------------------- the summary it posts


def test_checkin_blocks() -> None:
    poc = make_poc()
    checkin = make_input(blockers="VPN access", health=Health.yellow)
    blocks = checkin_blocks(poc, checkin, logged_by="USE", internal=True)
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert "Fri 13 Mar" in text
    assert "Meeting" in text
    assert "🟡" in text
    assert "<@UCHAMP>" in text and "<@USE>" in text
    assert "Ingest passed." in text
    assert "VPN access" in text
    assert "Logged by <@USE>" in text
    assert "counts as sponsor engagement" in text
    assert checkin_text(poc, checkin)


@pytest.mark.parametrize(
    ("fmt", "present", "counts"),
    [
        (CheckinFormat.meeting, True, True),
        (CheckinFormat.call, True, True),
        (CheckinFormat.email, True, False),
        (CheckinFormat.async_, True, False),
        (CheckinFormat.meeting, False, False),
    ],
)
def test_only_a_meeting_or_call_with_a_sponsor_counts(
    fmt: CheckinFormat, present: bool, counts: bool
) -> None:
    checkin = make_input(format=fmt, sponsor_present=present)
    blocks = checkin_blocks(make_poc(), checkin, logged_by="USE", internal=True)
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert ("counts as sponsor engagement" in text) is counts


def test_the_deal_channel_sees_no_internal_rating_nor_how_it_counts() -> None:
    checkin = make_input(health=Health.red, format=CheckinFormat.email)
    blocks = checkin_blocks(make_poc(), checkin, logged_by="USE")
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert "Ingest passed." in text and "Logged by <@USE>" in text
    for internal in ("🔴", "Off track", "sponsor engagement", "cadence"):
        assert internal not in text


def test_no_attendees_and_no_blockers() -> None:
    blocks = checkin_blocks(make_poc(), make_input(attendees=()), logged_by="USE")
    check_blocks(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    assert "not recorded" in text
    assert "Blockers" not in text


def test_what_people_typed_is_escaped() -> None:
    poc = make_poc(prospect=EVIL)
    checkin = make_input(summary=EVIL, blockers=EVIL)
    blocks = checkin_blocks(poc, checkin, logged_by="USE")
    check_blocks(blocks)
    fallback = checkin_text(poc, checkin)
    assert_escaped(blocks, fallback)
    assert EVIL_ESCAPED in fallback


def test_long_text_stays_within_limits() -> None:
    checkin = make_input(summary="x" * 2000, blockers="&" * 2000)  # & grows 5x when escaped
    blocks = checkin_blocks(make_poc(prospect="A" * 500), checkin, logged_by="USE")
    check_blocks(blocks)
    assert len(checkin_text(make_poc(), checkin)) <= 4000
