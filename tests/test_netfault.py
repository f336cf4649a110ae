"""The fault proxy itself: it passes traffic, then partitions and refuses as asked."""

from __future__ import annotations

import asyncio

import pytest

from storage.db import Database
from tests.conftest import PG_SKIP, PG_URL
from tests.netfault import FaultyLink

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP)


async def test_a_partition_hangs_and_a_refusal_fails_fast() -> None:
    assert PG_URL
    async with FaultyLink() as link:
        db = Database(link.url(PG_URL), pool_pre_ping=False)
        try:
            assert await db.ping()
            link.partition()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(db.ping(), 0.5)
            link.refuse()
            assert not await db.ping()
            link.heal()
            assert await db.ping()
        finally:
            await db.dispose()
