"""Many workspaces on one deployment, end to end on both databases: the OAuth install through
the bot's own pages and the stand-in's `oauth.v2.access`, every request authorized by its
installation and answered with its token, no workspace seeing another's POCs, an org-wide
Enterprise Grid install serving its workspaces with one token, uninstall and reinstall."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import aiohttp
import pytest

from bot.installations import Installed
from bot.sandbox.harness import Clock, Sandbox, open_modal
from bot.sandbox.signing import SlackClient
from bot.workspace import parse
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from scheduler.tokens import close_workspaces
from storage import tenants, workspace
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.e2e.conftest import MONDAY_9AM_NY
from tests.e2e.journeys import NEW_POC, eventually
from tests.scheduler.seed import local

ALPHA, BETA = "TALPHA", "TBETA"
ORG, GRID_EAST, GRID_WEST = "EGRID", "TEAST", "TWEST"
SE_A, SE_B, CHAMP = "USEA", "USEB", "UCHAMPX"


@pytest.fixture
async def sb(db: Database) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(db, clock=Clock(MONDAY_9AM_NY), oauth=True)
    slack = sandbox.slack
    for user_id, name in [(SE_A, "Ana SE"), (SE_B, "Ben SE"), (CHAMP, "Cleo Champion")]:
        slack.add_user(user_id, name, tz="America/New_York")
    for channel, se in [("CALPHA", SE_A), ("CBETA", SE_B), ("CEAST", SE_A), ("CWEST", SE_B)]:
        slack.add_channel(channel, channel.lower(), members=(se, CHAMP), bot_member=False)
    async with sandbox:
        yield sandbox
        check_everything_sent(slack)


async def new_poc(sb: Sandbox, client: SlackClient, se: str, channel: str, prospect: str) -> None:
    view = await open_modal(sb.slack, client, se, channel, "new")
    answers = {**NEW_POC, "se": se, "ae": se, "champion": CHAMP, "prospect": prospect}
    answers["channel"] = channel
    answers.pop("technical_owner", None)
    reply = await client.submit(se, view, answers)
    assert reply.status == 200 and not reply.json(), reply.text
    await sb.slack.wait_for(lambda: sb.slack.posts(channel))


def tokens_used(sb: Sandbox, method: str, channel: str) -> set[str | None]:
    return {c.token for c in sb.slack.calls_to(method) if c.args.get("channel") == channel}


async def test_two_workspaces_each_with_its_own_token_and_its_own_pocs(sb: Sandbox) -> None:
    alpha_token = await sb.install(team_id=ALPHA, installer=SE_A)
    beta_token = await sb.install(team_id=BETA, installer=SE_B)
    assert alpha_token != beta_token
    alpha, beta = sb.workspace(ALPHA), sb.workspace(BETA)

    await new_poc(sb, alpha, SE_A, "CALPHA", "Globex")
    await new_poc(sb, beta, SE_B, "CBETA", "Initech")

    # Each workspace's modal and posts went with its own token, never the other's.
    assert tokens_used(sb, "chat.postMessage", "CALPHA") == {alpha_token}
    assert tokens_used(sb, "chat.postMessage", "CBETA") == {beta_token}
    opened_by = {c.token for c in sb.slack.calls_to("views.open")}
    assert opened_by == {alpha_token, beta_token}
    async with sb.db.session() as s:
        assert await tenants.served_teams(session=s) == [ALPHA, BETA]
        # The installer is the workspace's first pocbot admin.
        assert (await workspace.load_workspace(session=s, team_id=ALPHA)).admins == (SE_A,)

    # Neither sees the other's POC: Alpha's deal channel holds no POC for Beta.
    before = len(sb.slack.responses)
    assert (await beta.command(SE_B, "CALPHA", "status")).status == 200
    said = await sb.slack.wait_for(lambda: sb.slack.responses[before:] or sb.slack.ephemerals(SE_B))
    assert "no POC in this channel" in str(said)
    assert "Globex" not in str(said)


async def test_a_workspace_never_installed_is_not_served(sb: Sandbox) -> None:
    await sb.install(team_id=ALPHA)
    stranger = sb.workspace("TSTRANGER")
    reply = await stranger.command(SE_A, "CALPHA", "new")
    # Bolt refuses what no installation authorizes; nothing is opened, nothing stored.
    assert not sb.slack.opened
    assert reply.status in (200, 401)
    async with sb.db.session() as s:
        assert await tenants.served_teams(session=s) == [ALPHA]


async def test_an_org_wide_install_serves_every_workspace_of_the_org(sb: Sandbox) -> None:
    org_token = await sb.install(enterprise_id=ORG, installer=SE_A)
    east = sb.workspace(GRID_EAST, enterprise_id=ORG, org_install=True)
    west = sb.workspace(GRID_WEST, enterprise_id=ORG, org_install=True)

    await new_poc(sb, east, SE_A, "CEAST", "Globex")
    await new_poc(sb, west, SE_B, "CWEST", "Initech")

    assert tokens_used(sb, "chat.postMessage", "CEAST") == {org_token}
    assert tokens_used(sb, "chat.postMessage", "CWEST") == {org_token}
    async with sb.db.session() as s:
        # Each workspace is its own tenant, found under the org's one token.
        assert await tenants.served_teams(session=s) == [GRID_EAST, GRID_WEST]
        assert await tenants.bot_tokens(session=s, team_ids=[GRID_EAST, GRID_WEST]) == {
            GRID_EAST: org_token,
            GRID_WEST: org_token,
        }
    # A reaction in a workspace of the org (authorized for the org, naming no team) lands
    # in that workspace's POC, not nowhere.
    before = len(sb.slack.responses)
    assert (await west.command(SE_B, "CEAST", "status")).status == 200
    said = await sb.slack.wait_for(lambda: sb.slack.responses[before:] or sb.slack.ephemerals(SE_B))
    assert "Globex" not in str(said)


async def test_an_org_workspace_s_manager_group_is_asked_in_that_workspace(sb: Sandbox) -> None:
    await sb.install(enterprise_id=ORG, installer=SE_A)
    east = sb.workspace(GRID_EAST, enterprise_id=ORG, org_install=True)
    await new_poc(sb, east, SE_A, "CEAST", "Globex")
    sb.slack.add_usergroup("SMANAGERS", [SE_B])
    key, value = parse("managers", "SMANAGERS")
    async with sb.db.transaction() as s:
        await workspace.save_settings(
            session=s, team_id=GRID_EAST, values={key: value}, by=None, now=sb.clock.now
        )
    assert (await east.open_home(SE_B)).status == 200
    home = await sb.slack.wait_for(lambda: sb.slack.home.get(SE_B))
    assert "Globex" in str(home)  # the Team view: SE_B is a manager through the group
    asked = sb.slack.calls_to("usergroups.users.list")
    assert asked and all(c.args.get("team_id") == GRID_EAST and not c.error for c in asked)


async def sweeps(sb: Sandbox, days: list[date]) -> None:
    """The clock of an OAuth deployment on those mornings: every installed workspace, each
    with the token read from the database (bot.installations.Installed)."""
    workspaces = Installed(sb.deps.settings, sb.db)
    try:
        for day in days:
            sb.clock.set(local(day, 9, 5))
            delivery = Delivery(sb.db, channels=sb.deps.channels, pacer=Pacer(0))
            await sweep(sb.db, workspaces, sb.clock.now, delivery=delivery)
    finally:
        await close_workspaces(workspaces)


def spoken_with(sb: Sandbox, token: str, after: int) -> set[str]:
    """Where the bot posted with `token` since the `after`th call: channels, DMs as users."""
    dms = {sb.slack.dm_id(u): u for u in (SE_A, SE_B, CHAMP)}
    return {
        dms.get(c.args.get("channel", ""), c.args.get("channel", ""))
        for c in sb.slack.calls[after:]
        if c.method == "chat.postMessage" and c.token == token and not c.error
    }


async def test_each_workspace_s_nudges_go_with_its_own_token_and_stop_at_uninstall(
    sb: Sandbox,
) -> None:
    alpha_token = await sb.install(team_id=ALPHA, installer=SE_A)
    beta_token = await sb.install(team_id=BETA, installer=SE_B)
    await new_poc(sb, sb.workspace(ALPHA), SE_A, "CALPHA", "Globex")
    await new_poc(sb, sb.workspace(BETA), SE_B, "CBETA", "Initech")

    first = len(sb.slack.calls)
    week = [date(2026, 11, 24) + timedelta(days=d) for d in range(4)]  # Tue-Fri
    await sweeps(sb, week[:2])
    alpha, beta = spoken_with(sb, alpha_token, first), spoken_with(sb, beta_token, first)
    assert alpha and beta  # each workspace was nudged…
    assert alpha <= {"CALPHA", SE_A} and beta <= {"CBETA", SE_B}  # …only where it lives

    sb.slack.uninstall(team_id=ALPHA)
    assert await uninstall_event(sb.workspace(ALPHA)) == 200
    await eventually(lambda: served_are(sb, [BETA]))
    gone = len(sb.slack.calls)
    await sweeps(sb, week[2:])
    assert all(c.token != alpha_token for c in sb.slack.calls[gone:])  # not one call


async def served_are(sb: Sandbox, teams: list[str]) -> bool:
    async with sb.db.session() as s:
        return await tenants.served_teams(session=s) == teams


async def uninstall_event(client: SlackClient, *, revoked: bool = False) -> int:
    event = (
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UPOCBOT"]}}
        if revoked
        else {"type": "app_uninstalled"}
    )
    return (await client.event(event)).status


async def test_uninstall_stops_every_call_with_the_token_and_reinstall_resumes(
    sb: Sandbox,
) -> None:
    token = await sb.install(team_id=ALPHA, installer=SE_A)
    await sb.install(team_id=BETA, installer=SE_B)
    alpha = sb.workspace(ALPHA)
    await new_poc(sb, alpha, SE_A, "CALPHA", "Globex")

    kickoff = sb.slack.posts("CALPHA")[0]
    sb.slack.uninstall(team_id=ALPHA)  # Slack stops taking the token…
    assert await uninstall_event(alpha) == 200  # …and tells the app
    await eventually(lambda: served_are(sb, [BETA]))
    async with sb.db.session() as s:
        assert await tenants.bot_tokens(session=s, team_ids=[ALPHA]) == {}
    calls = len(sb.slack.calls_with(token))

    # A request from the workspace now is authorized by nothing: no call with the old token.
    # (Authorization comes before any listener: once the answer is back, nothing follows.)
    await alpha.command(SE_A, "CALPHA", "status")
    await alpha.reaction(CHAMP, "white_check_mark", kickoff)
    assert len(sb.slack.calls_with(token)) == calls

    # The POC is kept; installing again serves it with the new token.
    new_token = await sb.install(team_id=ALPHA, installer=SE_A)
    async with sb.db.session() as s:
        assert await tenants.served_teams(session=s) == [ALPHA, BETA]
        assert await tenants.bot_tokens(session=s, team_ids=[ALPHA]) == {ALPHA: new_token}
    before = len(sb.slack.responses)
    assert (await alpha.command(SE_A, "CALPHA", "status")).status == 200
    said = await sb.slack.wait_for(lambda: sb.slack.responses[before:] or sb.slack.ephemerals(SE_A))
    assert "Globex" in str(said)
    assert len(sb.slack.calls_with(token)) == calls


async def test_a_revoked_bot_token_stops_the_workspace(sb: Sandbox) -> None:
    token = await sb.install(team_id=ALPHA)
    sb.slack.revoke(token)
    assert await uninstall_event(sb.workspace(ALPHA), revoked=True) == 200
    await eventually(lambda: served_are(sb, []))


async def test_a_forged_state_is_refused(sb: Sandbox) -> None:
    code = sb.slack.install(team_id=ALPHA)
    async with aiohttp.ClientSession() as browser:
        url = f"{sb.base_url}/slack/oauth_redirect?code={code}&state=forged.0123"
        async with browser.get(url, allow_redirects=False) as r:
            assert r.status >= 400
    async with sb.db.session() as s:
        assert await tenants.served_teams(session=s) == []
    assert not sb.slack.installs.by_token  # the code was never traded for a token
