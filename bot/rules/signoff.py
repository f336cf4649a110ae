"""The technical validation sign-off (rules 9 and 11): the champion and a business or
executive sponsor agree; with a criterion failed or still pending, it is "validated with
exceptions" and says why in a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import ENGAGING_ROLES, Poc, ReadoutAnswer, Role, Verdict
from bot.rules.facts import in_scope

#: Who answers the read-out's question for the prospect, in the order a person's role is
#: looked up (someone named twice answers as the champion).
ANSWERING_ROLES = (Role.champion, *ENGAGING_ROLES)


@dataclass(frozen=True, slots=True)
class Signoff:
    """Where the sign-off stands, from the answers given so far."""

    champion: ReadoutAnswer | None  # the champion's agreement, if it stands
    sponsor: ReadoutAnswer | None  # a business or executive sponsor's, if one stands
    exceptions: bool  # a criterion in scope has failed or is still pending

    @property
    def complete(self) -> bool:
        return self.champion is not None and self.sponsor is not None


def with_exceptions(poc: Poc) -> bool:
    """Agreeing now would be "validated with exceptions": a criterion in scope is not passed."""
    return any(c.verdict != Verdict.passed for c in in_scope(poc))


def answerer(answer: ReadoutAnswer) -> str:
    """Who answered, as a key: their Slack id, else the name they were recorded under."""
    return answer.user_id or answer.name or "?"


def standing_answers(poc: Poc) -> list[ReadoutAnswer]:
    """Each person's latest answer, oldest first: "Something is missing" after an agreement
    withdraws it."""
    latest: dict[str, ReadoutAnswer] = {}
    for answer in sorted(poc.readout_answers, key=lambda a: a.at):
        latest.pop(answerer(answer), None)
        latest[answerer(answer)] = answer
    return list(latest.values())


def signoff(poc: Poc) -> Signoff:
    agreed = [a for a in standing_answers(poc) if a.agreed]
    champion = next((a for a in agreed if a.role == Role.champion), None)
    sponsor = next((a for a in agreed if a.role in ENGAGING_ROLES), None)
    return Signoff(champion=champion, sponsor=sponsor, exceptions=with_exceptions(poc))


def answering_role(poc: Poc, user_id: str) -> Role | None:
    """The role this Slack user answers the read-out as, or None (our side, evaluators)."""
    for role in ANSWERING_ROLES:
        if any(p.user_id == user_id for p in poc.people(role)):
            return role
    return None
