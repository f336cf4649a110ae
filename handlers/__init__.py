"""Slack listeners, one module per flow, each with `register(app)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register_all(app: AsyncApp) -> None:
    """Every flow's listeners, each run by `handlers.guard.guarded` (acked in time, failures
    answered in words, nothing raised into Bolt)."""
    from handlers import (
        actions,
        activity,
        checkins,
        commands,
        criteria,
        home,
        poc_new,
        reactions,
        readout,
        scope,
        sponsor,
        status,
    )
    from handlers.guard import Listeners

    listeners = Listeners(app)
    for module in (
        commands,
        poc_new,
        criteria,
        reactions,
        checkins,
        sponsor,
        scope,
        status,
        readout,
        home,
        actions,
        activity,
    ):
        module.register(listeners)
