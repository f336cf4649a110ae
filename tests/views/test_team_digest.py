"""bot.views.team_digest: the managers' Monday digest — a section per kind of news, a group
too long for one section carried on, and whatever passes Slack's 50 blocks counted, not
dropped in silence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bot.domain import Status
from bot.rules import Go, WeekNews
from bot.views.team_digest import team_digest_blocks, team_digest_text
from tests.views.checks import assert_escaped, check_blocks, mrkdwn_texts
from tests.views.factories import EVIL, NOW, make_poc

MONDAY = date(2026, 3, 16)


def texts(blocks: list) -> str:
    return "\n".join(mrkdwn_texts(blocks))


def test_each_kind_of_news_under_its_title() -> None:
    late = make_poc(id=2, prospect="Hooli", end=date(2026, 3, 9))
    won = make_poc(
        id=3, prospect="Pied Piper", status=Status.won, closed_at=NOW - timedelta(days=4)
    )
    news = WeekNews(
        verdicts=((make_poc(id=1, prospect="Initech", budget_confirmed=False), Go.no_go),),
        overruns=(late,),
        stalled=((make_poc(id=4, prospect="Umbrella"), 12),),
        closed=(replace(won, kickoff_verdict="AT RISK"),),
    )
    blocks = team_digest_blocks(news, MONDAY)
    check_blocks(blocks)
    said = texts(blocks)
    assert blocks[0]["text"]["text"] == "Your team's week — Mon 16 Mar"
    assert "🔴 *NO-GO* *Initech* in <#CDEAL> · SE <@USE> — Budget isn't confirmed." in said
    assert "*Hooli* in <#CDEAL> · SE <@USE> · ended Mon 9 Mar, overrun by 7 days" in said
    assert "*Umbrella* in <#CDEAL> · SE <@USE> · no sponsor meeting for 12 days" in said
    assert "🏆 *Won* Thu 12 Mar *Pied Piper*" in said and "kickoff 🟠 AT RISK" in said
    assert "Last week: Mon 9 Mar – Sun 15 Mar, your time." in said
    assert "more item" not in said
    assert team_digest_text(news, MONDAY) == (
        "Your team's week (Mon 16 Mar): 1 new NO-GO or AT RISK verdict, 1 in overrun, "
        "1 stalled sponsor, 1 closed"
    )


def test_a_kind_left_out_when_there_is_none() -> None:
    news = WeekNews(overruns=(make_poc(end=date(2026, 3, 9)),))
    said = texts(team_digest_blocks(news, MONDAY))
    assert "In overrun* (1)" in said
    assert "verdicts" not in said and "stalled" not in said and "Closed" not in said


def test_what_would_pass_fifty_blocks_is_counted_not_dropped() -> None:
    pocs = [make_poc(id=i, prospect=f"{'Globex ' * 28}{i}") for i in range(500)]
    news = WeekNews(verdicts=tuple((p, Go.at_risk) for p in pocs), overruns=tuple(pocs))
    blocks = team_digest_blocks(news, MONDAY)
    check_blocks(blocks)
    assert len(blocks) == 50
    shown = sum(t.count("\n• ") for t in mrkdwn_texts(blocks[1:-1]))
    closing = blocks[-1]["elements"][0]["text"]
    left_out = int(closing.split("*…and ")[1].split(" ")[0])
    assert shown + left_out == 1000
    assert "App Home → *Team POCs*" in closing
    titles = [t.split("\n")[0] for t in mrkdwn_texts(blocks[1:-1])]
    assert titles[0] == "*🚦 New NO-GO and AT RISK verdicts* (500)"
    assert titles[1] == "*🚦 New NO-GO and AT RISK verdicts* (continued)"


def test_what_people_typed_stays_inert() -> None:
    news = WeekNews(overruns=(make_poc(prospect=EVIL, end=date(2026, 3, 9)),))
    assert_escaped(team_digest_blocks(news, MONDAY))
