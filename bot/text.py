"""Plain words shared by the rules and the views: a date, a count, a clipped quote.

The rules write sentences (reasons, nudges) and the views write messages; both say a date or
a count the same way, so there is one copy of each, here, below both (rules never import views).
"""

from __future__ import annotations

import re
from datetime import date

#: The tail of a clipped mrkdwn text that would leave half an entity (`&am`) or half a
#: mention or link (`<@U12`, `<https://…`): cut before it rather than show garbage.
_TORN = re.compile(r"(&[a-z]{0,4}|<[^<>]*)$")

_PLURALS = {"criterion": "criteria"}


def day(d: date) -> str:
    """'Tue 1 Dec' — short, unambiguous across locales."""
    return f"{d:%a} {d.day} {d:%b}"


def plural(n: int, word: str) -> str:
    """'1 business day', '3 business days', '2 criteria'."""
    return f"{n} {word}" if n == 1 else f"{n} {_PLURALS.get(word, word + 's')}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending with … when cut — never inside `&lt;` or `<@U1>`."""
    if len(text) <= limit:
        return text
    return _TORN.sub("", text[: limit - 1]) + "…"


def quote(text: str, limit: int = 60) -> str:
    """What someone typed, on one line and clipped: how a rule quotes a criterion or a title."""
    return clip(" ".join(text.split()), limit)
