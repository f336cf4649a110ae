"""bot/text.py: the one copy of the words for a date, a count and a clipped quote."""

from __future__ import annotations

from datetime import date

import pytest

from bot.text import clip, day, plural, quote


def test_day() -> None:
    assert day(date(2026, 12, 1)) == "Tue 1 Dec"


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (1, "business day", "1 business day"),
        (0, "business day", "0 business days"),
        (2, "use case", "2 use cases"),
        (1, "criterion", "1 criterion"),
        (3, "criterion", "3 criteria"),
    ],
)
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_clip_never_tears_an_entity_or_a_mention() -> None:
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert clip("see &amp; more", 8) == "see …"
    assert clip("hi <@U1234567>", 8) == "hi …"


def test_quote_puts_what_was_typed_on_one_line() -> None:
    assert quote("Ingests\n500 GB   of logs") == "Ingests 500 GB of logs"
    assert quote("x" * 61) == "x" * 59 + "…"
    assert quote("word " * 30, 20) == "word word word word…"
