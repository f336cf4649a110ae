"""bot.views.values: a button's value and a modal's metadata, built and read in one place."""

from __future__ import annotations

import pytest

from bot.domain import MilestoneKind
from bot.views.values import (
    ButtonValue,
    button_value,
    modal_metadata,
    read_button_value,
    read_modal_poc_id,
)


@pytest.mark.parametrize(
    ("poc_id", "detail", "value"),
    [
        (7, "", "7"),
        (7, "cadence", "7:cadence"),
        (7, "milestone:kickoff", "7:milestone:kickoff"),
        (7, "11", "7:11"),
    ],
)
def test_what_is_built_reads_back(poc_id: int, detail: str, value: str) -> None:
    assert button_value(poc_id, detail) == value
    assert read_button_value(value) == ButtonValue(poc_id, detail)


@pytest.mark.parametrize("value", [None, "", "x", ":7", "seven:cadence", "7.5", "1e3:x"])
def test_a_value_that_names_no_poc_reads_as_none(value: str | None) -> None:
    assert read_button_value(value) is None


def test_the_detail_as_a_scope_change_or_a_milestone() -> None:
    assert read_button_value("7:11") == ButtonValue(7, "11")
    assert ButtonValue(7, "11").number == 11
    assert ButtonValue(7, "cadence").number is None
    assert ButtonValue(7, "-3").number is None
    assert ButtonValue(7, "milestone:kickoff").milestone == MilestoneKind.kickoff
    assert ButtonValue(7, "milestone:party").milestone is None
    assert ButtonValue(7, "").milestone is None


@pytest.mark.parametrize(
    ("metadata", "poc_id"),
    [
        (modal_metadata(42), 42),
        (None, None),
        ("", None),
        ("not json", None),
        ('{"poc_id": "x"}', None),
        ("[1, 2]", None),
        ('{"origin_channel": "C1"}', None),
    ],
)
def test_a_modal_names_its_poc_or_nothing(metadata: str | None, poc_id: int | None) -> None:
    assert read_modal_poc_id(metadata) == poc_id
