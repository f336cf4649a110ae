"""Rows to snapshots: how one POC's columns and child rows become a `domain.Poc`.

Kept apart from the queries (storage/snapshots.py) so each reads on its own; these are pure
functions over row tuples, hot in the sweep (hundreds of thousands of calls), so they avoid
Enum(value) and build plain tuples.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from bot import domain
from bot.domain import (
    DEFAULT_WORKSPACE,
    MilestoneKind,
    Role,
    ScopeChangeKind,
    ScopeResolution,
    WorkspaceSettings,
)
from bot.public_holidays import calendar_for, poc_holidays

E = TypeVar("E", bound=StrEnum)


@functools.cache
def _members(kind: type[E]) -> dict[str, E]:
    return {e.value: e for e in kind}


def _member(kind: type[E], value: str) -> E:
    # A dict lookup: Enum(value) costs ~10x more, and a sweep makes 250,000 of them.
    return _members(kind)[value]


def poc_snapshot(r: Any, c: Mapping[str, list[Any]], ws: WorkspaceSettings | None) -> domain.Poc:
    calendar, holidays = "", frozenset[Any]()
    if ws is not None:  # an outline judges nothing: no holidays needed
        calendar = calendar_for(tz=r.tz, chosen=r.holiday_country, workspace=ws.holiday_country)
        holidays = poc_holidays(calendar, r.start_date, r.end_date)
    return domain.Poc(
        id=r.id,
        team_id=r.team_id,
        channel_id=r.channel_id,
        internal_channel_id=r.internal_channel_id,
        prospect=r.prospect,
        pain=r.pain,
        tz=r.tz,
        start=r.start_date,
        end=r.end_date,
        original_end=r.original_end_date,
        cadence=_member(domain.Cadence, r.cadence),
        budget_confirmed=r.budget_confirmed,
        skin=_member(domain.Skin, r.skin),
        status=_member(domain.Status, r.status),
        created_at=r.created_at,
        readout_posted_at=r.readout_posted_at,
        stakeholders=tuple(map(_stakeholder, c["people"])),
        use_cases=tuple(
            domain.UseCase(
                id=u.id,
                title=u.title,
                added_after_kickoff=u.added_after_kickoff,
                parked=u.parked_at is not None,
            )
            for u in c["use_cases"]
        ),
        criteria=tuple(map(_criterion, c["criteria"])),
        milestones=tuple(
            domain.Milestone(kind=_member(MilestoneKind, x.kind), due=x.due, done_at=x.done_at)
            for x in c["milestones"]
        ),
        checkins=tuple(map(_checkin, c["checkins"])),
        engagements=tuple(map(_engagement, c["engagements"])),
        scope_changes=tuple(map(_scope_change, c["changes"])),
        parked=tuple(domain.ParkedItem(text=x.text, by=x.by, at=x.at) for x in c["parked"]),
        snoozed_until={x.kind: x.until for x in c["snoozes"]},
        delivered_once=frozenset(x.key for x in c["once"]),
        holidays=holidays,
        holiday_country=r.holiday_country,
        calendar=calendar,
        workspace=ws or DEFAULT_WORKSPACE,
        **_life(r),
        readout_answers=tuple(_answer(x, c["people"]) for x in c["answers"]),
    )


def _life(r: Any) -> dict[str, Any]:
    """Where the POC is in its life: kickoff verdict, pause, sign-off, close."""
    return {
        "kickoff_verdict": r.kickoff_verdict,
        "kickoff_verdict_at": r.kickoff_verdict_at,
        "paused_at": r.paused_at,
        "pause_reason": r.pause_reason or "",
        "resume_shift": r.resume_shift,
        "closed_at": r.closed_at,
        "closed_by": r.closed_by,
        "close_note": r.close_note or "",
        "readout_message_ts": r.readout_message_ts,
        "signed_off_at": r.signed_off_at,
        "signed_off_by": r.signed_off_by,
        "signoff_exceptions": r.signoff_exceptions,
    }


def _answer(x: Any, people: list[Any]) -> domain.ReadoutAnswer:
    # An answer from before roles were recorded answered as whoever its person is on the POC.
    role = x.role or next((p.role for p in people if x.user_id and p.user_id == x.user_id), None)
    return domain.ReadoutAnswer(
        role=_member(Role, role) if role else Role.evaluator,
        agreed=x.agreed,
        at=x.at,
        user_id=x.user_id,
        name=x.name,
        recorded_by=x.recorded_by,
        note=x.note or "",
        exceptions=x.exceptions,
    )


def _stakeholder(s: Any) -> domain.Stakeholder:
    return domain.Stakeholder(
        role=_member(Role, s.role),
        user_id=s.user_id,
        name=s.name,
        briefed_at=s.briefed_at,
        last_seen_at=s.last_seen_at,
    )


def _criterion(k: Any) -> domain.Criterion:
    return domain.Criterion(
        id=k.id,
        use_case_id=k.use_case_id,
        statement=k.statement,
        method=k.method,
        verdict=_member(domain.Verdict, k.verdict),
        verdict_by=k.verdict_by,
        verdict_at=k.verdict_at,
        conflict=k.conflict,
        lint_flags=tuple(k.lint_flags.split("\n")) if k.lint_flags else (),
        added_after_kickoff=k.added_after_kickoff,
        message_ts=k.message_ts,
        parked=k.parked_at is not None,
    )


def _checkin(x: Any) -> domain.Checkin:
    return domain.Checkin(
        held_on=x.held_on,
        format=_member(domain.CheckinFormat, x.format),
        sponsor_present=x.sponsor_present,
        health=_member(domain.Health, x.health),
        summary=x.summary,
        blockers=x.blockers,
        logged_by=x.logged_by,
    )


def _engagement(x: Any) -> domain.Engagement:
    return domain.Engagement(
        at=x.at,
        kind=_member(domain.EngagementKind, x.kind),
        who=x.who,
        outcome=x.outcome,
        role=_member(Role, x.role),
    )


def _scope_change(x: Any) -> domain.ScopeChange:
    return domain.ScopeChange(
        id=x.id,
        kind=_member(ScopeChangeKind, x.kind),
        detail=x.detail,
        at=x.at,
        resolution=_member(ScopeResolution, x.resolution),
    )
