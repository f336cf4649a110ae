"""SQLModel tables. Every row carries the installing Slack team, and every query filters on it.

Enumerations are stored as short strings (no native PostgreSQL enum types to migrate);
timestamps go through `UTCDateTime`, so both databases hand back aware UTC datetimes; every
string goes through `CleanString` / `CleanText`, so both databases take whatever people type
(storage/columns.py).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# The column types are part of what a model is: env.py and the tests read them from here.
from storage.columns import ELLIPSIS, CleanString, CleanText, UTCDateTime, clean, utcnow  # noqa: F401
from storage.columns import poc_fk as _poc_fk
from storage.columns import string as _str
from storage.columns import text as _text
from storage.columns import timestamp as _ts

# The OAuth install's tables (slack_sdk's stores, our tenants), the clocks' work table and a
# team's POC templates have modules of their own; importing them registers their tables.
from storage.installation_models import Tenant  # noqa: F401
from storage.partitions import SweepPartition  # noqa: F401
from storage.template_models import (  # noqa: F401
    PocFromTemplate,
    PocTemplate,
    PocTemplateCriterion,
    PocTemplateUseCase,
)


class Poc(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32, index=True)
    channel_id: str = _str(32)
    internal_channel_id: str | None = _str(32, default=None, nullable=True)
    prospect: str = _str(200)
    pain: str = _text(2000, default="")
    tz: str = _str(64, default="UTC")
    start_date: date
    end_date: date
    original_end_date: date
    cadence: str = _str(16, default="weekly")
    budget_confirmed: bool = False
    skin: str = _str(24, default="none")
    status: str = _str(16, default="active", index=True)
    created_by: str = _str(32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    kickoff_message_ts: str | None = _str(32, default=None, nullable=True)
    #: set by the one request that posts the kickoff (a conditional UPDATE), so events
    #: retried or arriving together never post it twice
    kickoff_claimed_at: datetime | None = _ts()
    readout_posted_at: datetime | None = _ts()
    readout_message_ts: str | None = _str(32, default=None, nullable=True)
    signed_off_at: datetime | None = _ts()
    signed_off_by: str | None = _str(32, default=None, nullable=True)
    #: why nudges cannot reach the deal channel (not_in_channel, is_archived, …); the SE is
    #: told once and the sweep stops trying until someone fixes it.
    delivery_blocked: str | None = _str(64, default=None, nullable=True)
    delivery_blocked_at: datetime | None = _ts()
    #: the public-holiday calendar chosen for this POC ("US", "GB-SCT", "none"); None: the
    #: workspace's, else the country of its timezone
    holiday_country: str | None = _str(16, default=None, nullable=True)
    #: sign-off given with a failed or pending criterion: "validated with exceptions"
    signoff_exceptions: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    #: the go/no-go verdict as it stood at kickoff (`Go` value; set when written down, frozen at
    #: `kickoff_verdict_at`), the outcome and how it was closed: what win rates are made of
    kickoff_verdict: str | None = _str(16, default=None, nullable=True)
    kickoff_verdict_at: datetime | None = _ts()
    outcome: str | None = _str(16, default=None, nullable=True)
    closed_at: datetime | None = _ts()
    closed_by: str | None = _str(32, default=None, nullable=True)  # None: closed by the bot
    close_note: str | None = _text(1000, default=None, nullable=True)
    paused_at: datetime | None = _ts()
    pause_reason: str | None = _text(500, default=None, nullable=True)
    #: business days a resume offered to shift the plan by, until someone answers
    resume_shift: int | None = None

    __table_args__ = (sa.Index("ix_poc_team_channel", "team_id", "channel_id"),)


class Stakeholder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    role: str = _str(24)
    user_id: str | None = _str(32, default=None, nullable=True)
    name: str | None = _str(200, default=None, nullable=True)
    briefed_at: datetime | None = _ts()
    last_seen_at: datetime | None = _ts()

    __table_args__ = (sa.Index("ix_stakeholder_team_user", "team_id", "user_id"),)


class UseCase(SQLModel, table=True):
    __tablename__ = "use_case"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    title: str = _str(300)
    position: int = 0
    added_after_kickoff: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    parked_at: datetime | None = _ts()  # parked for Phase 2: out of scope, not scored


class Criterion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    statement: str = _text(500)
    method: str = _text(500, default="")
    verdict: str = _str(16, default="pending")
    verdict_by: str | None = _str(32, default=None, nullable=True)
    verdict_at: datetime | None = _ts()
    conflict: bool = False
    #: lint warnings the SE saw and saved anyway, newline-separated; they stay visible.
    lint_flags: str = _text(500, default="")
    added_after_kickoff: bool = False
    channel_id: str | None = _str(32, default=None, nullable=True)
    message_ts: str | None = _str(32, default=None, nullable=True)
    created_by: str = _str(32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    parked_at: datetime | None = _ts()  # parked for Phase 2: out of scope, not scored

    __table_args__ = (sa.Index("ix_criterion_message", "team_id", "channel_id", "message_ts"),)


class VerdictEvent(SQLModel, table=True):
    """Every reaction that touched a criterion: the history, and the source of its verdict.

    `event_key` is Slack's event_id, unique per team, so a retried event applies once.
    """

    __tablename__ = "verdict_event"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    criterion_id: int = Field(foreign_key="criterion.id", ondelete="CASCADE", index=True)
    user_id: str = _str(32)
    reaction: str = _str(64)
    verdict: str = _str(16)
    added: bool  # False: the reaction was removed
    at: datetime = Field(sa_type=UTCDateTime)
    event_key: str = _str(64)

    __table_args__ = (sa.UniqueConstraint("team_id", "event_key", name="uq_verdict_event_key"),)


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    kind: str = _str(16)
    due: date
    done_at: datetime | None = _ts()
    done_by: str | None = _str(32, default=None, nullable=True)

    __table_args__ = (sa.UniqueConstraint("poc_id", "kind", name="uq_milestone_poc_kind"),)


class Checkin(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    held_on: date
    format: str = _str(16)
    attendees: str = _text(1000, default="")
    sponsor_present: bool = False
    summary: str = _text(2000, default="")
    blockers: str = _text(2000, default="")
    health: str = _str(16, default="green")
    logged_by: str = _str(32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Engagement(SQLModel, table=True):
    """A sponsor engagement: the meetings that count, with their outcome (seed 003)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    at: datetime = Field(sa_type=UTCDateTime)
    kind: str = _str(16)
    role: str = _str(24, default="exec_sponsor")
    who: str = _str(200)
    outcome: str = _text(1000, default="")
    logged_by: str = _str(32)


class ScopeChange(SQLModel, table=True):
    __tablename__ = "scope_change"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    kind: str = _str(24)
    detail: str = _text(1000, default="")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolution: str = _str(16, default="open")
    resolved_by: str | None = _str(32, default=None, nullable=True)
    resolved_at: datetime | None = _ts()
    by: str | None = _str(32, default=None, nullable=True)  # who changed the scope
    #: what parking the change takes out of scope: the use case or criterion it added
    use_case_id: int | None = Field(default=None, foreign_key="use_case.id", ondelete="CASCADE")
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id", ondelete="CASCADE")


class ParkedItem(SQLModel, table=True):
    """A request parked for Phase 2 (post-purchase); listed in the read-out."""

    __tablename__ = "parked_item"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    text: str = _text(1000)
    by: str = _str(32)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    scope_change_id: int | None = Field(default=None, foreign_key="scope_change.id")


class ReadoutAnswer(SQLModel, table=True):
    """An answer to "Do we all agree that these criteria have been met?": given in Slack
    (`user_id`), or recorded by the SE or AE for someone who answered in the meeting."""

    __tablename__ = "readout_answer"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    user_id: str | None = _str(32, default=None, nullable=True)
    agreed: bool
    at: datetime = Field(sa_type=UTCDateTime)
    role: str | None = _str(24, default=None, nullable=True)  # what they answered as
    name: str | None = _str(200, default=None, nullable=True)  # someone outside Slack
    recorded_by: str | None = _str(32, default=None, nullable=True)
    note: str | None = _text(1000, default=None, nullable=True)
    exceptions: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class PocEvent(SQLModel, table=True):
    """A change in a POC's life (closed, paused, a milestone moved…), with who and when: its
    audit trail, written in the transaction that makes the change (bot.rules EventKind)."""

    __tablename__ = "poc_event"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    kind: str = _str(24)
    by: str | None = _str(32, default=None, nullable=True)  # None: the bot
    at: datetime = Field(sa_type=UTCDateTime)
    detail: str = _text(1000, default="")


class Snooze(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    kind: str = _str(24)
    until: date  # first local date the nudge may return

    __table_args__ = (sa.UniqueConstraint("poc_id", "kind", name="uq_snooze_poc_kind"),)


class NudgeLog(SQLModel, table=True):
    """The sent-log: one row per nudge, local date and destination, claimed before posting.

    The unique key, not a lock, is what guarantees a restart or a second clock never
    double-posts: every destination (the deal channel, the internal channel, each DM) has a
    row of its own. Status: claimed → sent | failed (retried by a later sweep, after a look at
    the destination's history) | blocked (the destination refuses; never retried).
    """

    __tablename__ = "nudge_log"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    key: str = _str(64)
    kind: str = _str(24)
    local_date: date
    #: where the nudge goes: a channel id, or a user id for a direct message
    destination: str = _str(32, default="")
    #: the condition it was said under ("since|level", bot/rules/policy.py): an unchanged one
    #: backs off, a worse one is said again
    condition: str = _str(64, default="")
    #: a threaded reply to what caused it: not the day's message in the deal channel
    in_thread: bool = False
    status: str = _str(16, default="claimed")
    attempts: int = 0
    last_error: str | None = _str(200, default=None, nullable=True)
    channel_id: str | None = _str(32, default=None, nullable=True)  # where it landed (D… for a DM)
    message_ts: str | None = _str(32, default=None, nullable=True)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: the last post that failed: a later sweep looks at history only once a late landing
    #: would have shown up
    attempted_at: datetime | None = _ts()
    sent_at: datetime | None = _ts()

    __table_args__ = (
        sa.UniqueConstraint("poc_id", "key", "local_date", "destination", name="uq_nudge_log_key"),
        # The sweep reads one team's log from yesterday on: this keeps it off the history.
        sa.Index("ix_nudge_log_team_date", "team_id", "local_date"),
    )


class BlockedDestination(SQLModel, table=True):
    """A destination other than the deal channel that refuses a POC's nudges for good
    (an internal channel we were removed from, a DM to a deactivated user).

    One row per POC and destination: the owner is told when it is inserted, once; sweeps
    route around it until it is cleared (the bot invited back). The deal channel's own block
    is `Poc.delivery_blocked`.
    """

    __tablename__ = "blocked_destination"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    destination: str = _str(32)
    error: str = _str(64)
    blocked_at: datetime = Field(sa_type=UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("poc_id", "destination", name="uq_blocked_destination"),
        sa.Index("ix_blocked_destination_team", "team_id", "destination"),
    )


class HandledRequest(SQLModel, table=True):
    """A submission (view id and hash) or command/click (trigger id) that changed something.

    Claimed in the transaction that writes, so a replay of the same signed request — which
    Slack's signature accepts for five minutes — finds its key taken and changes nothing.
    """

    __tablename__ = "handled_request"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    key: str = _str(160)
    at: datetime = Field(sa_type=UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("team_id", "key", name="uq_handled_request_key"),
        sa.Index("ix_handled_request_at", "at"),
    )


class WorkspaceSetting(SQLModel, table=True):
    """One workspace setting (bot/workspace.py names them), its value as JSON; no row: the
    default. Set from App Home or `python -m bot settings set`."""

    __tablename__ = "workspace_setting"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    key: str = _str(64)
    value: str = _text(20000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str | None = _str(32, default=None, nullable=True)

    __table_args__ = (sa.UniqueConstraint("team_id", "key", name="uq_workspace_setting_key"),)


class InternalMessage(SQLModel, table=True):
    """A message with internal content the bot posted in a channel (the go/no-go verdict, a
    sponsor note; nudges are in the sent-log), so it can be deleted if the prospect can ever
    read that channel. `deleted_at`: deleted (or found gone) since; nudges deleted that way
    get a row too, so nothing is deleted twice."""

    __tablename__ = "internal_message"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = _str(32)
    poc_id: int = _poc_fk()
    channel_id: str = _str(32)
    message_ts: str = _str(32)
    what: str = _str(24)
    posted_at: datetime = Field(sa_type=UTCDateTime)
    deleted_at: datetime | None = _ts()

    __table_args__ = (
        sa.UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_internal_message"),
    )
