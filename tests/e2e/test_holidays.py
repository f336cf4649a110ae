"""A POC's public holidays end to end: chosen (or not) in `/poc new`, avoided by its plan,
shown and changed with `/poc holidays`."""

from __future__ import annotations

from datetime import date

from bot.domain import MilestoneKind
from bot.sandbox.harness import Sandbox
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import NEW_POC, create_poc, live_poc

#: Monday 23 November 2026 (the sandbox's today) to Thanksgiving, Thursday 26 November.
TO_THANKSGIVING = {"start": "today", "end": "2026-11-26"}


async def test_the_plan_avoids_the_timezones_holidays(sb: Sandbox) -> None:
    poc = await create_poc(sb, **TO_THANKSGIVING)
    assert poc.holiday_country is None and poc.calendar == "US"
    assert date(2026, 11, 26) in poc.holidays
    due = {m.kind: m.due for m in poc.milestones}
    assert due[MilestoneKind.readout] == date(2026, 11, 25)  # the end is a holiday: before it
    assert due[MilestoneKind.signoff] == date(2026, 11, 30)  # 2 business days: Fri, then Mon
    assert date(2026, 11, 26) not in due.values()


async def test_a_country_chosen_in_the_form_is_kept_and_followed(sb: Sandbox) -> None:
    poc = await create_poc(sb, holiday_country="in", **TO_THANKSGIVING)
    assert poc.holiday_country == "IN" and poc.calendar == "IN"
    assert date(2026, 11, 26) not in poc.holidays
    assert {m.kind: m.due for m in poc.milestones}[MilestoneKind.readout] == date(2026, 11, 26)


async def test_an_unknown_country_is_refused_on_its_field(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "new")
    hint = next(b for b in view["blocks"] if b["block_id"] == "holiday_country")["hint"]["text"]
    assert "United States (US)" in hint  # the creator's timezone is New York
    ack = await sb.submit(SE, view, {**NEW_POC, "holiday_country": "Narnia"})
    assert ack["response_action"] == "errors"
    assert "two-letter country code" in ack["errors"]["holiday_country"]
    assert await live_poc(sb) is None


async def test_poc_holidays_shows_and_changes_them(sb: Sandbox) -> None:
    await create_poc(sb, end="in 3 weeks")
    shown = (await sb.command(CHAMPION, DEAL, "holidays")).status
    assert shown == 200
    answer = await sb.slack.wait_for(lambda: sb.slack.responses[-1:] or None)
    assert "United States (US)" in answer[0]["text"] and "Thanksgiving" in answer[0]["text"]

    # Only the SE and AE change them; the champion is told so and nothing changes.
    await sb.command(CHAMPION, DEAL, "holidays GB")
    refused = await sb.slack.wait_for(lambda: sb.slack.responses[1:] and sb.slack.responses[-1])
    assert "SE and AE" in refused["text"]
    assert (await live_poc(sb)).calendar == "US"  # type: ignore[union-attr]

    await sb.command(AE, DEAL, "holidays GB")
    changed = await sb.slack.wait_for(lambda: sb.slack.responses[2:] and sb.slack.responses[-1])
    assert "United Kingdom" in changed["text"]
    poc = await live_poc(sb)
    assert poc is not None and poc.calendar == "GB" and date(2026, 11, 26) not in poc.holidays

    await sb.command(SE, DEAL, "holidays Narnia")
    wrong = await sb.slack.wait_for(lambda: sb.slack.responses[3:] and sb.slack.responses[-1])
    assert "two-letter country code" in wrong["text"]

    await sb.command(SE, DEAL, "holidays auto")
    await sb.slack.wait_for(lambda: sb.slack.responses[4:])
    poc = await live_poc(sb)
    assert poc is not None and poc.holiday_country is None and poc.calendar == "US"
