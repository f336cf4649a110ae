"""Socket Mode end to end: `python -m bot serve` with SLACK_APP_TOKEN, against the stand-in.

A command, a modal submission (one answered with inline errors in the ack) and a reaction
travel over the WebSocket and are acknowledged through it; their effects show in the stand-in
and the database. A token Slack refuses stops `serve` at once with one line; SIGTERM stops it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from bench.served import database_url
from bot.domain import Verdict
from bot.sandbox.harness import open_modal
from bot.sandbox.signing import SlackOverSocket
from bot.sandbox.slack_api import Message, SlackStandIn
from storage import snapshots
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.conftest import PG_SKIP, PG_URL
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import NEW_POC, eventually
from tests.e2e.socket_serve import EXIT_TIMEOUT_S, STOP_TIMEOUT_S, run_to_exit, socket_serve

GOOD = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
METHOD = "Timed from the ingestion dashboard during the final workshop"
#: Slack's deadline for an ack
ACK_DEADLINE_S = 3.0


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A database of its own for the process: a SQLite file, or a throwaway PG database."""
    if request.param == "postgres" and not PG_URL:
        pytest.skip(PG_SKIP)
    async with database_url(request.param) as url:
        yield url


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        for user_id, name in [(SE, "Sam SE"), (AE, "Alex AE"), (CHAMPION, "Chris Champion")]:
            stand_in.add_user(user_id, name)
        stand_in.add_channel(DEAL, "deal-globex", members=(SE, AE, CHAMPION), bot_member=False)
        yield stand_in
        check_everything_sent(stand_in)


async def recorded_criterion(db_url: str, slack: SlackStandIn, message: Message) -> int:
    """The criterion's id once the bot has stored its message's ts (votes land only then)."""
    db = Database(db_url)
    try:

        async def stored() -> int | None:
            async with db.session() as s:
                row = await snapshots.live_poc_for_channel(
                    session=s, team_id=slack.team_id, channel_id=DEAL
                )
                poc = (
                    await snapshots.load_poc(session=s, team_id=slack.team_id, poc_id=row.id)
                    if row
                    else None
                )
            found = [c for c in (poc.criteria if poc else ()) if c.message_ts == message.ts]
            return found[0].id if found else None

        return await eventually(stored, within=10)
    finally:
        await db.dispose()


async def verdict_of(db_url: str, slack: SlackStandIn, criterion_id: int) -> Verdict | None:
    db = Database(db_url)
    try:
        async with db.session() as s:
            row = await snapshots.live_poc_for_channel(
                session=s, team_id=slack.team_id, channel_id=DEAL
            )
            assert row is not None and row.id is not None
            poc = await snapshots.load_poc(session=s, team_id=slack.team_id, poc_id=row.id)
        assert poc is not None
        return next(c.verdict for c in poc.criteria if c.id == criterion_id)
    finally:
        await db.dispose()


async def test_a_poc_travels_over_the_socket_and_every_request_is_acked_through_it(
    slack: SlackStandIn, database: str, tmp_path: Path
) -> None:
    async with socket_serve(slack, database, tmp_path) as serve:
        people = SlackOverSocket(slack)

        # A command's reply comes back in its ack.
        reply = await people.command(SE, DEAL, "help")
        assert "/poc new" in reply.json()["text"]

        # /poc new opens the modal; a bad end date is refused inline, in the ack.
        view = await open_modal(slack, people, SE, DEAL, "new")
        assert view["callback_id"] == "poc_new"
        refused = (await people.submit(SE, view, {**NEW_POC, "end": "yesterday"})).json()
        assert refused["response_action"] == "errors" and "end" in refused["errors"]
        assert slack.posts(DEAL) == [], "nothing posted for a refused submission"

        # The good submission closes the modal (an empty ack) and kicks the POC off.
        assert (await people.submit(SE, view, NEW_POC)).text == ""
        kickoff = await slack.wait_for(lambda: slack.posts(DEAL))
        assert "Globex" in kickoff[0].text

        # A criterion, then a ✅ on its message: the verdict is stored and shown.
        view = await open_modal(slack, people, SE, DEAL, "criteria")
        use_case = next(b for b in view["blocks"] if b.get("block_id") == "use_case")
        first = use_case["element"]["options"][0]["value"]
        answers = {"use_case": first, "statement": GOOD, "method": METHOD}
        assert (await people.submit(SE, view, answers)).text == ""
        message = await slack.wait_for(
            lambda: next((m for m in slack.posts(DEAL) if m.metadata), None)
        )
        criterion_id = await recorded_criterion(database, slack, message)
        reply = await people.reaction(CHAMPION, "white_check_mark", message)
        assert (reply.status, reply.text) == (200, "")
        await slack.wait_for(lambda: message.edited >= 1)

        async def passed() -> bool:
            return await verdict_of(database, slack, criterion_id) == Verdict.passed

        await eventually(passed, within=10)

        # Every envelope was acknowledged, by id, through the socket, within Slack's 3 s.
        kinds = [e.type for e in slack.link.envelopes]
        assert {"slash_commands", "interactive", "events_api"} <= set(kinds)
        assert all(e.ack and e.ack["envelope_id"] == e.envelope_id for e in slack.link.envelopes)
        slowest = max(e.ack_seconds or 0 for e in slack.link.envelopes)
        assert slowest < ACK_DEADLINE_S, f"an ack took {slowest:.2f} s"
        assert slack.link.opened == 1 and slack.link.unexpected == []

        # In Socket Mode there is no HTTP endpoint for Slack's requests, only /healthz.
        base = f"http://127.0.0.1:{serve.port}"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/slack/events", data="x") as r:
                assert r.status in (404, 405)
            async with http.get(f"{base}/healthz") as r:
                assert r.status == 200

        stopped_in = await serve.terminate()
        assert serve.proc.returncode == 0, serve.output()[-3000:]
        assert stopped_in < STOP_TIMEOUT_S
        await slack.wait_for(lambda: not slack.link.connected)
    assert "Traceback" not in serve.output()


async def test_sigterm_stops_socket_mode_serve_with_its_clock(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    async with (
        database_url("sqlite") as url,
        socket_serve(slack, url, tmp_path, args=("serve",)) as serve,
    ):
        stopped_in = await serve.terminate()
        assert serve.proc.returncode == 0, serve.output()[-3000:]
        assert stopped_in < STOP_TIMEOUT_S
        await slack.wait_for(lambda: not slack.link.connected)


def revoke(how: str) -> Callable[[SlackStandIn], str]:
    def apply(slack: SlackStandIn) -> str:
        slack.revoke(slack.app_token, how)
        return slack.app_token

    return apply


def without_connections_write(slack: SlackStandIn) -> str:
    slack.app_token_scopes = frozenset()
    return slack.app_token


#: (Slack's error, how the token goes wrong) — each makes serve exit with one line.
BAD_TOKENS = [
    ("invalid_auth", lambda slack: "xapp-1-A0POCBOT-never-issued"),
    ("token_revoked", revoke("token_revoked")),
    ("token_expired", revoke("token_expired")),
    ("not_allowed_token_type", lambda slack: slack.token),  # the bot token pasted by mistake
    ("missing_scope: needs connections:write", without_connections_write),
]


@pytest.mark.parametrize(("error", "make_token"), BAD_TOKENS, ids=[b[0] for b in BAD_TOKENS])
async def test_a_token_slack_refuses_stops_serve_with_one_line(
    slack: SlackStandIn, tmp_path: Path, error: str, make_token: object
) -> None:
    token = make_token(slack)  # type: ignore[operator]
    async with database_url("sqlite") as url:
        exited = await run_to_exit(slack, url, tmp_path, app_token=token)
    assert exited.code != 0
    assert exited.seconds < EXIT_TIMEOUT_S
    assert exited.lines == [
        f"pocbot: Slack rejected SLACK_APP_TOKEN ({error}); create one under "
        "Basic Information → App-Level Tokens, scope connections:write (xapp-…)"
    ], exited.lines
    asked = [c for c in slack.calls if c.method == "apps.connections.open"]
    assert len(asked) == 1, "asked once: no retry loop"
    assert slack.link.opened == 0


async def test_a_token_revoked_while_serving_stops_serve_at_the_next_reconnection(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """Slack refreshes Socket Mode connections regularly; with the token revoked meanwhile,
    the reconnection is refused and serve stops with the same line, not a retry every 10 s."""
    async with (
        database_url("sqlite") as url,
        socket_serve(slack, url, tmp_path, log_level="WARNING") as serve,
    ):
        slack.revoke(slack.app_token)
        await slack.link.disconnect("refresh_requested")
        stopped_in = await serve.exit()
        assert serve.proc.returncode != 0
        assert stopped_in < EXIT_TIMEOUT_S
        lines = [line for line in serve.output().splitlines() if line.strip()]
        assert lines == [
            "pocbot: Slack rejected SLACK_APP_TOKEN (token_revoked); create one under "
            "Basic Information → App-Level Tokens, scope connections:write (xapp-…)"
        ], lines
    asked = [c for c in slack.calls if c.method == "apps.connections.open"]
    assert [c.error for c in asked] == [None, "token_revoked"], "asked again once, then stopped"


async def test_at_the_default_log_level_the_refusal_is_still_one_line(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    slack.revoke(slack.app_token)
    async with database_url("sqlite") as url:
        exited = await run_to_exit(slack, url, tmp_path, app_token=slack.app_token, log_level=None)
    assert exited.code != 0
    told = [line for line in exited.lines if "SLACK_APP_TOKEN" in line]
    assert told == [told[0]] and "token_revoked" in told[0]
    assert not any("Traceback" in line or "Retrying" in line for line in exited.lines)
