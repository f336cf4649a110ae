"""The biggest templates people can make, for tests/views/test_limits.py's walk of every
builder: 99 templates (the most a team keeps) of names at the limit, each with ten use cases of
300 characters and ten criteria of 500 per use case, all of it hostile mrkdwn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.domain import Poc, Template, TemplateCriterion, TemplateUseCase
from bot.rules import MAX_TEMPLATE_NAME, MAX_TEMPLATES, Harvest, LeftOut, criterion_offers
from bot.views import templates

SAVED = datetime(2026, 11, 23, 14, tzinfo=UTC)


def biggest_templates(poc: Poc, long: Callable[..., str]) -> list[Template]:
    """Templates whose use cases are the POC's (so /poc criteria has offers from them)."""
    use_cases = tuple(
        TemplateUseCase(
            u.title,
            tuple(
                TemplateCriterion(
                    long(500, f"Template criterion {j} "),
                    long(500, "Measured "),
                    ("subjective", "unmeasurable"),
                )
                for j in range(10)
            ),
        )
        for u in poc.use_cases
    )
    return [
        Template(
            id=1_000_000 + i,
            team_id=poc.team_id,
            name=long(MAX_TEMPLATE_NAME, f"T{i} "),
            use_cases=use_cases,
            saved_by="USE",
            saved_at=SAVED,
        )
        for i in range(MAX_TEMPLATES)
    ]


def biggest_harvest(poc: Poc, long: Callable[..., str]) -> Harvest:
    (template, *_) = biggest_templates(poc, long)
    left_out = tuple(
        LeftOut(long(500, "Left "), why) for why in ("parked", "lint") for _ in range(30)
    )
    return Harvest(template.use_cases, left_out)


def template_cases(poc: Poc, long: Callable[..., str]) -> dict[str, Callable[[], Any]]:
    every = biggest_templates(poc, long)
    one = every[0]
    found = biggest_harvest(poc, long)
    name = long(MAX_TEMPLATE_NAME)
    return {
        "templates.saved_text": lambda: templates.saved_text(name, found, replaced=one),
        "templates.saved_blocks": lambda: templates.saved_blocks(name, found, replaced=one),
        "templates.name_taken_text": lambda: templates.name_taken_text(one),
        "templates.just_taken_text": lambda: templates.just_taken_text(name),
        "templates.may_not_change_text": lambda: templates.may_not_change_text(one),
        "templates.unknown_template_text": lambda: templates.unknown_template_text(name),
        "templates.bad_name_text": lambda: templates.bad_name_text(long(200), "save"),
        "templates.deleted_text": lambda: templates.deleted_text(one),
        "templates.list_text": lambda: templates.list_text([t.summary for t in every]),
        "templates.list_blocks": lambda: templates.list_blocks([t.summary for t in every]),
    }


def offers(poc: Poc, long: Callable[..., str]) -> Any:
    return criterion_offers(poc, biggest_templates(poc, long)[0])
