"""The Mutual Evaluation Plan (rule 4): six dated milestones from the start and end dates."""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import date, timedelta

from bot.domain import MilestoneKind
from bot.rules.calendar import (
    NO_HOLIDAYS,
    add_business_days,
    nearest_business_day,
    roll_back,
    roll_forward,
)
from bot.rules.defaults import (
    COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS,
    SCOPING_LEAD_BUSINESS_DAYS,
    SIGNOFF_AFTER_READOUT_BUSINESS_DAYS,
)


def default_milestones(
    start: date, end: date, *, today: date, holidays: Set[date] = NO_HOLIDAYS
) -> dict[MilestoneKind, date]:
    """The six MEP dates (seed 002) from start and end: business days, never out of order.

    Each date is clamped to the one before it, so even a one-day or a weekend POC keeps the
    order. The commercial step follows sign-off: it is contingent on it.
    """
    kickoff = roll_forward(start, holidays=holidays)
    lead = add_business_days(start, -SCOPING_LEAD_BUSINESS_DAYS, holidays=holidays)
    scoping = min(roll_forward(max(today, lead), holidays=holidays), kickoff)
    halfway = start + timedelta(days=(end - start).days // 2)
    midpoint = max(nearest_business_day(halfway, holidays=holidays), kickoff)
    readout = max(roll_back(end, holidays=holidays), midpoint)
    signoff = add_business_days(readout, SIGNOFF_AFTER_READOUT_BUSINESS_DAYS, holidays=holidays)
    commercial = add_business_days(
        signoff, COMMERCIAL_AFTER_SIGNOFF_BUSINESS_DAYS, holidays=holidays
    )
    return {
        MilestoneKind.scoping: scoping,
        MilestoneKind.kickoff: kickoff,
        MilestoneKind.midpoint: midpoint,
        MilestoneKind.readout: readout,
        MilestoneKind.signoff: signoff,
        MilestoneKind.commercial: commercial,
    }


def done_when_written(plan: Mapping[MilestoneKind, date], today: date) -> frozenset[MilestoneKind]:
    """Milestones already behind us when the POC is written down in `/poc new`.

    The modal is the output of the scoping call: if its date has come, it has happened.
    """
    scoping = plan.get(MilestoneKind.scoping)
    return frozenset({MilestoneKind.scoping}) if scoping and scoping <= today else frozenset()
