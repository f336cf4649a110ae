"""What is said and done about a POC: a nudge due, a vote cast, a POC written down."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.words import Cadence, MilestoneKind, NudgeKind, Role, Skin, Verdict


@dataclass(frozen=True, slots=True)
class Nudge:
    """Something the scheduler should say about a POC today.

    `key` is unique per POC and local date in the sent-log: a daily nudge uses its kind
    (plus a subject such as the milestone), a once-only nudge names the thing it is about.
    """

    kind: NudgeKind
    key: str
    local_date: date
    text: str
    internal: bool = False
    subject: str = ""  # milestone kind, scope change id, … for the buttons
    once: bool = False  # delivered once ever, not once a day


@dataclass(frozen=True, slots=True)
class Vote:
    """One reaction event on a criterion's message: added or removed, by whom, when."""

    user_id: str
    reaction: str
    added: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class VerdictState:
    """A criterion's verdict as its votes leave it (bot/rules/verdicts.py works it out)."""

    verdict: Verdict
    by: str | None
    at: datetime | None
    conflict: bool
    voters: tuple[tuple[str, Verdict], ...]  # active (user, verdict), oldest first


@dataclass(frozen=True, slots=True)
class Person:
    role: Role
    user_id: str | None = None
    name: str | None = None
    briefed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewPoc:
    channel_id: str
    prospect: str
    start: date
    end: date
    created_by: str
    tz: str = "UTC"
    pain: str = ""
    internal_channel_id: str | None = None
    cadence: Cadence = Cadence.weekly
    budget_confirmed: bool = False
    skin: Skin = Skin.none
    people: tuple[Person, ...] = ()
    use_cases: tuple[str, ...] = ()
    milestones: dict[MilestoneKind, date] = field(default_factory=dict)
    #: milestones already behind us when the POC is written down (the scoping call)
    done: frozenset[MilestoneKind] = frozenset()
    #: the holiday calendar chosen in the form; None: the workspace's or the timezone's
    holiday_country: str | None = None
    kickoff_verdict: str | None = None  # the go/no-go verdict when it was written down
