"""The sponsor-engagement modal (callback `poc_sponsor`) and the internal note it posts.

"Meetings that count" (seeds 003, 004): a briefing, meeting or call with a sponsor resets
the stalled-sponsor clock; an email or a chat message is logged but does not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain import SPONSOR_ROLES, Engagement, EngagementKind, Poc, Role
from bot.rules import engagement_counts
from bot.views.checkin import _past_date
from bot.views.forms import State, field, input_block, select, text_input
from bot.views.labels import ROLE_LABELS
from bot.views.text import clip, context, escape, option, plain, section, user
from bot.views.values import modal_metadata

CALLBACK = "poc_sponsor"
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

    def as_engagement(self, *, at: datetime) -> Engagement:
        """What is stored: the engagement, at `at` (when on `held_on` it is recorded)."""
        return Engagement(at=at, kind=self.kind, who=self.who, outcome=self.outcome, role=self.role)


@dataclass(frozen=True, slots=True)
class SponsorChoice:
    """One person in the "Who" select. `value` is a short key, never the name: Slack refuses
    an option value over 150 characters, and a name can be that long."""

    value: str
    label: str
    role: Role
    who: str  # what the engagement stores: the Slack user id, else the name


def name_key(name: str) -> str:
    """A short, stable key for a sponsor known only by name (12 hex digits of its SHA-1)."""
    return "#" + hashlib.sha1(name.encode(errors="replace")).hexdigest()[:12]


def sponsor_choices(poc: Poc) -> list[SponsorChoice]:
    """Each sponsor of the POC; the value is `role:user id` or `role:#name key`."""
    choices: list[SponsorChoice] = []
    seen: set[str] = set()
    for role in SPONSOR_ROLES:
        for person in poc.people(role):
            if person.user_id:
                key, who = person.user_id, person.user_id
            elif person.name:
                key, who = name_key(person.name), person.name
            else:
                continue
            value = f"{role.value}:{key}"
            if value not in seen:  # the same person twice: one option (values must be unique)
                seen.add(value)
                label = f"{ROLE_LABELS[role]} — {person.name or 'in Slack'}"
                choices.append(SponsorChoice(value, label, role, who))
    return choices


def picked_sponsor(poc: Poc, value: str) -> SponsorChoice | None:
    """The sponsor an option value names, or None if nobody on the POC has that key now.

    A modal opened before a deploy carries `role:name`; it still finds its person.
    """
    for choice in sponsor_choices(poc):
        if value == choice.value or value == f"{choice.role.value}:{choice.who}":
            return choice
    return None


def sponsor_modal(poc: Poc) -> dict[str, Any]:
    choices = sponsor_choices(poc)
    if choices:
        who = input_block(
            "who",
            "Who",
            select("who", [option(c.label, c.value) for c in choices[:100]], None),
        )
    else:
        who = text_input("who", "Who", placeholder="Dana Li, VP Engineering", max_length=200)
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Sponsor engagement"),
        "submit": plain("Log it"),
        "close": plain("Cancel"),
        "private_metadata": modal_metadata(poc.id),
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


GONE_SPONSOR = "That person is no longer a sponsor of this POC: pick again."


def read_engagement(
    values: State, *, now: datetime, tz: str, poc: Poc
) -> tuple[EngagementInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    held_on = _past_date(values, "held_on", now=now, tz=tz, errors=errors)
    picked = field(values, "who")
    role, who = Role.exec_sponsor, picked
    if _was_picked(values):
        choice = picked_sponsor(poc, picked) if picked else None
        if picked and choice is None:
            errors["who"] = GONE_SPONSOR
        else:
            role, who = (choice.role, choice.who) if choice else (role, None)
    if not who and "who" not in errors:
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


def _was_picked(values: State) -> bool:
    """Whether "Who" was a select of the POC's sponsors (else the name was typed)."""
    element = next(iter(values.get("who", {}).values()), None) or {}
    return element.get("type") == "static_select"


def who_label(poc: Poc, who: str) -> str:
    """A mention for one of the POC's people in Slack; anything else is a name, shown inert
    (a typed "UBOSS" must not become a mention)."""
    return user(who) if who in {p.user_id for p in poc.stakeholders if p.user_id} else escape(who)


def engagement_blocks(poc: Poc, e: EngagementInput, *, logged_by: str) -> list[dict[str, Any]]:
    kind = KIND_LABELS[e.kind].split(" (")[0]
    body = (
        f"*Sponsor engagement* · {escape(poc.prospect)} · {kind} with {who_label(poc, e.who)} "
        f"({ROLE_LABELS.get(e.role, 'sponsor')}) on {e.held_on:%a %d %b}"
    )
    if e.outcome:
        body += f"\n*Outcome:* {escape(e.outcome)}"
    counts = (
        "Counts: the stalled-sponsor clock restarts."
        if engagement_counts(e.kind, e.role)
        else "Logged, but email and chat don't count: book a meeting or call."
    )
    return [section(body), context(f"{counts} · Logged by {user(logged_by)} · internal")]


def engagement_text(poc: Poc, e: EngagementInput) -> str:
    who = who_label(poc, e.who)
    return f"Sponsor engagement for {escape(poc.prospect)}: {e.kind.value} with {who}"
