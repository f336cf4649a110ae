"""A sweep's claims as letters: what one message (or few) to one destination carries.

A POC's nudges for its deal channel, its internal channel or one person make a letter; a
person whose workspace has digests on gets one letter with every POC that has something for
them today (bot/views/digest.py). Delivery posts letters; this says what is in them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain import Nudge, Poc
from bot.rules import NUDGE_PRIORITY, owner
from bot.views.digest import digest_batches, digest_blocks, digest_text
from bot.views.nudges import nudge_batches, nudge_blocks, nudge_text
from scheduler.due import Due, is_user
from storage.sentlog import Claim


@dataclass
class Letter:
    """Claimed nudges for one destination, in the order the rules rank them: one POC's, or
    (a person's digest) every POC's that has something for that person today."""

    destination: str
    items: list[tuple[Poc, Nudge, Claim]]
    digest: bool = False

    @property
    def is_dm(self) -> bool:
        return is_user(self.destination)

    @property
    def pocs(self) -> list[Poc]:
        return list({p.id: p for p, _, _ in self.items}.values())

    @property
    def poc(self) -> Poc:
        return self.items[0][0]

    @property
    def claims(self) -> list[Claim]:
        return [c for _, _, c in self.items]

    def sections(self) -> list[tuple[Poc, list[Nudge]]]:
        grouped: dict[int, tuple[Poc, list[Nudge]]] = {}
        for poc, n, _ in self.items:
            grouped.setdefault(poc.id, (poc, []))[1].append(n)
        return list(grouped.values())

    def batches(self) -> list[list[tuple[Poc, Nudge, Claim]]]:
        """The items in as few messages as Slack's 50 blocks hold (never a trimmed one)."""
        if not self.digest:
            return nudge_batches(self.items)
        by_poc = {p.id: [i for i in self.items if i[0].id == p.id] for p in self.pocs}
        return [
            [i for poc, _ in batch for i in by_poc[poc.id]]
            for batch in digest_batches(self.sections())
        ]


def letters(poc: Poc, nudges: Sequence[Nudge], claims: Sequence[Claim]) -> list[Letter]:
    """One POC's claims grouped by destination: the deal channel first, then internal ones."""
    rank = {n.key: i for i, n in enumerate(nudges)}
    by_key = {n.key: n for n in nudges}
    grouped: dict[str, list[tuple[Poc, Nudge, Claim]]] = defaultdict(list)
    for c in sorted(claims, key=lambda c: rank.get(c.key, len(rank))):
        if c.key in by_key:
            grouped[c.destination].append((poc, by_key[c.key], c))
    order = sorted(
        grouped,
        key=lambda d: (d != poc.channel_id, d != poc.internal_channel_id, is_user(d), d),
    )
    return [Letter(d, grouped[d]) for d in order]


def all_letters(due: Sequence[Due], claims: Sequence[Claim]) -> list[Letter]:
    """Every letter of a sweep: a person whose workspace has digests on gets one letter with
    all their POCs (most urgent POC first), the rest one letter per POC and destination."""
    mine: defaultdict[int, list[Claim]] = defaultdict(list)
    for c in claims:
        mine[c.poc_id].append(c)
    out: list[Letter] = []
    digests: dict[tuple[str, str], Letter] = {}
    for d in due:
        for letter in letters(d.poc, d.nudges, mine.get(d.poc.id, [])):
            if letter.is_dm and d.poc.workspace.digest:
                key = (d.poc.team_id, letter.destination)
                if key not in digests:
                    digests[key] = Letter(letter.destination, [], digest=True)
                    out.append(digests[key])
                digests[key].items.extend(letter.items)
            else:
                out.append(letter)
    for letter in digests.values():
        letter.items.sort(key=lambda i: _urgency(i[1]))
        # POCs stay together, the most urgent first.
        first = {pid: n for n, pid in enumerate(dict.fromkeys(i[0].id for i in letter.items))}
        letter.items.sort(key=lambda i: first[i[0].id])
    return out


def _urgency(n: Nudge) -> int:
    return NUDGE_PRIORITY.index(n.kind) if n.kind in NUDGE_PRIORITY else len(NUDGE_PRIORITY)


def compose(
    letter: Letter, batch: list[tuple[Poc, Nudge, Claim]], part: tuple[int, int]
) -> tuple[str, list[dict[str, Any]]]:
    """The notification text and blocks of one message of a letter."""
    if letter.digest:
        sections: dict[int, tuple[Poc, list[Nudge]]] = {}
        for poc, n, _ in batch:
            sections.setdefault(poc.id, (poc, []))[1].append(n)
        listed = list(sections.values())
        today = batch[0][1].local_date
        return digest_text(listed), digest_blocks(listed, today, part=part)
    poc, nudges = letter.poc, [n for _, n, _ in batch]
    # In the deal channel each nudge names who takes it on (never in an internal message).
    named = (
        owner(poc)
        if letter.destination == poc.channel_id and not any(n.internal for n in nudges)
        else None
    )
    return nudge_text(poc, nudges), nudge_blocks(poc, nudges, part=part, owner=named)
