"""storage.verdicts: the vote history, each reaction event recorded once."""

from __future__ import annotations

from bot.domain import (
    Verdict,
)
from storage import verdicts
from storage.db import Database
from tests.storage.pocs import NOW, create, first_criterion


async def test_a_retried_reaction_event_is_recorded_once(db: Database) -> None:
    poc_id = await create(db)
    criterion_id = await first_criterion(db, poc_id)
    args = dict(
        team_id="T1",
        criterion_id=criterion_id,
        user_id="UCH",
        reaction="white_check_mark",
        verdict=Verdict.passed,
        added=True,
        at=NOW,
        event_key="Ev1",
    )
    async with db.transaction() as s:
        assert await verdicts.record_reaction(session=s, **args) is True  # type: ignore[arg-type]
    async with db.transaction() as s:
        assert await verdicts.record_reaction(session=s, **args) is False  # type: ignore[arg-type]
    async with db.session() as s:
        assert (
            len(await verdicts.votes_for(session=s, team_id="T1", criterion_id=criterion_id)) == 1
        )
        # Another team's history is separate even with the same event key.
        assert await verdicts.votes_for(session=s, team_id="T2", criterion_id=criterion_id) == []
