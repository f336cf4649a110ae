"""The Monday digest for sales managers: one DM per manager each Monday from the nudge hour, in
the manager's own timezone (their Slack profile's, from users.info; the deployment's DEFAULT_TZ
when Slack gives none), about the week before (bot/rules/team.py). Nothing when nothing
happened.

The clock runs it after each sweep. Most of the week it costs nothing: only while it is Monday
somewhere on Earth (Sunday 10:00 to Tuesday 12:00 UTC) does it read the settings, and only for
a manager not yet served that Monday does it ask Slack their timezone (kept six hours) and load
the team's POCs (once per team and tick).

Exactly once per manager and Monday, whatever the number of clocks or restarts: the digest is
claimed in the database first (storage/team.py), then the DM's recent history is read for one
already there — a post Slack answered with a 5xx may have landed — and only then is it posted.
A post that fails gives the claim back for the next sweep; a refusal (the person is gone)
keeps it. A quiet week is claimed too, so it is judged once. A process killed between the
claim and the post loses that manager's digest for the week: at most once, never twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc
from bot.managers import GroupCache, manager_ids
from bot.rules import candidate_monday, digest_monday, week_news
from bot.tenancy import DEAD_TOKEN_ERRORS, Workspaces
from bot.views.team_digest import team_digest_blocks, team_digest_text
from scheduler.delivery import DM_REFUSALS
from scheduler.tokens import as_workspaces, slack_error
from storage import team, workspace
from storage.db import Database

log = logging.getLogger(__name__)

#: Marks our digest messages, so a retry finds one that landed after all.
DIGEST_EVENT = "pocbot_team_digest"
#: How long a manager's timezone is trusted before users.info is asked again.
ZONE_TTL = timedelta(hours=6)
#: Closed POCs loaded for "closed last week": a week and the widest spread of timezones.
CLOSED_LOOKBACK = timedelta(days=9)
#: Recent messages of the DM read before posting: a digest that landed is among them.
HISTORY_DEPTH = 20


class _Retry(Exception):
    """The digest may not have gone: give its claim back."""


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)  # managers who got it
    quiet: list[str] = field(default_factory=list)  # nothing happened: nothing sent
    found: int = 0  # already in the DM (a post that landed behind an error)
    failed: int = 0  # given back for the next sweep


class MondayDigests:
    """Held by the clock: the managers' timezones are kept between ticks. Each team's
    managers are asked and told with the team's own client; a team without one is skipped."""

    def __init__(
        self, db: Database, workspaces: Workspaces | AsyncWebClient, *, default_tz: str = "UTC"
    ) -> None:
        self.db = db
        self.workspaces = as_workspaces(workspaces)
        self.default_tz = default_tz
        #: (team, user) -> (timezone, when asked)
        self._zones: dict[tuple[str, str], tuple[str, datetime]] = {}

    async def tick(self, now: datetime, *, teams: list[str], nudge_hour: int) -> DigestReport:
        """Every manager of these teams due their digest at `now` gets it (or has had it)."""
        report = DigestReport()
        monday = candidate_monday(now)
        if monday is None:
            return report
        groups: GroupCache = {}  # one sweep: each user group asked once
        clients = await self.workspaces.clients(teams)
        for team_id in teams:
            client = clients.get(team_id)
            if client is None:
                continue  # uninstalled: nothing said
            async with self.db.session() as s:
                ws = await workspace.load_workspace(session=s, team_id=team_id)
            if not ws.managers:
                continue
            try:
                managers = await manager_ids(client, ws, groups)
                hour = ws.nudge_hour if ws.nudge_hour is not None else nudge_hour
                due = await self._due(client, team_id, sorted(managers), monday, now, hour)
                if due:
                    await self._team(client, team_id, due, monday, now, report)
            except SlackApiError as e:
                if slack_error(e) not in DEAD_TOKEN_ERRORS:
                    raise
                log.warning("Monday digests of %s: token dead (%s)", team_id, slack_error(e))
        return report

    async def _due(
        self,
        client: AsyncWebClient,
        team_id: str,
        managers: list[str],
        monday: date,
        now: datetime,
        hour: int,
    ) -> dict[str, str]:
        """Manager -> timezone, for those whose Monday it is past the hour and not yet served."""
        keys = {m: team.digest_key(m, monday) for m in managers}
        async with self.db.session() as s:
            taken = await team.digests_claimed(session=s, team_id=team_id, keys=keys.values())
        due = {}
        for manager in (m for m in managers if keys[m] not in taken):
            tz = await self._zone(client, team_id, manager, now)
            if digest_monday(now, tz, hour) == monday:
                due[manager] = tz
        return due

    async def _zone(self, client: AsyncWebClient, team_id: str, user_id: str, now: datetime) -> str:
        kept = self._zones.get((team_id, user_id))
        if kept is not None and now - kept[1] < ZONE_TTL:
            return kept[0]
        tz = self.default_tz
        try:
            tz = str((await client.users_info(user=user_id))["user"].get("tz") or tz)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.info("users.info %s for the Monday digest: %r; using %s", user_id, e, tz)
            return tz  # not kept: asked again next tick
        self._zones[(team_id, user_id)] = (tz, now)
        return tz

    async def _team(
        self,
        client: AsyncWebClient,
        team_id: str,
        due: dict[str, str],
        monday: date,
        now: datetime,
        report: DigestReport,
    ) -> None:
        async with self.db.session() as s:
            pocs = await team.team_pocs(
                session=s, team_id=team_id, closed_since=now - CLOSED_LOOKBACK
            )
        for manager, tz in due.items():
            key = team.digest_key(manager, monday)
            async with self.db.transaction() as s:
                if not await team.claim_digest(session=s, team_id=team_id, key=key, now=now):
                    continue  # another clock has it
            try:
                await self._one(client, manager, pocs, monday, tz, now, report)
            except _Retry:
                report.failed += 1
                async with self.db.transaction() as s:
                    await team.release_digest(session=s, team_id=team_id, key=key)

    async def _one(
        self,
        client: AsyncWebClient,
        manager: str,
        pocs: list[Poc],
        monday: date,
        tz: str,
        now: datetime,
        report: DigestReport,
    ) -> None:
        news = week_news(pocs, monday=monday, tz=tz, now=now)
        if news.empty:
            report.quiet.append(manager)
            return
        if await self._landed(client, manager, monday):
            report.found += 1
            return
        try:
            await client.chat_postMessage(
                channel=manager,
                text=team_digest_text(news, monday),
                blocks=team_digest_blocks(news, monday),
                metadata=_metadata(monday),
                unfurl_links=False,
            )
        except SlackApiError as e:
            error = slack_error(e)
            log.info("Monday digest to %s: %s", manager, error)
            if error not in DM_REFUSALS:
                raise _Retry from e
            return  # the person is gone: not retried
        except (aiohttp.ClientError, TimeoutError) as e:
            log.info("Monday digest to %s failed: %r", manager, e)
            raise _Retry from e
        report.sent.append(manager)

    async def _landed(self, client: AsyncWebClient, manager: str, monday: date) -> bool:
        """Is this Monday's digest in the DM already? Unknown counts as "maybe": retry later."""
        try:
            dm = (await client.conversations_open(users=manager))["channel"]["id"]
            history = await client.conversations_history(
                channel=dm, limit=HISTORY_DEPTH, include_all_metadata=True
            )
        except SlackApiError as e:
            if slack_error(e) in DM_REFUSALS:
                return True  # nobody to send it to
            raise _Retry from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise _Retry from e
        return any(
            (m.get("metadata") or {}).get("event_type") == DIGEST_EVENT
            and (m["metadata"].get("event_payload") or {}).get("monday") == monday.isoformat()
            for m in history.get("messages", [])
        )


def _metadata(monday: date) -> dict[str, Any]:
    return {"event_type": DIGEST_EVENT, "event_payload": {"monday": monday.isoformat()}}
