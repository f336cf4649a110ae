"""A POC's whole life (rule 11): it may pause, and it ends — closed won, lost or no decision
by the SE or AE, or as no decision by the clock once nothing has happened for long after its
end. Over, it is quiet; on hold, it gets one internal reminder a week.

The nudge rules here look at a `Today` (bot/rules/nudges.py's day), so nudges.py registers
them without this module importing it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain import (
    CLOSED_STATUSES,
    LIVE_STATUSES,
    Milestone,
    MilestoneKind,
    NewPoc,
    Nudge,
    NudgeKind,
    Poc,
    Role,
    Stakeholder,
    Status,
    UseCase,
)
from bot.rules.access import Act
from bot.rules.calendar import (
    add_business_days,
    business_days_between,
    is_business_day,
    local_time,
)
from bot.rules.defaults import (
    AUTO_CLOSE_BUSINESS_DAYS,
    AUTO_CLOSE_WARNING_BUSINESS_DAYS,
    DEFAULT_NUDGE_HOUR,
    OUTCOME_ASK_BUSINESS_DAYS,
    OUTCOME_ASK_EVERY_BUSINESS_DAYS,
    PAUSED_REMINDER_BUSINESS_DAYS,
)
from bot.rules.facts import is_done, kickoff_date

# Every nudge rule below takes a `day: Today`, so the date's words go by another name here.
from bot.text import day as _day
from bot.text import plural, quote

#: What may still be done to a POC once it is closed: look at it.
# Saving a POC as a template only reads it, and a won POC is the one worth keeping.
_WHEN_CLOSED = frozenset({Act.see_status, Act.see_history, Act.save_template})
#: The once-only key of the auto-close warning: `auto_close_warning:<last activity>:<close on>`.
_WARNING = NudgeKind.auto_close_warning.value


class Today(Protocol):
    """One POC on one local business day, as the nudge rules see it."""

    @property
    def poc(self) -> Poc: ...

    @property
    def now(self) -> datetime: ...

    @property
    def today(self) -> date: ...

    def nudge(
        self, kind: NudgeKind, text: str, *, key: str = "", subject: str = "", once: bool = False
    ) -> Nudge: ...


def draft(new: NewPoc) -> Poc:
    """The POC `new` describes, for the rules to judge before it is stored (it has no ids)."""
    return Poc(
        id=0,
        team_id="",
        channel_id=new.channel_id,
        prospect=new.prospect,
        start=new.start,
        end=new.end,
        tz=new.tz,
        budget_confirmed=new.budget_confirmed,
        skin=new.skin,
        original_end=new.end,
        stakeholders=tuple(
            Stakeholder(p.role, user_id=p.user_id, name=p.name, briefed_at=p.briefed_at)
            for p in new.people
        ),
        use_cases=tuple(UseCase(i, title) for i, title in enumerate(new.use_cases, 1)),
        milestones=tuple(Milestone(kind, due) for kind, due in new.milestones.items()),
    )


def is_closed(poc: Poc) -> bool:
    return poc.status in CLOSED_STATUSES


def open_to(act: Act, poc: Poc) -> bool:
    """A closed POC is history: it can be looked at, never changed."""
    return not is_closed(poc) or act in _WHEN_CLOSED


def _local(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def paused_days(poc: Poc, today: date) -> int:
    """Business days the POC has been on hold by `today` (0 when it is not paused)."""
    if poc.status != Status.paused or poc.paused_at is None:
        return 0
    since = _local(poc.paused_at, poc.tz)
    return max(0, business_days_between(since, today, holidays=poc.holidays))


def status_after_pause(poc: Poc) -> Status:
    """Where a resumed POC picks up: at its read-out if that was posted, else running."""
    return Status.readout if poc.readout_posted_at is not None else Status.active


def kicked_off(poc: Poc, now: datetime) -> bool:
    """Kickoff is marked done, or its day has come: the go/no-go verdict is final then."""
    kickoff = poc.milestone(MilestoneKind.kickoff)
    if kickoff is not None and is_done(kickoff, now):
        return True
    return local_time(now, poc.tz).date() >= kickoff_date(poc)


def last_activity(poc: Poc) -> date:
    """The last local day anything happened on the POC, its end date at the earliest: a
    message, reaction or click by its people, a check-in, a sponsor engagement, a vote, a
    milestone done, the read-out and its answers, a scope change."""
    tz = poc.tz
    stamps = [
        *(s.last_seen_at for s in poc.stakeholders if s.last_seen_at),
        *(e.at for e in poc.engagements),
        *(c.verdict_at for c in poc.criteria if c.verdict_at),
        *(m.done_at for m in poc.milestones if m.done_at),
        *(a.at for a in poc.readout_answers),
        *(c.at for c in poc.scope_changes),
        *([poc.readout_posted_at] if poc.readout_posted_at else []),
    ]
    days = [_local(at, tz) for at in stamps] + [c.held_on for c in poc.checkins]
    return max([poc.end, *days])


def _promised_close(poc: Poc, last: date) -> date | None:
    """The close date a delivered warning announced for this stretch of silence, if any."""
    prefix = f"{_WARNING}:{last.isoformat()}:"
    for key in poc.delivered_once:
        if key.startswith(prefix):
            try:
                return date.fromisoformat(key.removeprefix(prefix))
            except ValueError:
                continue
    return None


def auto_close_due(poc: Poc, now: datetime, *, nudge_hour: int = DEFAULT_NUDGE_HOUR) -> bool:
    """Close this POC as no decision now? Only a running one, quiet since the day its warning
    named, on a business day from the nudge hour (so the closing line comes in office hours).
    """
    local = local_time(now, poc.tz)
    # The workspace's nudge hour wins over the deployment's, as it does for the nudges.
    hour = poc.workspace.nudge_hour if poc.workspace.nudge_hour is not None else nudge_hour
    if poc.status not in LIVE_STATUSES or local.hour < hour:
        return False
    if not is_business_day(local.date(), holidays=poc.holidays):
        return False
    close_on = _promised_close(poc, last_activity(poc))
    return close_on is not None and local.date() >= close_on


def auto_close_warning_nudges(day: Today) -> list[Nudge]:
    """Once per stretch of silence, from AUTO_CLOSE_WARNING_BUSINESS_DAYS before the close."""
    poc, today = day.poc, day.today
    last = last_activity(poc)
    idle = business_days_between(last, today, holidays=poc.holidays)
    if idle < AUTO_CLOSE_BUSINESS_DAYS - AUTO_CLOSE_WARNING_BUSINESS_DAYS:
        return []
    if _promised_close(poc, last) is not None:
        return []
    # Never less notice than promised, even for a POC long quiet when this rule came in.
    close_on = max(
        add_business_days(last, AUTO_CLOSE_BUSINESS_DAYS, holidays=poc.holidays),
        add_business_days(today, AUTO_CLOSE_WARNING_BUSINESS_DAYS, holidays=poc.holidays),
    )
    text = (
        f"Nothing has happened on this POC since {_day(last)} "
        f"({plural(idle, 'business day')}). On {_day(close_on)} it closes as no decision: "
        "record the outcome now, or extend it if it is still going."
    )
    key = f"{_WARNING}:{last.isoformat()}:{close_on.isoformat()}"
    return [day.nudge(NudgeKind.auto_close_warning, text, key=key, once=True)]


def signed_off_on(poc: Poc) -> date | None:
    """The local day of the technical validation sign-off, if it was given."""
    if poc.signed_off_at is not None:
        return _local(poc.signed_off_at, poc.tz)
    signoff = poc.milestone(MilestoneKind.signoff)
    return _local(signoff.done_at, poc.tz) if signoff and signoff.done_at else None


def outcome_nudges(day: Today) -> list[Nudge]:
    """After the commercial step the AE says how it ended: asked OUTCOME_ASK_BUSINESS_DAYS
    after the sign-off, then every OUTCOME_ASK_EVERY_BUSINESS_DAYS until the POC is closed."""
    poc, today = day.poc, day.today
    signed = signed_off_on(poc)
    if signed is None:
        return []
    first = add_business_days(signed, OUTCOME_ASK_BUSINESS_DAYS, holidays=poc.holidays)
    since = business_days_between(first, today, holidays=poc.holidays)
    if since < 0 or since % OUTCOME_ASK_EVERY_BUSINESS_DAYS:
        return []
    ae = poc.person(Role.ae) or poc.person(Role.se)
    who = f"{ae.user_id}, what" if ae and ae.user_id else "What"
    text = (
        f"Signed off {_day(signed)}: the commercial step is due. {who} was the outcome? "
        "Record it, or `/poc close won|lost|no-decision [note]`."
    )
    return [day.nudge(NudgeKind.outcome_due, text)]


def paused_nudges(day: Today) -> list[Nudge]:
    """A paused POC's one internal reminder a week."""
    poc = day.poc
    days = paused_days(poc, day.today)
    if days == 0 or days % PAUSED_REMINDER_BUSINESS_DAYS:
        return []
    why = f" ({quote(poc.pause_reason, 120)})" if poc.pause_reason.strip() else ""
    text = (
        f"Paused for {plural(days, 'business day')}{why} — time kills deals. Resume it when "
        "the work restarts, or close it with its outcome."
    )
    return [day.nudge(NudgeKind.paused, text)]
