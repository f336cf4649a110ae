"""`/poc status`: the scoreboard, privately to whoever asked (internal lines for SE and AE).

Reached through the /poc router (handlers/commands.py); its buttons live in handlers/actions.py,
so it registers no listener of its own."""

from __future__ import annotations

from bot.rules import Act, insider
from bot.views.status import status_blocks, status_text
from handlers.request import Command


async def show_status(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.see_status)
    if poc is None:
        return
    now = cmd.deps.clock()
    await cmd.say_privately(
        status_text(poc, now), status_blocks(poc, now, internal=insider(poc, cmd.user_id))
    )
