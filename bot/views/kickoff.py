"""What `/poc new` posts: the kickoff summary (deal channel) and the go/no-go verdict (private)."""

from __future__ import annotations

from typing import Any

from bot.domain import MILESTONE_TITLES, Poc, Role
from bot.rules import Go, Qualification
from bot.views.labels import CADENCE_LABELS, ROLE_LABELS
from bot.views.text import bullets, context, day, divider, escape, header, section, user

VERDICT_EMOJI = {Go.go: "🟢", Go.at_risk: "🟠", Go.no_go: "🔴"}


def person_label(poc: Poc, role: Role) -> str:
    found = poc.people(role)
    if not found:
        return "_not named yet_"
    return ", ".join(user(p.user_id) if p.user_id else escape(p.name or "?") for p in found)


def kickoff_blocks(poc: Poc) -> list[dict[str, Any]]:
    """The plan everyone in the deal channel can see: no internal judgements here."""
    length = (poc.end - poc.start).days
    plan = [
        f"*{MILESTONE_TITLES[m.kind]}* — {day(m.due)}" + (" ✓" if m.done_at else "")
        for m in poc.milestones
    ]
    roles = [f"*{label}* {person_label(poc, role)}" for role, label in ROLE_LABELS.items()]
    if evaluators := poc.people(Role.evaluator):
        roles.append("*Evaluators* " + ", ".join(user(e.user_id) for e in evaluators))
    use_cases = [f"{i}. {escape(u.title)}" for i, u in enumerate(poc.use_cases, 1)]
    blocks = [
        header(f"POC: {poc.prospect}"),
        section(
            f"*{day(poc.start)} → {day(poc.end)}* ({length} days) · check-ins "
            f"{CADENCE_LABELS[poc.cadence].lower()}, by meeting or call"
        ),
    ]
    if poc.pain:
        quoted = "\n".join(f">{line}" for line in escape(poc.pain).splitlines())
        blocks.append(section(f"*The business pain*\n{quoted}"))
    blocks += [
        section("*Use cases*\n" + "\n".join(use_cases)),
        section("*Who*\n" + "\n".join(roles)),
        section("*Mutual Evaluation Plan*\n" + bullets(plan)),
        divider(),
        context(
            "Next: add objective pass/fail criteria to each use case with `/poc criteria`. "
            "Each criterion is posted here; evaluators mark it with ✅ (pass) or ❌ (fail). "
            "`/poc help` lists everything."
        ),
    ]
    return blocks


def kickoff_text(poc: Poc) -> str:
    return f"POC for {escape(poc.prospect)}: {day(poc.start)} → {day(poc.end)}"


def verdict_blocks(poc: Poc, q: Qualification) -> list[dict[str, Any]]:
    """Go/no-go with every reason, so the SE knows exactly what to fix. Internal only."""
    head = f"{VERDICT_EMOJI[q.verdict]} *{q.verdict.value}* — go/no-go for *{escape(poc.prospect)}*"
    blocks = [section(head)]
    if q.reasons:
        lines = [f"*{r.level.value}*: {escape(r.text)}" for r in q.reasons]
        blocks.append(section("*What stands between this POC and GO*\n" + bullets(lines)))
    else:
        blocks.append(section("Budget, dates, scope, criteria and sponsors are all in place."))
    if q.warnings:
        blocks.append(section("*Watch out*\n" + bullets([escape(w) for w in q.warnings])))
    blocks.append(context(f"Internal to your team — not posted in <#{poc.channel_id}>."))
    return blocks


def verdict_text(poc: Poc, q: Qualification) -> str:
    return f"Go/no-go for {escape(poc.prospect)}: {q.verdict.value} ({len(q.reasons)} reasons)"
