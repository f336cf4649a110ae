"""`/poc holidays [CODE]`: the public holidays a POC skips, and changing them (rule 12)."""

from __future__ import annotations

from bot.public_holidays import UnknownCalendar, holiday_names, parse_calendar, years_of
from bot.rules import Act, local_today
from bot.views.holidays import USAGE, holidays_text
from bot.workspace import DEFAULT_WORDS
from handlers.request import Command, channel_poc
from storage import writes


async def holidays_command(cmd: Command) -> None:
    """No argument: show them (anyone on the POC). A country code, `none` or `auto`: change
    them (the SE and AE); the POC's business days follow from the next snapshot on."""
    await cmd.ack()
    typed = cmd.args.strip()
    poc = await cmd.poc_here(Act.set_holidays if typed else Act.see_status)
    if poc is None:
        return
    today = local_today(cmd.deps.clock(), poc.tz)
    if typed:
        try:
            chosen = None if typed.lower() in DEFAULT_WORDS else parse_calendar(typed)
        except UnknownCalendar as e:
            await cmd.say_privately(f"{e}\n{USAGE}")
            return
        async with cmd.once() as s:
            if s is None:  # a replay of this very command
                return
            await writes.update_poc(
                session=s,
                team_id=cmd.team_id,
                poc_id=poc.id,
                now=cmd.deps.clock(),
                holiday_country=chosen,
            )
        poc = await channel_poc(cmd.deps, team_id=cmd.team_id, channel_id=cmd.channel_id or "")
        if poc is None:
            return
    names = holiday_names(poc.calendar, years_of(poc.start, poc.end))
    await cmd.say_privately(
        holidays_text(poc, today=today, names=names, changed_by=cmd.user_id if typed else None)
    )
