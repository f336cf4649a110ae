"""The sponsor-engagement modal (callback `poc_sponsor`) and the internal note it posts.

"Meetings that count" (seeds 003, 004): a briefing, meeting or call with a sponsor resets
the stalled-sponsor clock; an email or a chat message is logged but does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain import COUNTING_ENGAGEMENTS, EngagementKind, Poc, Role
from bot.views.checkin import _past_date
from bot.views.forms import State, field, input_block, select, text_input
from bot.views.text import clip, context, escape, option, plain, section, user

CALLBACK = "poc_sponsor"
SPONSOR_ROLES = (Role.exec_sponsor, Role.business_sponsor, Role.champion)
ROLE_LABELS = {
    Role.exec_sponsor: "Executive sponsor",
    Role.business_sponsor: "Business sponsor",
    Role.champion: "Champion",
}
KIND_LABELS = {
    EngagementKind.briefing: "Briefing",
    EngagementKind.meeting: "Meeting",
    EngagementKind.call: "Call",
    EngagementKind.email: "Email (logged, doesn't count)",
    EngagementKind.message: "Chat message (logged, doesn't count)",
}


@dataclass(frozen=True, slots=True)
class EngagementInput:
    who: str  # a Slack user id or a name
    role: Role
    kind: EngagementKind
    held_on: date
    outcome: str

    @property
    def counts(self) -> bool:
        return self.kind in COUNTING_ENGAGEMENTS


def sponsor_choices(poc: Poc) -> list[tuple[str, str]]:
    """(value, label) for each sponsor of the POC; the value is `role:user id or name`."""
    choices = []
    for role in SPONSOR_ROLES:
        for person in poc.people(role):
            ident = person.user_id or person.name or ""
            if not ident:
                continue
            name = person.name or "in Slack"
            choices.append((f"{role.value}:{ident}", f"{ROLE_LABELS[role]} — {name}"))
    return choices


def sponsor_modal(poc: Poc, *, today: date) -> dict[str, Any]:
    del today
    choices = sponsor_choices(poc)
    if choices:
        who = input_block(
            "who",
            "Who",
            select("who", [option(label, value) for value, label in choices[:100]], None),
        )
    else:
        who = text_input("who", "Who", placeholder="Dana Li, VP Engineering", max_length=200)
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Sponsor engagement"),
        "submit": plain("Log it"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"poc_id": poc.id}),
        "blocks": [
            section(
                f"*{escape(poc.prospect)}* — a briefing, meeting or call with a sponsor keeps "
                "the POC alive. Logged internally, never shown to the prospect."
            ),
            who,
            input_block(
                "kind",
                "How",
                select("kind", [option(v, k) for k, v in KIND_LABELS.items()], "meeting"),
            ),
            text_input("held_on", "When", initial="today", max_length=64),
            text_input(
                "outcome",
                "Outcome",
                placeholder="Confirmed budget for Q1; wants the read-out on the 12th",
                multiline=True,
                optional=True,
                max_length=1000,
            ),
        ],
    }


def read_engagement(
    values: State, *, now: datetime, tz: str
) -> tuple[EngagementInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    held_on = _past_date(values, "held_on", now=now, tz=tz, errors=errors)
    picked = field(values, "who")
    role, who = Role.exec_sponsor, picked
    if picked and ":" in picked and picked.split(":", 1)[0] in {r.value for r in SPONSOR_ROLES}:
        role_name, who = picked.split(":", 1)
        role = Role(role_name)
    if not who:
        errors["who"] = "Who did you meet?"
    if errors or held_on is None or not who:
        return None, errors
    return (
        EngagementInput(
            who=clip(who, 200),
            role=role,
            kind=EngagementKind(field(values, "kind") or EngagementKind.meeting),
            held_on=held_on,
            outcome=field(values, "outcome") or "",
        ),
        {},
    )


def who_label(who: str) -> str:
    return user(who) if who[:1] in ("U", "W") and who.isalnum() and who.isupper() else escape(who)


def engagement_blocks(poc: Poc, e: EngagementInput, *, logged_by: str) -> list[dict[str, Any]]:
    kind = KIND_LABELS[e.kind].split(" (")[0]
    body = (
        f"*Sponsor engagement* · {escape(poc.prospect)} · {kind} with {who_label(e.who)} "
        f"({ROLE_LABELS.get(e.role, 'sponsor')}) on {e.held_on:%a %d %b}"
    )
    if e.outcome:
        body += f"\n*Outcome:* {escape(e.outcome)}"
    counts = (
        "Counts: the stalled-sponsor clock restarts."
        if e.counts
        else "Logged, but email and chat don't count: book a meeting or call."
    )
    return [section(body), context(f"{counts} · Logged by {user(logged_by)} · internal")]


def engagement_text(poc: Poc, e: EngagementInput, *, logged_by: str) -> str:
    del logged_by
    return f"Sponsor engagement for {escape(poc.prospect)}: {e.kind.value} with {who_label(e.who)}"
