"""Where internal judgements may be posted (PRODUCT.md, "Privacy in shared channels").

The go/no-go verdict, stalled-sponsor alerts and skin in the game never go into a channel the
prospect can read: they go to the POC's internal channel, else to the SE and AE by direct
message. A channel is prospect-readable when it is shared with another organisation (Slack
Connect), or when any member is a guest (`is_restricted` / `is_ultra_restricted`) or belongs
to another team. Members are read with conversations.members and users.info, cached per
process, and a check makes at most MAX_USER_LOOKUPS users.info calls: a bigger channel is
"not known yet" (so treated as readable) until later checks have looked at everyone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc, Role
from bot.exposed import channels_exposed
from storage import exposure
from storage.db import Database

log = logging.getLogger(__name__)

#: conversations.info answers are reused this long: sharing a channel is rare, posting is not.
SHARED_TTL_SECONDS = 300.0
#: Who a user is (guest, other team) is reused this long: people seldom change teams.
USER_TTL_SECONDS = 3600.0
#: users.info calls one check may make; more unknown members leave the answer "not known".
MAX_USER_LOOKUPS = 100
#: users.info calls in flight at once (Slack allows 100+ a minute of this method).
LOOKUPS_AT_ONCE = 8
#: conversations.members page size, and how many pages a check reads at most.
MEMBERS_PAGE = 200
MAX_MEMBER_PAGES = 25
#: What is read of a conversations.info answer (here and by handlers/poc_new.py).
_INFO_READ = (
    "id",
    "is_member",
    "is_private",
    "is_archived",
    "is_ext_shared",
    "is_pending_ext_shared",
)
#: The caches are pruned of stale answers each time they have grown by this many.
_PRUNE_EVERY = 1000


class ChannelInfo:
    """Per-process caches of what Slack says about channels: conversations.info, and who can
    read a channel (from its members' users.info)."""

    def __init__(
        self,
        ttl: float = SHARED_TTL_SECONDS,
        *,
        user_ttl: float = USER_TTL_SECONDS,
        max_lookups: int = MAX_USER_LOOKUPS,
    ) -> None:
        self._ttl = ttl
        self._user_ttl = user_ttl
        self.max_lookups = max_lookups
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._readable: dict[str, tuple[float, bool]] = {}
        self._outsider: dict[str, tuple[float, bool]] = {}
        #: the team (or, for an org-wide install, the org) each token speaks for
        self._teams: dict[str, str] = {}
        #: users.info calls made so far (what the bound is measured by)
        self.user_lookups = 0

    async def get(self, client: AsyncWebClient, channel_id: str) -> dict[str, Any]:
        hit = self._cache.get(channel_id)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        info = (await client.conversations_info(channel=channel_id))["channel"]
        # Only what is read of it: a sweep asks about tens of thousands of channels.
        kept = {k: info[k] for k in _INFO_READ if k in info}
        self._cache[channel_id] = (time.monotonic(), kept)
        if len(self._cache) % _PRUNE_EVERY == 0:
            self._prune()
        return kept

    def _prune(self) -> None:
        """Drop the answers past their time: the clock's cache lives as long as it does."""
        now = time.monotonic()
        for cache, ttl in (
            (self._cache, self._ttl),
            (self._readable, self._ttl),
            (self._outsider, self._user_ttl),
        ):
            for key in [k for k, (at, _) in cache.items() if now - at >= ttl]:
                del cache[key]

    def forget(self, channel_id: str) -> None:
        self._cache.pop(channel_id, None)
        self._readable.pop(channel_id, None)

    async def prospect_readable(self, client: AsyncWebClient, channel_id: str) -> bool | None:
        """Can anyone outside the company read this channel? None: not known (yet)."""
        hit = self._readable.get(channel_id)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        if shared_externally(await self.get(client, channel_id)):
            found: bool | None = True
        else:
            found = await self._any_outsider(client, await self._members(client, channel_id))
        if found is not None:
            self._readable[channel_id] = (time.monotonic(), found)
        return found

    async def _members(self, client: AsyncWebClient, channel_id: str) -> list[str]:
        members: list[str] = []
        cursor = None
        for _ in range(MAX_MEMBER_PAGES):
            page = await client.conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor
            )
            members += page.get("members") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members
        return [*members, "?more"]  # not everyone was read: the answer cannot be "no"

    async def _any_outsider(self, client: AsyncWebClient, members: Sequence[str]) -> bool | None:
        now = time.monotonic()
        known = {
            u: hit[1]
            for u in members
            if (hit := self._outsider.get(u)) and now - hit[0] < self._user_ttl
        }
        if any(known.values()):
            return True
        unknown = [u for u in members if u not in known]
        if not unknown:
            return False
        gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)
        team = await self._our_team(client)

        async def one(user_id: str) -> bool | None:
            async with gate:
                return await self._is_outsider(client, user_id, team)

        looked = await asyncio.gather(*(one(u) for u in unknown[: self.max_lookups]))
        if any(looked):
            return True
        return False if len(unknown) <= self.max_lookups and None not in looked else None

    async def _is_outsider(self, client: AsyncWebClient, user_id: str, team: str) -> bool | None:
        if user_id == "?more":
            return None
        self.user_lookups += 1
        try:
            user = (await client.users_info(user=user_id))["user"]
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.warning("users.info %s failed: %r", user_id, e)
            return None
        answer = outsider(user, team)
        self._outsider[user_id] = (time.monotonic(), answer)
        return answer

    async def _our_team(self, client: AsyncWebClient) -> str:
        """Whose people count as ours: the token's team, or its org for an org-wide install.
        Asked once per token; one cache serves every installation."""
        token = client.token or ""
        if token not in self._teams:
            auth = await client.auth_test()
            self._teams[token] = str(auth.get("team_id") or auth.get("enterprise_id"))
        return self._teams[token]

    def forget_user(self, user_id: str) -> None:
        self._outsider.pop(user_id, None)


def outsider(user: dict[str, Any], our_team: str) -> bool:
    """A guest of our workspace, or a member of another team (a Slack Connect member)."""
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return True
    team = user.get("team_id")
    # In an Enterprise Grid org every workspace's people are the org's (our_team: the org).
    org = (user.get("enterprise_user") or {}).get("enterprise_id")
    return bool(team) and our_team not in (team, org)


def shared_externally(info: dict[str, Any]) -> bool:
    return bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))


def internal_targets(
    poc: Poc,
    *,
    shared: bool | None,
    deal_channel_allowed: bool,
    blocked: Collection[str] = (),
) -> list[str]:
    """Channels (or user ids, for DMs) that may receive internal content about this POC.

    `shared`: is the deal channel shared with another organisation (None: Slack would not
    say, so it is treated as shared). `deal_channel_allowed`: alerts may use the deal channel
    when nobody outside the company is in it; the verdict never does. `blocked`: destinations
    that refuse this POC's messages; the DMs take their place.
    """
    if poc.internal_channel_id and poc.internal_channel_id not in blocked:
        return [poc.internal_channel_id]
    # A POC with an internal channel keeps its alerts out of the deal channel even when that
    # channel refuses them: the people who chose it get them by DM meanwhile.
    if (
        deal_channel_allowed
        and shared is False
        and not poc.internal_channel_id
        and poc.channel_id not in blocked
    ):
        return [poc.channel_id]
    # chat.postMessage to a user id posts in the app's DM with that user.
    owners = [p.user_id for p in (*poc.people(Role.se), *poc.people(Role.ae)) if p.user_id]
    return [u for u in dict.fromkeys(owners) if u not in blocked]


async def is_shared(client: AsyncWebClient, channel_id: str, cache: ChannelInfo) -> bool | None:
    """Can the prospect read the channel (shared with another organisation, or a guest or
    another team's member in it)? None when Slack will not tell, or not yet."""
    try:
        return await cache.prospect_readable(client, channel_id)
    except SlackApiError as e:
        log.warning("who can read %s? %s", channel_id, e.response.get("error"))
        return None


async def internal_destinations(
    client: AsyncWebClient,
    poc: Poc,
    *,
    deal_channel_allowed: bool,
    cache: ChannelInfo,
    blocked: Collection[str] = (),
) -> tuple[list[str], bool]:
    """`internal_targets`, asking Slack who can read the channels it would use; and whether
    the POC's internal channel turned out to be prospect-readable.

    When in doubt (Slack will not tell), stay private: an internal channel not known to be
    private is passed over for the DMs this time.
    """
    blocked = set(blocked)
    exposed = False
    internal = poc.internal_channel_id
    if internal and internal not in blocked:
        readable = await is_shared(client, internal, cache)
        exposed = readable is True
        if readable is not False:
            blocked.add(internal)
    shared: bool | None = None
    if deal_channel_allowed and not internal:
        shared = await is_shared(client, poc.channel_id, cache)
    targets = internal_targets(
        poc, shared=shared, deal_channel_allowed=deal_channel_allowed, blocked=blocked
    )
    return targets, exposed


async def post_internal(
    client: AsyncWebClient,
    poc: Poc,
    *,
    text: str,
    blocks: list[dict[str, Any]],
    cache: ChannelInfo,
    db: Database,
    now: datetime,
    what: str,
    deal_channel_allowed: bool = False,
) -> list[str]:
    """Post internal content (`what`: "verdict", "sponsor_note") where it may go, and record
    each post in a channel so it can be deleted if the prospect can ever read that channel.
    An internal channel found prospect-readable is retired first (see bot/exposed.py).
    Returns the message ts of each post made."""
    # What another process found (a sweep that retired the internal channel) counts too.
    async with db.session() as s:
        blocked = await exposure.blocked_for(session=s, team_id=poc.team_id, poc_id=poc.id)
    targets, exposed = await internal_destinations(
        client, poc, deal_channel_allowed=deal_channel_allowed, cache=cache, blocked=blocked
    )
    if exposed and poc.internal_channel_id:
        try:
            await channels_exposed(
                client, db, team_id=poc.team_id, channel_ids=[poc.internal_channel_id], now=now
            )
        except Exception:  # the post goes by DM all the same; a sweep retires it later
            log.exception("retiring %s failed", poc.internal_channel_id)
    posted: list[str] = []
    channels: list[exposure.Posted] = []
    for target in targets:
        try:
            response = await client.chat_postMessage(channel=target, text=text, blocks=blocks)
        except SlackApiError as e:
            log.warning("internal post to %s failed: %s", target, e.response.get("error"))
            continue
        posted.append(response["ts"])
        if not target.startswith(("U", "W")):  # a DM needs no record: nobody else reads it
            channels.append(exposure.Posted(poc.id, str(response["channel"]), response["ts"], what))
    if channels:
        async with db.transaction() as s:
            await exposure.record_posted(session=s, team_id=poc.team_id, posted=channels, now=now)
    return posted
