"""A criterion's verdict from the emoji reactions on its message (PRODUCT.md, Slack surface).

The votes are replayed in order, so a removed reaction reverts and a retried event counts once.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain import Verdict, VerdictState, Vote

PASS_REACTIONS = frozenset({"white_check_mark", "heavy_check_mark"})
FAIL_REACTIONS = frozenset({"x"})


def reaction_verdict(reaction: str) -> Verdict | None:
    """What an emoji reaction says about a criterion; skin tones and colons are ignored."""
    name = reaction.strip().strip(":").split("::")[0].lower()
    if name in PASS_REACTIONS:
        return Verdict.passed
    if name in FAIL_REACTIONS:
        return Verdict.failed
    return None


def effective_verdict(votes: Iterable[Vote]) -> VerdictState:
    """Replay reaction events (oldest first) into the criterion's verdict.

    The latest active vote decides; removing it reverts to the one before, or to pending.
    A retried "added" for a reaction already active changes nothing (Slack retries events):
    the vote keeps its first time.
    Disagreement is kept visible as `conflict`, never silently overwritten.
    """
    # Keyed by (user, reaction): dict order is activation order, so the last item is the
    # most recent active vote. ✅ and ✔️ from one user are two votes: removing one keeps the other.
    active: dict[tuple[str, str], tuple[Vote, Verdict]] = {}
    for vote in votes:
        verdict = reaction_verdict(vote.reaction)
        if verdict is None:
            continue
        key = (vote.user_id, vote.reaction.strip().strip(":"))
        if not vote.added:
            active.pop(key, None)
        elif key not in active:
            active[key] = (vote, verdict)
    if not active:
        return VerdictState(Verdict.pending, None, None, conflict=False, voters=())
    latest, verdict = list(active.values())[-1]
    by_user: dict[str, Verdict] = {}
    for vote, user_verdict in active.values():
        by_user.pop(vote.user_id, None)  # re-insert: a user sits at their latest active vote
        by_user[vote.user_id] = user_verdict
    return VerdictState(
        verdict=verdict,
        by=latest.user_id,
        at=latest.at,
        conflict={v for _, v in active.values()} == {Verdict.passed, Verdict.failed},
        voters=tuple(by_user.items()),
    )
