"""`/poc status`: the scoreboard, privately to whoever asked (internal lines for SE and AE).

Reached through the /poc router (handlers/commands.py); its buttons live in handlers/actions.py,
so it registers no listener of its own."""

from __future__ import annotations

from bot.rules import Act, insider, is_closed
from bot.views.lifecycle import closed_here
from bot.views.status import status_blocks, status_text
from bot.views.text import MAX_MESSAGE_BLOCKS, section
from handlers.request import Command


async def show_status(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.see_status)
    if poc is None:
        return
    now = cmd.deps.clock()
    internal = insider(poc, cmd.user_id)
    blocks = status_blocks(poc, now, internal=internal)
    if is_closed(poc):  # the channel's POC is over: say so first, and how to start another
        said = closed_here(poc, internal=internal)
        await cmd.say_privately(said, [section(said), *blocks[: MAX_MESSAGE_BLOCKS - 1]])
        return
    await cmd.say_privately(status_text(poc, now), blocks)
