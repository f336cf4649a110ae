"""Reconciling votes with a criterion message's reactions: what is missing (pure), and
recording it exactly once on both databases, even when two reconciliations or a live vote
race it. The end-to-end recovery (database down, Slack stand-in) is in tests/e2e."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Criterion, Verdict, Vote
from bot.sandbox.slack_api import SlackStandIn
from bot.votes import Outcome, Target, apply_reactions, missing_votes, reconcile_message
from scheduler.reconcile import Reconciler
from storage import snapshots, verdicts, writes
from storage.db import Database
from tests.scheduler.seed import AE, CHAMPION, SE, TEAM, new_poc, seed_poc

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
PASS, FAIL = "white_check_mark", "x"
EVALUATORS = {SE, AE, CHAMPION}


def vote(event_id: int, user: str, reaction: str, added: bool = True) -> tuple[int, Vote]:
    return event_id, Vote(user, reaction, added, NOW + timedelta(seconds=event_id))


# ---------------------------------------------------------------- missing_votes (pure)


@pytest.mark.parametrize(
    ("history", "slack", "missing"),
    [
        pytest.param([], set(), [], id="nothing-anywhere"),
        pytest.param([], {(CHAMPION, PASS)}, [(CHAMPION, PASS, True)], id="lost-add"),
        pytest.param([vote(1, AE, PASS)], set(), [(AE, PASS, False)], id="lost-removal"),
        pytest.param([vote(1, AE, PASS)], {(AE, PASS)}, [], id="in-step"),
        pytest.param(
            [vote(1, AE, PASS), vote(2, AE, PASS, False)],
            {(AE, PASS)},
            [(AE, PASS, True)],
            id="re-added-after-removal",
        ),
        pytest.param([], {("UOUTSIDER", PASS)}, [], id="not-an-evaluator"),
        pytest.param([], {(CHAMPION, "tada")}, [], id="not-a-vote"),
        pytest.param(
            [],
            {(CHAMPION, "heavy_check_mark"), (AE, FAIL)},
            [(AE, FAIL, True), (CHAMPION, "heavy_check_mark", True)],
            id="two",
        ),
        pytest.param([vote(1, AE, ":x:")], {(AE, "x")}, [], id="colons-are-the-same-emoji"),
    ],
)
def test_missing_votes(
    history: list[tuple[int, Vote]], slack: set[tuple[str, str]], missing: list[object]
) -> None:
    assert missing_votes(history, slack, EVALUATORS, watermark=10) == missing


def test_an_event_newer_than_the_look_at_slack_wins() -> None:
    """Slack answered with ✅ at watermark 1; the removal stored since (id 2) is newer."""
    history = [vote(1, AE, PASS), vote(2, AE, PASS, False)]
    assert missing_votes(history, {(AE, PASS)}, EVALUATORS, watermark=1) == []
    assert missing_votes(history, {(AE, PASS)}, EVALUATORS, watermark=2) == [(AE, PASS, True)]


# ---------------------------------------------------------------- recording, on both databases


async def posted_criterion(
    db: Database, ts: str = "1700000000.000100", *, team: str = TEAM, status: str = "active"
) -> tuple[int, Target]:
    poc_id = await seed_poc(
        db, new_poc(start=date(2026, 11, 23), end=date(2026, 12, 4)), team_id=team
    )
    async with db.transaction() as s:
        poc = await snapshots.load_poc(session=s, team_id=team, poc_id=poc_id)
        assert poc is not None
        await writes.update_poc(session=s, team_id=team, poc_id=poc_id, now=NOW, status=status)
        criterion_id = await writes.add_criterion(
            session=s,
            team_id=team,
            poc_id=poc_id,
            use_case_id=poc.use_cases[0].id,
            statement="Ingests 500 GB within 1 hour",
            method="",
            lint_flags=(),
            after_kickoff=False,
            created_by=SE,
            now=NOW,
        )
        await writes.set_criterion_message(
            session=s, team_id=team, criterion_id=criterion_id, channel_id="CDEAL", ts=ts
        )
    return criterion_id, Target(team, "CDEAL", ts)


def asked(slack: SlackStandIn) -> list[str]:
    """The timestamps reactions.get was asked about, answered or not."""
    return [str(c.args["timestamp"]) for c in slack.calls if c.method == "reactions.get"]


async def history(db: Database, criterion_id: int) -> list[Vote]:
    async with db.session() as s:
        return await verdicts.votes_for(session=s, team_id=TEAM, criterion_id=criterion_id)


async def stored(db: Database, criterion_id: int) -> Criterion:
    """The criterion as the app reads it back."""
    async with db.session() as s:
        pocs = await snapshots.load_pocs(session=s, team_id=TEAM, statuses=None)
    return next(c for poc in pocs for c in poc.criteria if c.id == criterion_id)


async def verdict(db: Database, criterion_id: int) -> tuple[str, str | None]:
    criterion = await stored(db, criterion_id)
    return criterion.verdict, criterion.verdict_by


async def test_recorded_once_and_the_verdict_follows(db: Database) -> None:
    criterion_id, target = await posted_criterion(db)
    slack = {(CHAMPION, PASS), ("UOUTSIDER", FAIL)}
    assert await apply_reactions(db, target, slack, watermark=0, now=NOW)
    assert await verdict(db, criterion_id) == (Verdict.passed, CHAMPION)
    # again, with the same answer: nothing to do
    assert not await apply_reactions(db, target, slack, watermark=0, now=NOW)
    assert [(v.user_id, v.added) for v in await history(db, criterion_id)] == [(CHAMPION, True)]
    # the ✅ is gone from Slack: reverted, one more event
    assert await apply_reactions(db, target, set(), watermark=1, now=NOW)
    assert await verdict(db, criterion_id) == (Verdict.pending, None)
    assert len(await history(db, criterion_id)) == 2


async def test_two_reconciliations_at_once_record_once(db: Database) -> None:
    """Two passes over the same answer (the web process's retry and the clock's): the row
    lock puts them one after the other, and the second finds nothing missing."""
    criterion_id, target = await posted_criterion(db)
    slack = {(CHAMPION, PASS), (AE, FAIL)}
    results = await asyncio.gather(
        *(apply_reactions(db, target, slack, watermark=0, now=NOW) for _ in range(4))
    )
    assert sorted(results) == [False, False, False, True]
    assert len(await history(db, criterion_id)) == 2
    assert (await stored(db, criterion_id)).conflict  # ✅ and ❌ from two evaluators: shown as such


async def test_a_live_vote_stored_after_the_look_at_slack_is_kept(db: Database) -> None:
    criterion_id, target = await posted_criterion(db)
    async with db.session() as s:
        stored = await verdicts.vote_history(session=s, team_id=TEAM, criterion_id=criterion_id)
    watermark = max((event_id for event_id, _ in stored), default=0)
    # Slack answered "no reactions"; then CHAMPION's ✅ event was stored by the handler.
    async with db.transaction() as s:
        await verdicts.record_reaction(
            session=s,
            team_id=TEAM,
            criterion_id=criterion_id,
            user_id=CHAMPION,
            reaction=PASS,
            verdict=Verdict.passed,
            added=True,
            at=NOW,
            event_key="Ev-live",
        )
    assert not await apply_reactions(db, target, set(), watermark=watermark, now=NOW)
    assert [(v.user_id, v.added) for v in await history(db, criterion_id)] == [(CHAMPION, True)]


async def test_one_message_costs_one_reactions_get(db: Database) -> None:
    criterion_id, target = await posted_criterion(db, ts="1.000001")
    async with SlackStandIn(team_id=TEAM) as slack:
        slack.add_channel("CDEAL")
        message = slack.say("CDEAL", "UPOCBOT", "Criterion 1")
        target = Target(TEAM, "CDEAL", message.ts)
        async with db.transaction() as s:
            await writes.set_criterion_message(
                session=s,
                team_id=TEAM,
                criterion_id=criterion_id,
                channel_id="CDEAL",
                ts=message.ts,
            )
        slack.react("CDEAL", message.ts, CHAMPION, FAIL)
        client = AsyncWebClient(token=slack.token, base_url=slack.api_url)
        assert await reconcile_message(db, client, target, now=NOW) == Outcome.changed
        assert await reconcile_message(db, client, target, now=NOW) == Outcome.unchanged
        assert len(asked(slack)) == 2
        assert len(slack.calls_to("chat.update")) == 1  # only when the verdict moved
        assert slack.calls_to("reactions.get")[0].args["full"] in (True, "true", "1")
        # a message that is not a criterion's costs no Slack call; a deleted one is "gone"
        other = Target(TEAM, "CDEAL", "9.999999")
        assert await reconcile_message(db, client, other, now=NOW) == Outcome.not_a_criterion
        slack.messages.remove(message)
        assert await reconcile_message(db, client, target, now=NOW) == Outcome.gone
        assert len(asked(slack)) == 3


async def test_the_daily_pass_reads_only_its_teams_live_pocs(db: Database) -> None:
    _, ours = await posted_criterion(db, ts="1.000001")
    await posted_criterion(db, ts="2.000002", team="TOTHER")  # another installation's
    await posted_criterion(db, ts="3.000003", status="won")  # closed: votes are final
    _, paused = await posted_criterion(db, ts="4.000004", status="paused")
    async with SlackStandIn(team_id=TEAM) as slack:
        slack.add_channel("CDEAL")
        client = AsyncWebClient(token=slack.token, base_url=slack.api_url)
        reconciler = Reconciler(db, client, pace=0)
        report = await reconciler.tick(NOW)
        # the stand-in has no message at those ts: gone, each counted as one call
        assert (report.calls, report.gone, report.left) == (2, 2, 0)
        assert asked(slack) == [ours.ts, paused.ts]
        assert (await reconciler.tick(NOW + timedelta(hours=23))).calls == 0  # once a day
        assert (await reconciler.tick(NOW + timedelta(days=1))).calls == 2
