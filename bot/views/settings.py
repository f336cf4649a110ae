"""The workspace settings in App Home: a summary with a button, the modal (callback
`workspace_settings`, one input per setting, block ids as the keys of bot/workspace.py), and
reading it back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.domain import Thresholds, WorkspaceSettings
from bot.public_holidays import UnknownCalendar, describe, parse_calendar
from bot.views.forms import State, field, input_block, select
from bot.views.text import actions, button, context, option, plain, section
from bot.workspace import is_user_group

CALLBACK = "workspace_settings"
OPEN = "home_settings"
#: Each threshold's block id (a key of bot/workspace.py), label and bounds.
THRESHOLDS = (
    ("sponsor_stall_days", "Stalled sponsor after (days without a meeting)", 1, 60),
    ("champion_silent_days", "Silent champion after (business days)", 1, 30),
    ("timeframe_warning_days", "Warn when a POC is planned longer than (days)", 7, 365),
)
_FIELDS = {
    "sponsor_stall_days": "sponsor_stall_days",
    "champion_silent_days": "champion_silent_days",
    "timeframe_warning_days": "max_timeframe_days",
}
#: The one box of the digest field.
DIGEST_ON = "on"


def _hour(ws: WorkspaceSettings, deployment_hour: int) -> int:
    return ws.nudge_hour if ws.nudge_hour is not None else deployment_hour


def settings_blocks(ws: WorkspaceSettings, *, deployment_hour: int) -> list[dict[str, Any]]:
    """App Home's settings section, for the people who may change them."""
    calendar = (
        describe(ws.holiday_country) if ws.holiday_country else "each POC's timezone's country"
    )
    quiet = len(ws.quiet_channels)
    summary = (
        f"Nudges from {_hour(ws, deployment_hour):02d}:00 local · public holidays: {calendar} · "
        f"digest {'on' if ws.digest else 'off'} · quiet channels: {quiet or 'none'}"
    )
    return [
        section(f"*Workspace settings*\n{summary}"),
        actions(button("Settings", OPEN, "settings"), block_id="home:settings"),
    ]


def settings_modal(ws: WorkspaceSettings, *, deployment_hour: int) -> dict[str, Any]:
    hours = [option(f"{h:02d}:00", str(h)) for h in range(24)]
    digest: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": "digest",
        "options": [option("One digest a day per person for internal alerts", DIGEST_ON)],
    }
    if ws.digest:
        digest["initial_options"] = digest["options"]
    country: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "holiday_country",
        "max_length": 16,
        "placeholder": plain("US, GB, IN, AU-NSW… or none"),
    }
    if ws.holiday_country:
        country["initial_value"] = ws.holiday_country
    blocks = [
        input_block(
            "nudge_hour",
            "Nudges go out from",
            select("nudge_hour", hours, str(_hour(ws, deployment_hour))),
            hint="In each POC's own timezone, on business days.",
        ),
        input_block(
            "holiday_country",
            "Public holidays",
            country,
            optional=True,
            hint="No nudges on them, and business days skip them. Empty: the country of each "
            "POC's timezone. A POC may name its own.",
        ),
        input_block("digest", "Internal alerts", digest, optional=True),
        *(_number(name, label, lo, hi, _threshold(ws, name)) for name, label, lo, hi in THRESHOLDS),
        input_block(
            "quiet_channels",
            "Quiet deal channels",
            _conversations(sorted(ws.quiet_channels)),
            optional=True,
            hint="No nudge is posted in these: they go to the internal channel or by DM.",
        ),
        input_block(
            "admins",
            "Who else may change these settings",
            _users("admins", ws.admins),
            optional=True,
            hint="Workspace admins and owners always may.",
        ),
        _managers_input(ws),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Workspace settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [*blocks, context("Defaults are the product's: 7, 3 and 30 days.")],
    }


def _managers_input(ws: WorkspaceSettings) -> dict[str, Any]:
    """The people named; the user groups named cannot be shown in a users select: they are
    said, and kept (`read_settings`)."""
    people = tuple(u for u in ws.managers if not is_user_group(u))
    groups = [g for g in ws.managers if is_user_group(g)]
    hint = "They see every POC of the team in App Home, and a digest each Monday."
    if groups:
        hint = (
            f"Also the members of user group {', '.join(groups[:20])} (kept when you save; "
            "change it with `pocbot settings set managers`)."
        )
    return input_block(
        "managers", "Sales managers", _users("managers", people), optional=True, hint=hint
    )


def _threshold(ws: WorkspaceSettings, name: str) -> int:
    return int(getattr(ws.thresholds, _FIELDS[name]))


def _number(block_id: str, label: str, lo: int, hi: int, value: int) -> dict[str, Any]:
    element = {
        "type": "number_input",
        "action_id": block_id,
        "is_decimal_allowed": False,
        "min_value": str(lo),
        "max_value": str(hi),
        "initial_value": str(value),
    }
    return input_block(block_id, label, element)


def _users(action_id: str, users: tuple[str, ...]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": action_id,
        "max_selected_items": 100,
    }
    if users:
        element["initial_users"] = list(users)[:100]
    return element


def _conversations(channels: list[str]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_conversations_select",
        "action_id": "quiet_channels",
        "max_selected_items": 100,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channels:
        element["initial_conversations"] = channels[:100]
    return element


def read_settings(
    values: State, ws: WorkspaceSettings, *, deployment_hour: int
) -> tuple[WorkspaceSettings | None, dict[str, str]]:
    """The settings as submitted, or the errors to show under each field."""
    errors: dict[str, str] = {}
    hour = int(field(values, "nudge_hour") or _hour(ws, deployment_hour))
    typed = field(values, "holiday_country")
    calendar = None
    if typed:
        try:
            calendar = parse_calendar(typed)
        except UnknownCalendar as e:
            errors["holiday_country"] = str(e)
    numbers = {}
    for name, _label, lo, hi in THRESHOLDS:
        text = field(values, name) or ""
        if not text.isdigit() or not lo <= int(text) <= hi:
            errors[name] = f"A whole number from {lo} to {hi}."
        else:
            numbers[_FIELDS[name]] = int(text)
    if errors:
        return None, errors
    return (
        replace(
            ws,
            # The deployment's own hour is no choice: it follows NUDGE_HOUR.
            nudge_hour=None if hour == deployment_hour else hour,
            holiday_country=calendar,
            digest=DIGEST_ON in (field(values, "digest") or []),
            thresholds=Thresholds(**numbers),
            quiet_channels=frozenset(field(values, "quiet_channels") or []),
            admins=tuple(field(values, "admins") or []),
            # A user group (set from the command line) has no place in the users select: kept.
            managers=(
                *(field(values, "managers") or []),
                *(g for g in ws.managers if is_user_group(g)),
            ),
        ),
        {},
    )
