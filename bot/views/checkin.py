"""The check-in modal (callback `poc_checkin`) and the summary posted in the deal channel.

Block ids are a contract: held_on, format, attendees, sponsor_present, summary, blockers, health.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import dates
from bot.domain import LIVE_FORMATS, Checkin, CheckinFormat, Health, Poc
from bot.rules import checkin_counts, local_today
from bot.views.forms import State, checkbox, field, input_block, select, text_input, ticked
from bot.views.text import clip, context, escape, option, plain, section, user
from bot.views.values import modal_metadata

CALLBACK = "poc_checkin"
FORMAT_LABELS = {
    CheckinFormat.meeting: "Meeting",
    CheckinFormat.call: "Call",
    CheckinFormat.email: "Email (doesn't count for cadence)",
    CheckinFormat.async_: "Async update (doesn't count for cadence)",
}
HEALTH_LABELS = {
    Health.green: "🟢 On track",
    Health.yellow: "🟡 At risk",
    Health.red: "🔴 Off track",
}
FUTURE = "A check-in is logged after it happens: pick today or an earlier day."


@dataclass(frozen=True, slots=True)
class CheckinInput:
    held_on: date
    format: CheckinFormat
    attendees: tuple[str, ...]
    sponsor_present: bool
    summary: str
    blockers: str
    health: Health

    def as_checkin(self, *, logged_by: str) -> Checkin:
        """What is stored (the attendees are stored beside it)."""
        return Checkin(
            held_on=self.held_on,
            format=self.format,
            sponsor_present=self.sponsor_present,
            health=self.health,
            summary=self.summary,
            blockers=self.blockers,
            logged_by=logged_by,
        )


def checkin_modal(poc: Poc) -> dict[str, Any]:
    """ "When" says "today" until changed: parsed in the user's timezone on submission."""
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Log a check-in"),
        "submit": plain("Log it"),
        "close": plain("Cancel"),
        "private_metadata": modal_metadata(poc.id),
        "blocks": [
            section(
                f"*{escape(poc.prospect)}* — meetings and calls keep the cadence; email doesn't."
            ),
            text_input(
                "held_on",
                "When",
                initial="today",
                max_length=64,
                hint="A date or 'yesterday', 'last Tuesday'.",
            ),
            input_block(
                "format",
                "Format",
                select("format", [option(v, k) for k, v in FORMAT_LABELS.items()], "meeting"),
            ),
            input_block(
                "attendees",
                "Who was there",
                {"type": "multi_users_select", "action_id": "attendees", "max_selected_items": 30},
                optional=True,
            ),
            checkbox("sponsor_present", "Sponsor", "A sponsor (business or executive) was there"),
            text_input("summary", "Summary", multiline=True, max_length=2000),
            text_input("blockers", "Blockers", multiline=True, optional=True, max_length=2000),
            input_block(
                "health",
                "Health",
                select("health", [option(v, k) for k, v in HEALTH_LABELS.items()], "green"),
            ),
        ],
    }


def read_checkin(
    values: State, *, now: datetime, tz: str
) -> tuple[CheckinInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    held_on = _past_date(values, "held_on", now=now, tz=tz, errors=errors)
    summary = field(values, "summary")
    if not summary:
        errors["summary"] = "Say in a line or two what happened."
    if errors or held_on is None or summary is None:
        return None, errors
    return (
        CheckinInput(
            held_on=held_on,
            format=CheckinFormat(field(values, "format") or CheckinFormat.meeting),
            attendees=tuple(field(values, "attendees") or ()),
            sponsor_present=ticked(values, "sponsor_present"),
            summary=summary,
            blockers=field(values, "blockers") or "",
            health=Health(field(values, "health") or Health.green),
        ),
        {},
    )


def _past_date(
    values: State, block_id: str, *, now: datetime, tz: str, errors: dict[str, str]
) -> date | None:
    text = field(values, block_id) or "today"
    try:
        when = dates.parse_date(text, now=now, tz=tz)
    except dates.DateError as e:
        errors[block_id] = str(e)
        return None
    if when > local_today(now, tz):
        errors[block_id] = FUTURE
        return None
    return when


def checkin_blocks(
    poc: Poc, checkin: CheckinInput, *, logged_by: str, internal: bool = False
) -> list[dict[str, Any]]:
    """The check-in as posted. In the deal channel (`internal` False) the prospect reads it:
    the SE's own health rating and how the check-in counts for the sponsor rules stay out
    (they are in `/poc status`)."""
    who = ", ".join(user(a) for a in checkin.attendees) or "_not recorded_"
    head = (
        f"*Check-in* · {FORMAT_LABELS[checkin.format].split(' (')[0]} on {checkin.held_on:%a %d %b}"
    )
    lines = [
        head + (f" · {HEALTH_LABELS[checkin.health]}" if internal else ""),
        f"*Summary:* {escape(checkin.summary)}",
    ]
    if checkin.blockers:
        lines.append(f"*Blockers:* {escape(checkin.blockers)}")
    notes = [f"Attendees: {who}", f"Logged by {user(logged_by)}"]
    if internal and checkin_counts(checkin.format, checkin.sponsor_present):
        notes.append("Sponsor present: counts as sponsor engagement")
    elif internal and checkin.format not in LIVE_FORMATS:
        notes.append("Not a meeting or call: the cadence still wants one")
    return [section("\n".join(lines)), context(" · ".join(notes))]


def checkin_note(checkin: CheckinInput) -> str:
    """What the person who logged it reads privately: their rating and how it counts."""
    note = f"Logged, rated {HEALTH_LABELS[checkin.health]} (only you see the rating)."
    if checkin_counts(checkin.format, checkin.sponsor_present):
        return note + " A sponsor was there: it counts as sponsor engagement."
    if checkin.format not in LIVE_FORMATS:
        return note + " Not a meeting or call: the check-in cadence still wants one."
    return note


def checkin_text(poc: Poc, checkin: CheckinInput) -> str:
    return f"Check-in for {escape(poc.prospect)}: {clip(escape(checkin.summary), 200)}"
