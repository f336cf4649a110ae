"""A team's POC template: the use cases and criteria of a POC worth starting from again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TemplateCriterion:
    statement: str
    method: str = ""
    #: lint warnings it was saved despite (the codes of bot.rules FLAG_WORDS): they travel
    #: with it, so a POC started from the template sees them too
    lint_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateUseCase:
    title: str
    criteria: tuple[TemplateCriterion, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    """What the picker and the list show of a template: no criteria, only how many."""

    id: int
    name: str
    use_case_titles: tuple[str, ...]
    criteria_count: int
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class Template:
    """A named template of one team; its name is unique in the team, whatever its case."""

    id: int
    team_id: str
    name: str
    use_cases: tuple[TemplateUseCase, ...]
    saved_by: str
    saved_at: datetime

    @property
    def criteria_count(self) -> int:
        return sum(len(u.criteria) for u in self.use_cases)

    @property
    def summary(self) -> TemplateSummary:
        return TemplateSummary(
            id=self.id,
            name=self.name,
            use_case_titles=tuple(u.title for u in self.use_cases),
            criteria_count=self.criteria_count,
            saved_by=self.saved_by,
            saved_at=self.saved_at,
        )


def template_key(name: str) -> str:
    """What makes two names one name in a team: 'Security review' is 'security  REVIEW'."""
    return " ".join(name.split()).casefold()
