"""Workspace settings in App Home, end to end: who sees and may use them, the modal, inline
errors, and what each setting changes (the sweep's hour, quiet mode, the holiday country)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain import DEFAULT_WORKSPACE, Thresholds
from bot.sandbox.harness import Sandbox
from bot.views.settings import CALLBACK, OPEN
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import SweepReport, sweep
from storage import workspace
from tests.e2e.conftest import AE, DEAL, OUTSIDER, SE
from tests.e2e.journeys import create_poc

ADMIN, OWNER, GUEST = "UADMIN", "UOWNER", "UGUEST"
#: Every field of the modal, as an admin fills it in.
ANSWERS: dict[str, Any] = {
    "nudge_hour": "10",
    "holiday_country": "gb",
    "digest": [],
    "sponsor_stall_days": "10",
    "champion_silent_days": "5",
    "timeframe_warning_days": "45",
    "quiet_channels": [DEAL],
    "admins": [AE],
    "managers": [OUTSIDER],
}


def admins(sb: Sandbox) -> None:
    sb.slack.add_user(ADMIN, "Ada Admin", is_admin=True)
    sb.slack.add_user(OWNER, "Owen Owner", is_owner=True)
    # A guest who is an admin elsewhere is no admin of ours.
    sb.slack.add_user(GUEST, "Gus Guest", is_admin=True, is_restricted=True)


async def home_of(sb: Sandbox, user_id: str) -> dict[str, Any]:
    sb.slack.home.pop(user_id, None)
    assert (await sb.client.open_home(user_id)).status == 200
    return await sb.slack.wait_for(lambda: sb.slack.home.get(user_id))


def has_settings(home: dict[str, Any]) -> bool:
    return any(e.get("action_id") == OPEN for b in home["blocks"] for e in b.get("elements", []))


async def open_settings(sb: Sandbox, user_id: str) -> dict[str, Any] | None:
    home = await home_of(sb, user_id)
    opened = len(sb.slack.opened)
    told = len(sb.slack.posts(user_id))
    reply = await sb.client.click(user_id, action_id=OPEN, value="settings", view=home)
    assert reply.status == 200
    await sb.slack.wait_for(
        lambda: len(sb.slack.opened) > opened or len(sb.slack.posts(user_id)) > told
    )
    return sb.slack.opened[-1] if len(sb.slack.opened) > opened else None


async def stored(sb: Sandbox) -> Any:
    async with sb.db.session() as s:
        return await workspace.load_workspace(session=s, team_id=sb.slack.team_id)


async def test_admins_and_owners_see_the_settings_others_do_not(sb: Sandbox) -> None:
    admins(sb)
    assert has_settings(await home_of(sb, ADMIN))
    assert has_settings(await home_of(sb, OWNER))
    for user_id in (SE, GUEST):
        assert not has_settings(await home_of(sb, user_id))
        assert await open_settings(sb, user_id) is None  # a forged click: told, no modal
        assert "Only the workspace's admins" in sb.slack.posts(user_id)[-1].text


async def test_an_admin_changes_every_setting_from_app_home(sb: Sandbox) -> None:
    admins(sb)
    view = await open_settings(sb, ADMIN)
    assert view is not None and view["callback_id"] == CALLBACK
    sb.slack.home.pop(ADMIN, None)  # the home published before: wait for the one after
    assert await sb.submit(ADMIN, view, ANSWERS) == {}
    ws = await stored(sb)
    assert (ws.nudge_hour, ws.holiday_country, ws.digest) == (10, "GB", False)
    assert ws.thresholds == Thresholds(10, 5, 45)
    assert ws.quiet_channels == {DEAL} and ws.admins == (AE,) and ws.managers == (OUTSIDER,)
    home = await sb.slack.wait_for(lambda: sb.slack.home.get(ADMIN))
    assert "Nudges from 10:00" in str(home["blocks"]) and "United Kingdom" in str(home["blocks"])

    # The AE is named now: they may change them too, and set them back.
    again = await open_settings(sb, AE)
    assert again is not None
    back = {**ANSWERS, "nudge_hour": "9", "holiday_country": "", "digest": ["on"]}
    back |= {"sponsor_stall_days": "7", "champion_silent_days": "3"}
    back |= {"timeframe_warning_days": "30", "quiet_channels": [], "managers": []}
    assert await sb.submit(AE, again, back) == {}
    ws = await stored(sb)
    assert (ws.nudge_hour, ws.holiday_country, ws.digest, ws.thresholds) == (
        None,
        None,
        True,
        Thresholds(),
    )
    assert ws.admins == (AE,)


async def test_bad_values_are_refused_on_their_fields_and_nothing_is_stored(
    sb: Sandbox,
) -> None:
    admins(sb)
    view = await open_settings(sb, ADMIN)
    assert view is not None
    bad = {**ANSWERS, "holiday_country": "Narnia", "champion_silent_days": "0"}
    ack = await sb.submit(ADMIN, view, bad)
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"holiday_country", "champion_silent_days"}
    assert await stored(sb) == DEFAULT_WORKSPACE

    # Someone who may not change them is refused even with the modal in hand.
    ack = await sb.submit(SE, view, ANSWERS)
    assert ack["response_action"] == "errors"
    assert await stored(sb) == DEFAULT_WORKSPACE


async def sweep_at(sb: Sandbox, **delta: float) -> SweepReport:
    sb.clock.set(sb.clock.now + timedelta(**delta))
    delivery = Delivery(sb.db, pacer=Pacer(0))
    return await sweep(sb.db, sb.sweep_client, sb.clock.now, delivery=delivery)


async def test_the_nudge_hour_and_quiet_mode_reach_the_sweep(sb: Sandbox) -> None:
    admins(sb)
    await create_poc(sb, exec_briefed=[])
    view = await open_settings(sb, ADMIN)
    assert view is not None
    assert await sb.submit(ADMIN, view, {**ANSWERS, "holiday_country": ""}) == {}

    assert (await sweep_at(sb, minutes=5)).due == 0  # 09:05 in New York: before 10:00
    report = await sweep_at(sb, hours=1)  # 10:05
    assert report.delivery.sent > 0
    # Quiet mode: nothing but the kickoff in the deal channel; everything by DM.
    assert len(sb.slack.posts(DEAL)) == 1
    said = " ".join(str(m.blocks) for m in sb.slack.posts(SE))
    assert "Kickoff" in said and "executive sponsor" in said


async def test_the_workspaces_holiday_country_replaces_the_timezones(sb: Sandbox) -> None:
    admins(sb)
    await create_poc(sb, exec_briefed=[])
    # Thursday 26 November, Thanksgiving in New York: a day off…
    assert (await sweep_at(sb, days=3, minutes=5)).due == 0
    view = await open_settings(sb, ADMIN)
    assert view is not None
    answers = {**ANSWERS, "nudge_hour": "9", "holiday_country": "IN", "quiet_channels": []}
    assert await sb.submit(ADMIN, view, answers) == {}
    # …but not in India, the workspace's country now.
    assert (await sweep_at(sb, minutes=1)).due > 0
