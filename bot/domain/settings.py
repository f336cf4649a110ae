"""What a workspace chooses: thresholds and settings, with the product's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When silence becomes an alert, and a plan too long (rules 6 and 8); set per workspace."""

    sponsor_stall_days: int = 7  # calendar days without a sponsor engagement
    champion_silent_days: int = 3  # business days without a word from the champion
    max_timeframe_days: int = 30  # a longer planned timeframe is warned about


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """What a workspace's admins chose (App Home, `python -m bot settings`); the defaults are
    the product's. Every POC snapshot carries its workspace's, so the rules stay pure."""

    #: local hour nudges go out from; None: the deployment's NUDGE_HOUR
    nudge_hour: int | None = None
    #: the public holidays POCs follow unless they name their own; None: each POC's timezone
    holiday_country: str | None = None
    #: internal alerts as one digest per person per business day
    digest: bool = True
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: deal channels where no nudge is posted: they go to the internal destinations instead
    quiet_channels: frozenset[str] = frozenset()
    #: who may change these settings besides the workspace's own admins and owners
    admins: tuple[str, ...] = ()
    #: sales managers: they see every POC of the team (App Home's Team view) and get a Monday
    #: digest; user ids, and user groups' ids (S…) whose members are managers
    managers: tuple[str, ...] = ()


DEFAULT_WORKSPACE = WorkspaceSettings()
