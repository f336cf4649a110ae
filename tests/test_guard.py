"""Every listener the app registers runs inside handlers.guard.guarded."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps, close_client
from handlers.guard import guarded
from storage.db import Database


async def test_every_registered_listener_is_guarded() -> None:
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        database_url="sqlite:///:memory:",
    )
    db = Database(settings.database_url)
    app = build_app(Deps(settings=settings, db=db))
    try:
        # Bolt keeps its listeners in a private list: read here only to check the wiring.
        names = [listener.ack_function.__name__ for listener in app._async_listeners]
        assert len(names) >= 20
        assert all(name.startswith("guarded_") for name in names), names
    finally:
        await close_client(app.client)
        await db.dispose()


def test_a_listener_asking_for_what_bolt_does_not_give_is_refused_at_start_up() -> None:
    async def listener(ack: object, cmd: object) -> None:
        del ack, cmd

    with pytest.raises(TypeError, match="cmd"):
        guarded(listener)
