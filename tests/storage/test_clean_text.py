"""The storage edge takes whatever people type, on both databases: NUL bytes are dropped,
lone surrogates replaced, every text clipped to its column — never an error to retry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot import domain
from storage import models as m
from storage import snapshots, writes
from storage.db import Database
from storage.installation_models import SLACK_SDK_TABLES

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def new_poc(**changes: object) -> domain.NewPoc:
    base: dict[str, object] = {
        "channel_id": "CDEAL",
        "prospect": "Globex",
        "start": date(2026, 11, 23),
        "end": date(2026, 12, 7),
        "created_by": "USE",
        "people": (domain.Person(domain.Role.se, user_id="USE"),),
        "use_cases": ("Ingest logs",),
    }
    return domain.NewPoc(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "limit", "stored"),
    [
        ("plain", 10, "plain"),
        ("a\x00b\x00", 10, "ab"),
        ("x" * 11, 10, "x" * 9 + "…"),
        ("\x00" + "x" * 10, 10, "x" * 10),  # NUL first: it does not count against the limit
        ("caf\ud800é", 10, "caf?é"),  # a lone surrogate (JSON "\ud800") is not UTF-8
        ("żółć", 4, "żółć"),  # characters, not bytes
    ],
)
def test_clean(given: str, limit: int, stored: str) -> None:
    assert m.clean(given, limit) == stored


def test_every_string_column_is_cleaned() -> None:
    for table in SQLModel.metadata.sorted_tables:
        if table.name in SLACK_SDK_TABLES:
            continue  # slack_sdk's stores write those, from what Slack's OAuth answered
        for column in table.columns:
            if isinstance(column.type, sa.String):  # Text is a String too
                raise AssertionError(f"{table.name}.{column.name} is a bare {column.type}")
            if column.type.python_type is str:
                assert isinstance(column.type, m.CleanString | m.CleanText), column


async def test_a_poc_full_of_bad_text_is_stored(db: Database) -> None:
    bad = new_poc(
        prospect="Glo\x00bex" + "!" * 500,
        pain="\x00" * 10 + "p" * 9000,
        people=(
            domain.Person(domain.Role.se, user_id="USE"),
            domain.Person(domain.Role.exec_sponsor, name="Erin\ud800" + "E" * 300),
        ),
        use_cases=("U\x00" + "u" * 400,),
    )
    async with db.transaction() as s:
        poc_id = await writes.create_poc(session=s, team_id="T1", new=bad, now=NOW)
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
        # a lookup is cleaned too: a NUL in a forged channel id answers, it does not fail
        found = await snapshots.live_poc_for_channel(
            session=s, team_id="T1", channel_id="C\x00DEAL"
        )
    assert poc is not None and found is not None and found.id == poc_id
    assert poc.prospect.startswith("Globex!") and len(poc.prospect) == 200
    assert poc.pain == "p" * 1999 + "…"
    (exec_sponsor,) = poc.people(domain.Role.exec_sponsor)
    assert exec_sponsor.name is not None and exec_sponsor.name.startswith("Erin?E")
    assert len(exec_sponsor.name) == 200
    assert poc.use_cases[0].title.startswith("Uu") and len(poc.use_cases[0].title) == 300


async def test_reading_stays_as_stored(db: Database) -> None:
    """Only what goes in is cleaned: results come back untouched (no per-row cost on reads)."""
    async with db.transaction() as s:
        poc_id = await writes.create_poc(
            session=s, team_id="T1", new=new_poc(prospect="Acme & <Co>"), now=NOW
        )
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert poc is not None and poc.prospect == "Acme & <Co>"
