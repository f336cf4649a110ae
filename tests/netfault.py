"""A TCP proxy in front of PostgreSQL that a test can break: a real network fault, not a mock.

    async with FaultyLink(port=5432) as link:
        url = link.url("postgresql://postgres@127.0.0.1:5432/test")   # the app connects here
        link.partition()   # bytes stop flowing both ways; connections hang (a network partition)
        link.refuse()      # open connections are cut and new ones are closed at once (db down)
        link.heal()        # back to normal for new connections

Tests of database faults point the bot at `link.url(...)` and break the link mid-test.
"""

from __future__ import annotations

import asyncio
import contextlib
from enum import Enum

from sqlalchemy.engine import make_url


class Mode(Enum):
    pass_through = "pass"
    partition = "partition"  # accept, forward nothing: every read hangs
    refuse = "refuse"  # close every connection at once


class FaultyLink:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 5432) -> None:
        self.target = (host, port)
        self.mode = Mode.pass_through
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def __aenter__(self) -> FaultyLink:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.refuse()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._pipes):
            task.cancel()
        for task in list(self._pipes):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def url(self, database_url: str) -> str:
        """`database_url` with host and port replaced by this proxy's."""
        return (
            make_url(database_url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )

    # ------------------------------------------------------------------ faults

    def partition(self) -> None:
        self.mode = Mode.partition
        self._flowing.clear()

    def refuse(self) -> None:
        self.mode = Mode.refuse
        self._flowing.set()
        for writer in list(self._writers):
            writer.close()

    def heal(self) -> None:
        self.mode = Mode.pass_through
        self._flowing.set()

    # ------------------------------------------------------------------ plumbing

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode is Mode.refuse:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                await self._flowing.wait()  # a partition holds the bytes, it does not drop them
                if self.mode is Mode.refuse:
                    break
                dst.write(data)
                await dst.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(dst)
            dst.close()


__all__ = ["FaultyLink", "Mode"]
