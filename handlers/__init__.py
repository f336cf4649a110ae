"""Slack listeners, one module per flow, each with `register(app)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    actions,
    activity,
    checkins,
    commands,
    criteria,
    home,
    installs,
    lifecycle,
    poc_new,
    reactions,
    readout,
    replan,
    scope,
    settings,
    sponsor,
    team,
    templates,
)
from handlers.guard import Listeners

#: Every flow, in the order its listeners are registered.
FLOWS = (
    commands,
    poc_new,
    criteria,
    reactions,
    checkins,
    sponsor,
    scope,
    readout,
    lifecycle,
    replan,
    home,
    settings,
    actions,
    activity,
    team,
    templates,
    installs,
)


def register_all(app: AsyncApp) -> None:
    """Every flow's listeners, each run by `handlers.guard.guarded` (acked in time, failures
    answered in words, nothing raised into Bolt)."""
    listeners = Listeners(app)
    for module in FLOWS:
        module.register(listeners)
