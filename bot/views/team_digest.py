"""The Monday digest a sales manager gets by DM: last week's new NO-GO and AT RISK verdicts,
the POCs in overrun, the sponsors stalled, the POCs closed last week with their outcome.

One line per POC, grouped under a title per kind; a group too long for one section goes on in
the next, and what would pass Slack's 50 blocks is counted in a last line that says where to
see it all (App Home's Team view): nothing is left out without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.domain import Poc, Role
from bot.rules import Go, WeekNews, in_scope, local_today, qualify, score
from bot.views.kickoff import VERDICT_EMOJI
from bot.views.lifecycle import OUTCOME_ICONS, OUTCOME_LABELS
from bot.views.text import (
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT,
    clip,
    context,
    day,
    escape,
    header,
    plural,
    section,
    user,
)

#: A line of the digest at most this long: a prospect of 200 characters fits, and a section
#: always takes at least a few lines.
MAX_LINE = 600


def _who(poc: Poc) -> str:
    """The POC, where it runs, and its SE: what a manager needs to follow it up."""
    se = ", ".join(user(p.user_id) if p.user_id else escape(p.label) for p in poc.people(Role.se))
    return f"*{escape(poc.prospect)}* in <#{poc.channel_id}> · SE {se or '_none_'}"


def _verdict_line(poc: Poc, verdict: Go) -> str:
    reasons = [r for r in qualify(poc).reasons if r.level == verdict]
    why = f" — {escape(reasons[0].text)}" if reasons else ""
    more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
    return f"{VERDICT_EMOJI[verdict]} *{verdict.value}* {_who(poc)}{why}{more}"


def _overrun_line(poc: Poc, today: date) -> str:
    late = (today - poc.end).days
    return f"{_who(poc)} · ended {day(poc.end)}, overrun by {plural(late, 'day')}"


def _closed_line(poc: Poc) -> str:
    s = score(in_scope(poc))
    kickoff = poc.kickoff_verdict if poc.kickoff_verdict in set(Go) else None
    verdict = f"{VERDICT_EMOJI[Go(kickoff)]} {kickoff}" if kickoff else "no kickoff verdict"
    when = day(local_today(poc.closed_at, poc.tz)) if poc.closed_at else ""
    return (
        f"{OUTCOME_ICONS.get(poc.status, '🏁')} *{OUTCOME_LABELS.get(poc.status, 'Closed')}* "
        f"{when} {_who(poc)} · kickoff {verdict} · ✅ {s.passed} of {s.total} criteria passed"
    )


def _groups(news: WeekNews, monday: date) -> list[tuple[str, list[str]]]:
    return [
        (
            "🚦 New NO-GO and AT RISK verdicts",
            [_verdict_line(p, v) for p, v in news.verdicts],
        ),
        ("⏰ In overrun", [_overrun_line(p, monday) for p in news.overruns]),
        (
            "🚨 Sponsors stalled",
            [f"{_who(p)} · no sponsor meeting for {plural(d, 'day')}" for p, d in news.stalled],
        ),
        ("🏁 Closed last week", [_closed_line(p) for p in news.closed]),
    ]


def _sections(title: str, lines: Sequence[str]) -> list[str]:
    """The group's texts: its title and as many lines as fit in each."""
    texts, current = [], f"*{title}* ({len(lines)})"
    for line in (clip(line, MAX_LINE) for line in lines):
        if len(current) + 1 + len(line) > MAX_TEXT:
            texts.append(current)
            current = f"*{title}* (continued)"
        current += "\n• " + line
    return [*texts, current]


def team_digest_blocks(news: WeekNews, monday: date) -> list[dict[str, Any]]:
    """The digest's blocks, within Slack's 50; `news` is not empty."""
    week = f"{day(monday - timedelta(days=7))} – {day(monday - timedelta(days=1))}"
    texts = [t for title, lines in _groups(news, monday) if lines for t in _sections(title, lines)]
    room = MAX_MESSAGE_BLOCKS - 2  # the header and the closing line
    left_out = sum(t.count("\n• ") for t in texts[room:])
    blocks = [header(f"Your team's week — {day(monday)}"), *(section(t) for t in texts[:room])]
    more = f"*…and {plural(left_out, 'more item')}* not shown here. " if left_out else ""
    return [
        *blocks,
        context(
            f"{more}Last week: {week}, your time. Every POC of the team: App Home → *Team POCs*."
        ),
    ]


def team_digest_text(news: WeekNews, monday: date) -> str:
    """The notification's words (and the text of the message for screen readers)."""
    counts = [
        plural(len(news.verdicts), "new NO-GO or AT RISK verdict"),
        f"{len(news.overruns)} in overrun",
        plural(len(news.stalled), "stalled sponsor"),
        f"{len(news.closed)} closed",
    ]
    return f"Your team's week ({day(monday)}): " + ", ".join(counts)
