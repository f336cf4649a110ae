"""bot.deps.FollowUps: work after an ack yields to the requests still before theirs."""

from __future__ import annotations

import asyncio

from bot.deps import FollowUps


async def _enter(follow_ups: FollowUps, started: list[str], name: str) -> None:
    async with follow_ups:
        started.append(name)
        await asyncio.sleep(0)


async def _turns(n: int = 5) -> None:
    """Let every ready task run up to its next wait (no time passes)."""
    for _ in range(n):
        await asyncio.sleep(0)


async def test_a_follow_up_waits_until_every_request_before_its_ack_is_answered() -> None:
    follow_ups, started = FollowUps(patience_s=60), []
    follow_ups.before_ack()
    follow_ups.before_ack()
    task = asyncio.ensure_future(_enter(follow_ups, started, "post"))
    await _turns()
    assert started == []
    follow_ups.acked()
    await _turns()
    assert started == []  # one request still waits for its ack
    follow_ups.acked()
    await asyncio.wait_for(task, 1)
    assert started == ["post"]


async def test_with_no_request_waiting_a_follow_up_starts_at_once() -> None:
    follow_ups, started = FollowUps(patience_s=60), []
    await asyncio.wait_for(_enter(follow_ups, started, "post"), 1)
    assert started == ["post"]


async def test_under_load_that_never_lets_up_a_follow_up_goes_after_its_patience() -> None:
    follow_ups, started = FollowUps(patience_s=0.01), []
    follow_ups.before_ack()  # never answered
    await asyncio.wait_for(_enter(follow_ups, started, "post"), 1)
    assert started == ["post"]


async def test_at_most_lanes_follow_ups_run_at_once() -> None:
    follow_ups, started = FollowUps(lanes=1, patience_s=60), []
    gate = asyncio.Event()

    async def long_one() -> None:
        async with follow_ups:
            started.append("first")
            await gate.wait()

    first = asyncio.ensure_future(long_one())
    second = asyncio.ensure_future(_enter(follow_ups, started, "second"))
    await _turns()
    assert started == ["first"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert started == ["first", "second"]
