"""`/poc help`: every subcommand, what it is for."""

from __future__ import annotations

from typing import Any

from bot.views.text import clip, context, escape, section

SUBCOMMANDS = (
    ("new", "Set up a POC: prospect, dates, sponsors, budget, use cases."),
    ("criteria", "Add a pass/fail success criterion to a use case."),
    ("checkin", "Log a check-in: who met, what happened, blockers, health."),
    ("status", "The scoreboard: criteria, days left, next milestone, health."),
    ("sponsor", "Log an executive sponsor engagement and its outcome."),
    ("park <request>", "Park a scope request for Phase 2 (after the purchase)."),
    ("readout", "Post the final read-out and ask the sponsors to agree."),
    ("holidays [country]", "The public holidays this POC skips; a country code changes them."),
    ("extend", "Move the end date out (a scope change, on the record); re-plans what is left."),
    ("move", "Move one milestone to a new date; the later ones keep their order."),
    ("pause [reason]", "Put the POC on hold: no reminders in the deal channel."),
    ("resume", "Restart a paused POC, and shift its dates by the time on hold."),
    ("close won|lost|no-decision [note]", "Close it with its outcome: the reminders stop."),
    ("history", "Its audit trail, privately: who did what, and when."),
    (
        "template save|list|delete <name>",
        "Keep this POC's use cases and criteria as a template; `/poc new` offers it.",
    ),
    (
        "report [this quarter|last quarter|<dates>]",
        "The team's figures, privately: outcomes, win rates by kickoff verdict, overruns.",
    ),
    ("help", "This list."),
)


#: How much of an unknown subcommand is echoed back (it is the user's text: escaped, short).
ECHO = 40


def help_blocks(unknown: str | None = None) -> list[dict[str, Any]]:
    lines = "\n".join(f"`/poc {name}` — {what}" for name, what in SUBCOMMANDS)
    blocks = []
    if unknown:
        blocks.append(
            section(f"I don't know `/poc {escape(clip(unknown, ECHO))}`. Here is what I can do:")
        )
    blocks.append(section(lines))
    blocks.append(
        context(
            "Mark a criterion by reacting to its message: ✅ pass, ❌ fail; remove the reaction "
            "to take it back. Only the POC's evaluators count."
        )
    )
    return blocks


def help_text(unknown: str | None = None) -> str:
    names = ", ".join(name.split()[0] for name, _ in SUBCOMMANDS)
    # The ack's text is mrkdwn too: `<!channel>` typed after /poc must not come back live.
    prefix = f"Unknown subcommand '{escape(clip(unknown, ECHO))}'. " if unknown else ""
    return f"{prefix}Usage: /poc {names}"
