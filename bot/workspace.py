"""The workspace settings (issue 15): their keys, what each accepts, and how they are stored.

App Home's settings modal and `python -m bot settings` both go through here, so a value is
checked the same way wherever it is typed. A setting is stored as JSON, one row per key
(storage/workspace.py); a key with no row has its default, which is the product's own.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.domain import DEFAULT_WORKSPACE, WorkspaceSettings
from bot.public_holidays import UnknownCalendar, describe, parse_calendar

log = logging.getLogger(__name__)

#: What `settings set KEY default` (or an empty field) means: back to the default.
DEFAULT_WORDS = frozenset({"default", "auto", "reset", "unset"})
_TRUE = frozenset({"on", "true", "yes", "1", "enabled"})
_FALSE = frozenset({"off", "false", "no", "0", "disabled"})
#: Slack ids as typed or as Slack formats them in text: U123, <@U123>, <#C123|deal>.
_USER = re.compile(r"^<?@?([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>?$", re.IGNORECASE)
_CHANNEL = re.compile(r"^<?#?([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>?$", re.IGNORECASE)
#: A user or a user group (S…), as typed or as Slack formats it: <!subteam^S123|@sales-mgrs>.
_MEMBER = re.compile(r"^<?(?:@|!subteam\^)?([UWS][A-Z0-9]{2,30})(?:\|[^>]*)?>?$", re.IGNORECASE)
#: A list longer than this is a paste gone wrong, not a team.
MAX_LIST = 200


class UnknownSetting(KeyError):
    def __str__(self) -> str:
        return f"unknown setting {self.args[0]!r}: use one of {', '.join(KEYS)}"


class BadValue(ValueError):
    """The value does not fit the setting; the message says what would."""


@dataclass(frozen=True)
class Key:
    name: str
    what: str  # one line: what it does and what it takes
    #: text as typed -> the JSON value stored (BadValue when it does not fit)
    parse: Callable[[str], Any]
    #: the stored value onto the settings
    apply: Callable[[WorkspaceSettings, Any], WorkspaceSettings]
    #: the settings -> the value as it would be stored (compare, show)
    read: Callable[[WorkspaceSettings], Any]
    show: Callable[[Any], str] = str


def _number(lo: int, hi: int, unit: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = text.strip().removesuffix(":00")
        if not value.isdigit() or not lo <= int(value) <= hi:
            raise BadValue(f"a whole number of {unit} from {lo} to {hi}, not {text.strip()!r}")
        return int(value)

    return parse


def _switch(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise BadValue(f"on or off, not {text.strip()!r}")


def _ids(pattern: re.Pattern[str], kind: str) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        found: list[str] = []
        for part in re.split(r"[\s,]+", text.strip()):
            if not part:
                continue
            match = pattern.match(part)
            if match is None:
                example = _example(kind)
                raise BadValue(f"{kind} ids separated by commas (like {example}), not {part!r}")
            found.append(match[1].upper())
        if len(found) > MAX_LIST:
            raise BadValue(f"at most {MAX_LIST} {kind} ids")
        return list(dict.fromkeys(found))

    return parse


def _example(kind: str) -> str:
    return {"user": "U012AB3CD,U045EF6GH", "channel": "C012AB3CD"}.get(kind, "U012AB3CD,S0123ABCD")


def is_user_group(entry: str) -> bool:
    """A user group's id (S…) in the `managers` setting: its members are managers."""
    return entry.upper().startswith("S")


def _calendar(text: str) -> str:
    try:
        return parse_calendar(text)
    except UnknownCalendar as e:
        raise BadValue(str(e)) from None


def _threshold(field: str) -> tuple[Callable[..., WorkspaceSettings], Callable[..., Any]]:
    def apply(ws: WorkspaceSettings, value: Any) -> WorkspaceSettings:
        return replace(ws, thresholds=replace(ws.thresholds, **{field: value}))

    return apply, lambda ws: getattr(ws.thresholds, field)


def _listed(items: Any) -> str:
    return ", ".join(items) if items else "nobody"


_STALL, _SILENT, _TIMEFRAME = (
    _threshold(f) for f in ("sponsor_stall_days", "champion_silent_days", "max_timeframe_days")
)

KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key(
            "nudge_hour",
            "local hour nudges go out from, 0-23 (default: the deployment's NUDGE_HOUR)",
            _number(0, 23, "hours"),
            lambda ws, v: replace(ws, nudge_hour=v),
            lambda ws: ws.nudge_hour,
            lambda v: "NUDGE_HOUR" if v is None else f"{v:02d}:00",
        ),
        Key(
            "holiday_country",
            "public holidays to skip: a country code (US, GB, IN, AU-NSW) or none "
            "(default: each POC's timezone)",
            _calendar,
            lambda ws, v: replace(ws, holiday_country=v),
            lambda ws: ws.holiday_country,
            lambda v: "from each POC's timezone" if v is None else describe(v),
        ),
        Key(
            "digest",
            "internal alerts as one digest per person per business day: on or off",
            _switch,
            lambda ws, v: replace(ws, digest=bool(v)),
            lambda ws: ws.digest,
            lambda v: "on" if v else "off",
        ),
        Key(
            "sponsor_stall_days",
            "days without a sponsor meeting before the stalled-sponsor alert (1-60)",
            _number(1, 60, "days"),
            *_STALL,
        ),
        Key(
            "champion_silent_days",
            "business days without a word from the champion before the alert (1-30)",
            _number(1, 30, "business days"),
            *_SILENT,
        ),
        Key(
            "timeframe_warning_days",
            "a POC planned longer than this many days is warned about (7-365)",
            _number(7, 365, "days"),
            *_TIMEFRAME,
        ),
        Key(
            "quiet_channels",
            "deal channels where no nudge is posted (they go to the internal channel or DMs)",
            _ids(_CHANNEL, "channel"),
            lambda ws, v: replace(ws, quiet_channels=frozenset(v)),
            lambda ws: sorted(ws.quiet_channels),
            _listed,
        ),
        Key(
            "admins",
            "who may change these settings, besides the workspace's admins and owners",
            _ids(_USER, "user"),
            lambda ws, v: replace(ws, admins=tuple(v)),
            lambda ws: list(ws.admins),
            _listed,
        ),
        Key(
            "managers",
            "sales managers: they see every POC of the team and a Monday digest "
            "(user ids, or a user group's id S…)",
            _ids(_MEMBER, "user or user group"),
            lambda ws, v: replace(ws, managers=tuple(v)),
            lambda ws: list(ws.managers),
            _listed,
        ),
    )
}
#: Other names people use for a key.
ALIASES = {"overrun_warning_days": "timeframe_warning_days", "quiet": "quiet_channels"}


def key(name: str) -> Key:
    name = name.strip().lower().replace("-", "_")
    found = KEYS.get(ALIASES.get(name, name))
    if found is None:
        raise UnknownSetting(name)
    return found


def parse(name: str, text: str) -> tuple[str, Any]:
    """(key, JSON value) for `settings set KEY VALUE`; the value None means back to default."""
    k = key(name)
    if text.strip().lower() in DEFAULT_WORDS:
        return k.name, None
    value = k.parse(text)
    # The default itself needs no row (the holiday calendar "none" is not its default).
    return k.name, None if value == k.read(DEFAULT_WORKSPACE) else value


def settings_from(stored: Mapping[str, str]) -> WorkspaceSettings:
    """The settings as stored (key -> JSON text); a row that no longer reads is ignored, so
    one bad value never stops a sweep."""
    ws = DEFAULT_WORKSPACE
    for name, raw in stored.items():
        k = KEYS.get(name)
        if k is None:
            continue
        try:
            value = json.loads(raw)
            if value is not None:
                ws = k.apply(ws, k.parse(_as_text(value)))
        except (ValueError, TypeError):
            log.warning("workspace setting %s=%r does not read: ignored", name, raw[:80])
    return ws


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def encode(value: Any) -> str:
    return json.dumps(value)


def changes(before: WorkspaceSettings, after: WorkspaceSettings) -> dict[str, Any]:
    """Key -> new value for every setting that differs (None: back to its default)."""
    found = {}
    for k in KEYS.values():
        new = k.read(after)
        if new != k.read(before):
            found[k.name] = None if new == k.read(DEFAULT_WORKSPACE) else new
    return found


def listing(ws: WorkspaceSettings) -> list[tuple[str, str, bool]]:
    """(key, value as said, is it the default) for every setting, in order."""
    return [
        (k.name, k.show(k.read(ws)), k.read(ws) == k.read(DEFAULT_WORKSPACE)) for k in KEYS.values()
    ]
