"""What someone hears when they may not do something to a POC: who can, and who to ask."""

from __future__ import annotations

from bot.domain import Poc, Role
from bot.rules import Act, who_may
from bot.views.text import user

#: What each act is called when someone may not do it ("only … can <this>").
ACT_WORDS: dict[Act, str] = {
    Act.start_poc: "start a POC",
    Act.see_status: "see this POC's status",
    Act.log_checkin: "log its check-ins",
    Act.add_criterion: "add its criteria",
    Act.log_engagement: "log its sponsor engagements",
    Act.park: "park requests for Phase 2",
    Act.post_readout: "post its read-out",
    Act.answer_readout: "answer the read-out",
    Act.snooze: "snooze its reminders",
    Act.mark_done: "mark its milestones done",
    Act.resolve_scope: "park or accept its scope changes",
    Act.set_holidays: "change the public holidays it follows",
    Act.close: "close it with its outcome",
    Act.extend: "extend it",
    Act.move_date: "move its milestones",
    Act.pause: "pause it",
    Act.resume: "resume it",
    Act.see_history: "see its history",
    Act.record_answer: "record an answer to its read-out",
    Act.save_template: "save it as a template",
    Act.use_templates: "use the team's POC templates",
    Act.see_report: "see the team's report",
}


def refusal(act: Act, poc: Poc | None) -> str:
    """A polite no that says who can, and who to ask."""
    se = poc.person(Role.se) if poc is not None else None
    ask = f" {user(se.user_id)} runs this POC." if se is not None and se.user_id else ""
    return f"Sorry — only {who_may(act)} can {ACT_WORDS[act]}.{ask}"
