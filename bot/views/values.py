"""What our buttons and modals carry back to us, built and read in this one place.

A button's value names a POC: `poc_id`, or `poc_id:detail` when it is about one thing in it —
a nudge's key (`cadence`, `milestone:kickoff`) on a nudge's buttons, the scope change's id on
[Park for Phase 2] / [Accept change]. A modal carries its POC's id in `private_metadata`.

Both come back as the user's client sent them: reading never raises, and a value that names
no POC reads as None. Handlers then look the POC up within the clicker's own team.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.domain import MilestoneKind

#: A milestone nudge's key: `milestone:<kind>` (bot.rules builds the nudge keys).
_MILESTONE = "milestone:"


def button_value(poc_id: int, detail: str = "") -> str:
    """The value of a button about this POC (and, with `detail`, one thing in it)."""
    return f"{poc_id}:{detail}" if detail else str(poc_id)


@dataclass(frozen=True, slots=True)
class ButtonValue:
    """A button's value, read: the POC it names, and what after the POC id (or '')."""

    poc_id: int
    detail: str = ""

    @property
    def number(self) -> int | None:
        """The detail as an id (a scope change's), or None if it is not one."""
        return int(self.detail) if self.detail.isdigit() else None

    @property
    def milestone(self) -> MilestoneKind | None:
        """The milestone a `milestone:<kind>` nudge key names, or None."""
        try:
            return MilestoneKind(self.detail.removeprefix(_MILESTONE))
        except ValueError:
            return None


def read_button_value(value: str | None) -> ButtonValue | None:
    """The POC (and detail) a button's value names; None when it names none."""
    head, _, detail = (value or "").partition(":")
    try:
        return ButtonValue(int(head), detail)
    except ValueError:
        return None


def modal_metadata(poc_id: int) -> str:
    """A POC's modal's `private_metadata`: which POC the submission is about."""
    return json.dumps({"poc_id": poc_id})


def read_modal_poc_id(metadata: str | None) -> int | None:
    """The POC id a modal's `private_metadata` carries, or None."""
    try:
        return int(json.loads(metadata or "{}")["poc_id"])
    except (ValueError, KeyError, TypeError):
        return None
