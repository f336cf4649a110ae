"""App Home's Team view, for the workspace's sales managers: every live POC of the team, then
those closed in the last 90 days, a page at a time (issue 16).

What the manager is looking at — which page, which filters, Team or their own POCs — is the
`TeamState`, carried in the published view's `private_metadata`; a filter's select or a
[Previous] / [Next] button (its value: the page it goes to) changes it and the home is
published again. Pages keep the view within Slack's 100 blocks and 3,000 characters a text
whatever the team's size: every POC is on some page, none is cut.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.domain import MILESTONE_TITLES, Poc, Role, Status
from bot.rules import (
    CLOSED_WITHIN_DAYS,
    STANDINGS,
    Go,
    TeamFilter,
    closed_for_team,
    days_left,
    in_scope,
    is_closed,
    latest_checkin,
    live_for_team,
    local_today,
    next_milestone,
    qualify,
    score,
    sponsor_pulse,
    standing,
)
from bot.views.kickoff import VERDICT_EMOJI
from bot.views.lifecycle import OUTCOME_ICONS, OUTCOME_LABELS
from bot.views.status import HEALTH_EMOJI, days_left_words
from bot.views.text import (
    MAX_VIEW_BLOCKS,
    actions,
    button,
    context,
    day,
    divider,
    escape,
    header,
    option,
    plain,
    plural,
    section,
    user,
)

TEAM, MINE = "team", "mine"
#: Action ids: the pager's buttons, the filters, [Clear filters], the Team / Your POCs switch.
PREVIOUS, NEXT = "team_page_previous", "team_page_next"
FILTER_SE, FILTER_AE, FILTER_HEALTH = "team_filter_se", "team_filter_ae", "team_filter_health"
CLEAR = "team_clear_filters"
SWITCH = "home_switch"
ACTIONS = (PREVIOUS, NEXT, FILTER_SE, FILTER_AE, FILTER_HEALTH, CLEAR, SWITCH)
#: POCs a page: one section each; with the headers, filters, pager and the settings' blocks
#: a page stays far within 100 blocks, and Slack renders it quickly.
PAGE_SIZE = 25
ANY = "any"
STANDING_LABELS = {
    "red": "🔴 Red",
    "yellow": "🟡 Yellow",
    "green": "🟢 Green",
    "paused": "⏸ Paused",
}
TRENDS = {"up": "↗", "down": "↘", "flat": "→"}


@dataclass(frozen=True, slots=True)
class TeamState:
    """What a manager's App Home shows: the Team view (page, filters) or their own POCs."""

    mode: str = TEAM
    page: int = 1
    filter: TeamFilter = field(default_factory=TeamFilter)


def state_metadata(state: TeamState) -> str:
    f = state.filter
    return json.dumps(
        {"mode": state.mode, "page": state.page, "se": f.se, "ae": f.ae, "health": f.standing}
    )


def read_state(metadata: str | None) -> TeamState:
    """The state a published home carries; the default for anything unreadable (it comes
    back from the client)."""
    try:
        raw = json.loads(metadata or "{}")
        mode = raw.get("mode") if raw.get("mode") in (TEAM, MINE) else TEAM
        health = raw.get("health") if raw.get("health") in STANDINGS else None
        return TeamState(
            mode=mode,
            page=max(1, int(raw.get("page") or 1)),
            filter=TeamFilter(_user_id(raw.get("se")), _user_id(raw.get("ae")), health),
        )
    except (ValueError, TypeError, AttributeError):
        return TeamState()


def _user_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value[:1] in ("U", "W") and len(value) < 40 else None


def after_action(state: TeamState, action: dict[str, Any]) -> TeamState:
    """The state once the manager used one of the view's elements (a Slack action payload)."""
    action_id, f = action.get("action_id"), state.filter
    if action_id in (PREVIOUS, NEXT):
        value = str(action.get("value") or "")
        return replace(state, page=int(value)) if value.isdigit() else state
    if action_id == FILTER_SE:
        return TeamState(filter=replace(f, se=_user_id(action.get("selected_user"))))
    if action_id == FILTER_AE:
        return TeamState(filter=replace(f, ae=_user_id(action.get("selected_user"))))
    if action_id == FILTER_HEALTH:
        chosen = (action.get("selected_option") or {}).get("value")
        return TeamState(filter=replace(f, standing=chosen if chosen in STANDINGS else None))
    if action_id == CLEAR:
        return TeamState()
    if action_id == SWITCH:
        mode = action.get("value")
        return replace(state, mode=mode, page=1) if mode in (TEAM, MINE) else state
    return state


def switch_block(mode: str) -> dict[str, Any]:
    """For a manager looking at their own POCs: the way back to the Team view."""
    label = "Your POCs" if mode == TEAM else "Team view"
    return actions(
        button(label, SWITCH, MINE if mode == TEAM else TEAM), block_id=f"home:switch:{mode}"
    )


def team_view(
    pocs: Sequence[Poc],
    now: datetime,
    *,
    state: TeamState,
    tail: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """One page of the team's POCs: the live ones, worst first, then those closed lately.
    `tail`: blocks after the page (the workspace settings, for those who may change them)."""
    f = state.filter
    live, closed = live_for_team(pocs, now, f), closed_for_team(pocs, now, f)
    rows = [*(("live", p) for p in live), *(("closed", p) for p in closed)]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(state.page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    blocks: list[dict[str, Any]] = [
        header("Team POCs"),
        _filters(f),
        context(_summary(pocs, live, closed, f, now)),
    ]
    if not rows:
        blocks.append(section(_nothing(pocs, f)))
    start = (page - 1) * PAGE_SIZE
    for kind in ("live", "closed"):
        mine = [p for k, p in shown if k == kind]
        if mine:
            # A kind whose rows began on an earlier page goes on under its title "(continued)".
            continued = start > 0 and rows[start - 1][0] == kind
            blocks.append(header(_title(kind, continued=continued)))
            blocks += [_live(p, now) if kind == "live" else _closed(p) for p in mine]
    if pages > 1:
        blocks += _pager(page, pages, len(rows))
    blocks += [divider(), *tail] if tail else []
    # A page is PAGE_SIZE sections and a dozen more blocks: only a huge tail could overflow.
    assert len(blocks) <= MAX_VIEW_BLOCKS, f"{len(blocks)} blocks in the Team view"
    return {
        "type": "home",
        "private_metadata": state_metadata(replace(state, page=page)),
        "blocks": blocks,
    }


def _title(kind: str, *, continued: bool) -> str:
    title = "Live POCs" if kind == "live" else f"Closed in the last {CLOSED_WITHIN_DAYS} days"
    return f"{title} (continued)" if continued else title


def _filters(f: TeamFilter) -> dict[str, Any]:
    se: dict[str, Any] = {
        "type": "users_select",
        "action_id": FILTER_SE,
        "placeholder": plain("Any SE"),
    }
    ae: dict[str, Any] = {
        "type": "users_select",
        "action_id": FILTER_AE,
        "placeholder": plain("Any AE"),
    }
    if f.se:
        se["initial_user"] = f.se
    if f.ae:
        ae["initial_user"] = f.ae
    options = [option("Any health", ANY), *(option(STANDING_LABELS[s], s) for s in STANDINGS)]
    health: dict[str, Any] = {
        "type": "static_select",
        "action_id": FILTER_HEALTH,
        "placeholder": plain("Any health"),
        "options": options,
    }
    if f.standing:
        health["initial_option"] = options[1 + STANDINGS.index(f.standing)]
    elements = [se, ae, health]
    if f.active:
        elements.append(button("Clear filters", CLEAR, "clear"))
    elements.append(button("Your POCs", SWITCH, MINE))
    return actions(*elements, block_id="team:filters")


def _summary(
    pocs: Sequence[Poc], live: Sequence[Poc], closed: Sequence[Poc], f: TeamFilter, now: datetime
) -> str:
    all_live = sum(1 for p in pocs if not is_closed(p))
    recent = len(closed_for_team(pocs, now, TeamFilter()))
    words = (
        f"{plural(all_live, 'live POC')} · {recent} closed in the last {CLOSED_WITHIN_DAYS} days"
    )
    if not f.active:
        return words
    by = [f"SE {user(f.se)}" if f.se else "", f"AE {user(f.ae)}" if f.ae else ""]
    by.append(f"health {STANDING_LABELS[f.standing]}" if f.standing else "")
    return (
        f"{words} · filtered by {', '.join(b for b in by if b)}: "
        f"{len(live)} live and {len(closed)} closed match"
    )


def _nothing(pocs: Sequence[Poc], f: TeamFilter) -> str:
    if f.active:
        return "No POC matches these filters. *Clear filters* shows them all."
    if not pocs:
        return "No POC in the team yet: they show here once an SE types `/poc new`."
    return "Nothing to show."


def _pager(page: int, pages: int, count: int) -> list[dict[str, Any]]:
    first, last = (page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, count)
    buttons = []
    if page > 1:
        buttons.append(button("◀ Previous", PREVIOUS, str(page - 1)))
    if page < pages:
        buttons.append(button("Next ▶", NEXT, str(page + 1), style="primary"))
    return [
        context(f"Page {page} of {pages} · POCs {first}–{last} of {count}"),
        actions(*buttons, block_id=f"team:pages:{page}"),
    ]


def _names(poc: Poc, role: Role) -> str:
    people = [user(p.user_id) if p.user_id else escape(p.label) for p in poc.people(role)]
    return ", ".join(people) or "_none_"


def _pulse(poc: Poc, now: datetime) -> str:
    pulse = sponsor_pulse(poc, now)
    if pulse.last_engaged is None:
        return "sponsor: no meeting yet"
    ago = "today" if not pulse.days_since else f"{plural(pulse.days_since, 'day')} ago"
    return f"sponsor: met {ago}, {pulse.recent} in 14 days {TRENDS[pulse.trend]}"


def _live(poc: Poc, now: datetime) -> dict[str, Any]:
    s = score(in_scope(poc))
    now_standing = standing(poc, now)
    if poc.status == Status.paused:
        since = f" since {day(local_today(poc.paused_at, poc.tz))}" if poc.paused_at else ""
        state = f"⏸ paused{since}"
    else:
        state = days_left_words(days_left(poc, now))
    go = qualify(poc).verdict
    nxt = next_milestone(poc, now)
    nxt_words = f"next: {MILESTONE_TITLES[nxt[0]]} {day(nxt[1])}" if nxt else "all milestones done"
    checkin = latest_checkin(poc, local_today(now, poc.tz))
    last = (
        f"last check-in {day(checkin.held_on)} {HEALTH_EMOJI[checkin.health]}"
        if checkin
        else "no check-in yet"
    )
    icon = "⏸" if now_standing == "paused" else STANDING_LABELS[now_standing].split()[0]
    return section(
        f"{icon} *{escape(poc.prospect)}* in <#{poc.channel_id}> · SE {_names(poc, Role.se)} · "
        f"AE {_names(poc, Role.ae)}\n"
        f"{state} · {VERDICT_EMOJI[go]} {go.value} · ✅ {s.passed} ❌ {s.failed} ⏳ {s.pending} · "
        f"{_pulse(poc, now)} · {nxt_words} · {last}",
        block_id=f"team:{poc.id}",
    )


def _closed(poc: Poc) -> dict[str, Any]:
    s = score(in_scope(poc))
    when = f" {day(local_today(poc.closed_at, poc.tz))}" if poc.closed_at else ""
    kickoff = poc.kickoff_verdict if poc.kickoff_verdict in set(Go) else None
    verdict = f"{VERDICT_EMOJI[Go(kickoff)]} {kickoff}" if kickoff else "not recorded"
    return section(
        f"{OUTCOME_ICONS.get(poc.status, '🏁')} *{escape(poc.prospect)}* in <#{poc.channel_id}> · "
        f"*{OUTCOME_LABELS.get(poc.status, 'Closed')}*{when} · SE {_names(poc, Role.se)} · "
        f"AE {_names(poc, Role.ae)}\nkickoff verdict {verdict} · "
        f"✅ {s.passed} of {s.total} criteria passed",
        block_id=f"team:{poc.id}",
    )
