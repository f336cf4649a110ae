"""The `/poc new` modal (callback `poc_new`) and reading it back into a NewPoc.

Block ids are a contract (DESIGN.md): prospect, channel, pain, start, end, champion,
business_sponsor, exec_sponsor, exec_briefed, ae, budget, skin, cadence, use_cases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import dates
from bot.domain import Cadence, NewPoc, Person, Role, Skin, Template, TemplateSummary
from bot.public_holidays import (
    UnknownCalendar,
    calendar_for,
    describe,
    parse_calendar,
    poc_holidays,
)
from bot.rules import MAX_USE_CASES, default_milestones, done_when_written, local_today
from bot.views.forms import State, checkbox, field, input_block, select, text_input, ticked
from bot.views.labels import CADENCE_LABELS
from bot.views.templates import with_templates
from bot.views.text import option, plain

CALLBACK = "poc_new"
MAX_USE_CASE_LINES = 10
MAX_USE_CASE_LENGTH = 300

SKIN_LABELS = {
    Skin.none: "None yet",
    Skin.collaborative: "Collaborative: agreed rules and effort",
    Skin.funded: "Funded: the client pays for some or all of it",
    Skin.conditional_po: "Conditional purchase order",
}
DATE_HINT = (
    "Natural language works: 'today', 'next Monday', 'in 2 weeks', 'Dec 12', 'end of month'."
)


@dataclass(frozen=True, slots=True)
class Meta:
    """What the modal remembers between opening and submission (private_metadata)."""

    origin_channel: str | None
    tz: str

    def dump(self) -> str:
        return json.dumps({"origin_channel": self.origin_channel, "tz": self.tz})

    @classmethod
    def load(cls, raw: str | None, default_tz: str) -> Meta:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        return cls(origin_channel=data.get("origin_channel"), tz=data.get("tz") or default_tz)


def new_poc_modal(
    *,
    channel_id: str | None,
    tz: str,
    workspace_calendar: str | None = None,
    templates: Sequence[TemplateSummary] = (),
    chosen: Template | None = None,
) -> dict[str, Any]:
    """The set-up form; with the team's `templates`, a picker that fills the use cases
    (from `chosen`, once picked: bot/views/templates.py)."""
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": "channel",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id and channel_id[0] in "CG":
        channel["initial_conversation"] = channel_id
    internal: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": "internal_channel",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    people = [
        input_block(
            "champion", "Champion (technical sponsor)", _user_select("champion"), optional=True
        ),
        text_input(
            "business_sponsor",
            "Business sponsor",
            placeholder="Name, title",
            optional=True,
            max_length=200,
        ),
        text_input(
            "exec_sponsor",
            "Executive sponsor (budget authority)",
            placeholder="Name, title — e.g. Dana Li, VP Engineering",
            optional=True,
            max_length=200,
        ),
        checkbox(
            "exec_briefed",
            "Executive briefing",
            "The executive sponsor has been briefed on this POC",
        ),
        input_block("ae", "Account executive", _user_select("ae"), optional=True),
        input_block(
            "evaluators",
            "Other evaluators",
            {"type": "multi_users_select", "action_id": "evaluators", "max_selected_items": 20},
            optional=True,
            hint="Their ✅ / ❌ on a criterion count as verdicts too.",
        ),
    ]
    blocks = [
        text_input("prospect", "Prospect", placeholder="Acme Corp", max_length=200),
        input_block("channel", "Deal channel", channel),
        text_input(
            "pain",
            "Business pain",
            placeholder="What hurts, in the prospect's words — the read-out restates it.",
            multiline=True,
            max_length=2000,
        ),
        text_input("start", "Start (kickoff)", initial="today", max_length=64, hint=DATE_HINT),
        text_input("end", "End (final read-out)", placeholder="in 2 weeks", max_length=64),
        text_input(
            "use_cases",
            "Use cases, one per line",
            placeholder="Ingest 500 GB of JSON logs\nDeploy via the CI/CD integration",
            multiline=True,
            max_length=3000,
            hint="2 or 3 is the sweet spot: enough value, still winnable in the time.",
        ),
        *people,
        input_block(
            "budget",
            "Budget",
            {
                "type": "radio_buttons",
                "action_id": "budget",
                "options": [
                    option("Confirmed: they can buy if this succeeds", "yes"),
                    option("Not confirmed yet", "no"),
                ],
                "initial_option": option("Not confirmed yet", "no"),
            },
        ),
        input_block(
            "skin",
            "Client skin in the game",
            select("skin", [option(v, k) for k, v in SKIN_LABELS.items()], Skin.none),
        ),
        input_block(
            "cadence",
            "Check-in cadence",
            select("cadence", [option(v, k) for k, v in CADENCE_LABELS.items()], Cadence.weekly),
            hint="Meetings or calls with the people running the POC and the sponsors — not email.",
        ),
        input_block(
            "internal_channel",
            "Internal channel (optional)",
            internal,
            optional=True,
            hint="Where verdicts and sponsor alerts go; otherwise the SE and AE get them by DM. "
            "Only your team may be in it: no guests, not shared with the prospect.",
        ),
        text_input(
            "holiday_country",
            "Public holidays (optional)",
            placeholder="US, GB, IN, AU-NSW… or none",
            optional=True,
            max_length=16,
            hint="No nudges on these days, and business days skip them. Empty: "
            f"{describe(calendar_for(tz=tz, workspace=workspace_calendar))}.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("New POC"),
        "submit": plain("Create POC"),
        "close": plain("Cancel"),
        "private_metadata": Meta(origin_channel=channel_id, tz=tz).dump(),
        "blocks": with_templates(blocks, templates, chosen),
    }


def _user_select(action_id: str) -> dict[str, Any]:
    return {"type": "users_select", "action_id": action_id}


def read_new_poc(
    values: State,
    *,
    now: datetime,
    tz: str,
    created_by: str,
    workspace_calendar: str | None = None,
) -> tuple[NewPoc | None, dict[str, str]]:
    """The POC described by the modal, or the errors to show on each field (block id → text).

    Its plan's dates avoid the public holidays of its calendar: the one chosen in the form,
    else the workspace's, else its timezone's country."""
    errors: dict[str, str] = {}
    prospect = field(values, "prospect")
    if not prospect:
        errors["prospect"] = "Name the prospect."
    channel = field(values, "channel")
    if not channel:
        errors["channel"] = "Pick the deal channel where the POC is run."

    start = _date(values, "start", now=now, tz=tz, errors=errors)
    end = _date(values, "end", now=now, tz=tz, errors=errors)
    if start and end and end <= start:
        errors["end"] = f"The end must be after the start ({start:%a %-d %b %Y})."

    use_cases = _use_cases(values, errors)
    chosen = _calendar(values, errors)
    if errors:
        return None, errors
    assert start and end and channel and prospect

    today = local_today(now, tz)
    calendar = calendar_for(tz=tz, chosen=chosen, workspace=workspace_calendar)
    milestones = default_milestones(
        start, end, today=today, holidays=poc_holidays(calendar, start, end)
    )
    internal = field(values, "internal_channel")
    return (
        NewPoc(
            channel_id=channel,
            prospect=prospect,
            start=start,
            end=end,
            created_by=created_by,
            tz=tz,
            pain=field(values, "pain") or "",
            internal_channel_id=internal if internal and internal != channel else None,
            cadence=Cadence(field(values, "cadence") or Cadence.weekly),
            budget_confirmed=field(values, "budget") == "yes",
            skin=Skin(field(values, "skin") or Skin.none),
            people=_people(values, now=now, created_by=created_by),
            use_cases=tuple(use_cases),
            milestones=milestones,
            done=done_when_written(milestones, today),
            holiday_country=chosen,
        ),
        {},
    )


def _calendar(values: State, errors: dict[str, str]) -> str | None:
    """The holiday calendar typed in the form (None: left empty); an error if unknown."""
    typed = field(values, "holiday_country")
    if not typed or not typed.strip():
        return None
    try:
        return parse_calendar(typed)
    except UnknownCalendar as e:
        errors["holiday_country"] = str(e)
        return None


def _use_cases(values: State, errors: dict[str, str]) -> list[str]:
    """The use cases, one a line (bullets stripped); an error under the field if they won't do."""
    lines = [ln.strip(" \t-•*") for ln in (field(values, "use_cases") or "").splitlines()]
    use_cases = [ln for ln in lines if ln]
    if not use_cases:
        errors["use_cases"] = "List at least one use case, one per line (2 or 3 is best)."
    elif len(use_cases) > MAX_USE_CASE_LINES:
        errors["use_cases"] = (
            f"{len(use_cases)} use cases is a project, not a POC: keep the {MAX_USE_CASES} that "
            "matter most and park the rest for Phase 2."
        )
    elif any(len(u) > MAX_USE_CASE_LENGTH for u in use_cases):
        errors["use_cases"] = f"Keep each use case under {MAX_USE_CASE_LENGTH} characters."
    return use_cases


def _people(values: State, *, now: datetime, created_by: str) -> tuple[Person, ...]:
    """Whoever the modal names, the creator as SE; an evaluator listed twice counts once."""
    briefed = ticked(values, "exec_briefed")
    exec_name = field(values, "exec_sponsor")
    people: list[Person] = [Person(Role.se, user_id=created_by)]
    if ae := field(values, "ae"):
        people.append(Person(Role.ae, user_id=ae))
    if champion := field(values, "champion"):
        people.append(Person(Role.champion, user_id=champion))
    if business := field(values, "business_sponsor"):
        people.append(Person(Role.business_sponsor, name=business))
    if exec_name:
        people.append(
            Person(Role.exec_sponsor, name=exec_name, briefed_at=now if briefed else None)
        )
    known = {p.user_id for p in people}
    for evaluator in field(values, "evaluators") or []:
        if evaluator not in known:
            people.append(Person(Role.evaluator, user_id=evaluator))
            known.add(evaluator)
    return tuple(people)


def _date(
    values: State, block_id: str, *, now: datetime, tz: str, errors: dict[str, str]
) -> date | None:
    text = field(values, block_id)
    try:
        return dates.parse_date(text or "", now=now, tz=tz)
    except dates.DateError as e:
        errors[block_id] = str(e)
        return None
