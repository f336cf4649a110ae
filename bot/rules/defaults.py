"""The numbers of PRODUCT.md, in one place: each rule reads its default from here.

The thresholds a workspace may change (`bot.domain.Thresholds`) reach the rules through each
POC snapshot (`poc.thresholds`); the names here are their defaults.
"""

from __future__ import annotations

from bot.domain import Cadence, Thresholds

_DEFAULTS = Thresholds()
MIN_USE_CASES = 2
MAX_USE_CASES = 3
MAX_TIMEFRAME_DAYS = _DEFAULTS.max_timeframe_days
SPONSOR_STALL_DAYS = _DEFAULTS.sponsor_stall_days  # calendar days without a sponsor engagement
CHAMPION_SILENT_BUSINESS_DAYS = _DEFAULTS.champion_silent_days
READOUT_READY_BUSINESS_DAYS = 2
#: business days between check-ins for each cadence
CADENCE_BUSINESS_DAYS = {Cadence.twice_weekly: 2, Cadence.weekly: 5, Cadence.biweekly: 10}
DEFAULT_NUDGE_HOUR = 9
#: "Snooze 1 day" skips the next business day: the nudge is back the one after.
SNOOZE_BUSINESS_DAYS = 2

#: Scoping happens this many business days before kickoff by default.
SCOPING_LEAD_BUSINESS_DAYS = 2
SIGNOFF_AFTER_READOUT_BUSINESS_DAYS = 2
COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS = 5
#: The sponsor pulse compares two windows of this many calendar days.
PULSE_WINDOW_DAYS = 14
#: A criterion shorter than this many words cannot say who, what, how much and by when.
MIN_CRITERION_WORDS = 3
#: How many pending criteria the read-out reminder names before saying "and N more".
READOUT_READY_NAMED = 5
#: Days without a meeting, call or briefing with the executive sponsor before an alert.
EXEC_DISENGAGED_DAYS = 14

#: A POC's life (rule 11). The AE is asked for the outcome this many business days after
#: the sign-off (when the commercial step is due), then every OUTCOME_ASK_EVERY.
OUTCOME_ASK_BUSINESS_DAYS = 5
OUTCOME_ASK_EVERY_BUSINESS_DAYS = 5
#: Business days past its end with no activity before a POC is closed as no decision…
AUTO_CLOSE_BUSINESS_DAYS = 30
#: …after one internal warning this many business days before.
AUTO_CLOSE_WARNING_BUSINESS_DAYS = 5
#: A paused POC's reminder comes every this many business days.
PAUSED_REMINDER_BUSINESS_DAYS = 5
