"""Templates: a POC's use cases and criteria kept under a name, to start the next POC from.

What is kept (only what the linter passes, or what was saved despite it, flagged; nothing
parked for Phase 2), what a name may be, who may replace or delete one, and which of a
template's criteria a POC started from it has not added yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain import Poc, Template, TemplateCriterion, TemplateUseCase
from bot.rules.facts import scoped_use_cases
from bot.rules.lint import lint_criterion

#: A name is short enough for a select's option (75 characters) with room to spare.
MAX_TEMPLATE_NAME = 40
#: Slack's static_select holds 100 options: every template of a team fits the picker, with
#: its "None: start from scratch".
MAX_TEMPLATES = 99
#: `/poc template save <name> --replace` replaces a template of that name.
REPLACE_FLAG = "--replace"


class BadTemplateName(ValueError):
    """A name that will not do; the message says why, in the user's words."""


def template_name(raw: str) -> str:
    """The name as kept: trimmed, inner runs of spaces made one. Raises BadTemplateName."""
    name = " ".join(raw.split())
    if not name:
        raise BadTemplateName("Name the template.")
    if len(name) > MAX_TEMPLATE_NAME:
        raise BadTemplateName(
            f"A template's name is at most {MAX_TEMPLATE_NAME} characters "
            f"(this one has {len(name)}): pick a shorter one."
        )
    return name


@dataclass(frozen=True, slots=True)
class SaveRequest:
    name: str
    replace: bool


def save_request(args: str) -> SaveRequest:
    """`<name> [--replace]` as typed after `/poc template save`. Raises BadTemplateName."""
    words = args.split()
    replace = any(w.lower() == REPLACE_FLAG for w in words)
    return SaveRequest(
        name=template_name(" ".join(w for w in words if w.lower() != REPLACE_FLAG)),
        replace=replace,
    )


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A criterion of the POC the template does not keep, and why."""

    statement: str
    why: str  # "parked" or "lint"


@dataclass(frozen=True, slots=True)
class Harvest:
    """What a POC gives a template: its use cases in scope with their criteria, and what not."""

    use_cases: tuple[TemplateUseCase, ...]
    left_out: tuple[LeftOut, ...]


def harvest(poc: Poc) -> Harvest:
    """The POC's use cases in scope, each with the criteria a template may keep.

    A criterion is kept when the linter passes it today, or when the SE saved it despite the
    linter (its flags go with it). One that fails today's linter without having been saved
    anyway (the linter grew stricter since) is left out, as is anything parked for Phase 2."""
    left_out: list[LeftOut] = []
    use_cases = []
    for use_case in scoped_use_cases(poc):
        kept = []
        for criterion in (c for c in poc.criteria if c.use_case_id == use_case.id):
            if criterion.parked:
                left_out.append(LeftOut(criterion.statement, "parked"))
            elif criterion.lint_flags or lint_criterion(criterion.statement, criterion.method).ok:
                kept.append(
                    TemplateCriterion(criterion.statement, criterion.method, criterion.lint_flags)
                )
            else:
                left_out.append(LeftOut(criterion.statement, "lint"))
        use_cases.append(TemplateUseCase(use_case.title, tuple(kept)))
    parked_use_cases = {u.id for u in poc.use_cases if u.parked}
    left_out += [
        LeftOut(c.statement, "parked") for c in poc.criteria if c.use_case_id in parked_use_cases
    ]
    return Harvest(tuple(use_cases), tuple(left_out))


def may_change_template(template: Template, user_id: str, managers: Iterable[str]) -> bool:
    """Replacing or deleting a template is for whoever saved it, or a sales manager (the
    workspace's `managers`): a colleague's playbook is not overwritten by accident."""
    return user_id == template.saved_by or user_id in set(managers)


def use_case_lines(template: Template) -> str:
    """The template's use cases as the `/poc new` field takes them: one per line."""
    return "\n".join(u.title for u in template.use_cases)


@dataclass(frozen=True, slots=True)
class Offer:
    """A template criterion a POC may add: to which of its use cases, and what it says."""

    key: str  # `u<i>c<j>`: the template's use case i, its criterion j (stable while it stands)
    use_case_id: int
    use_case_title: str
    criterion: TemplateCriterion


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def criterion_offers(poc: Poc, template: Template | None) -> tuple[Offer, ...]:
    """The template's criteria this POC has not added yet, each under the POC's use case of
    the same title (any case or spacing); a use case renamed or parked offers nothing."""
    if template is None:
        return ()
    by_title = {_same(u.title): u for u in scoped_use_cases(poc)}
    offers = []
    for i, template_use_case in enumerate(template.use_cases, 1):
        use_case = by_title.get(_same(template_use_case.title))
        if use_case is None:
            continue
        added = {_same(c.statement) for c in poc.criteria if c.use_case_id == use_case.id}
        for j, criterion in enumerate(template_use_case.criteria, 1):
            if _same(criterion.statement) not in added:
                offers.append(Offer(f"u{i}c{j}", use_case.id, use_case.title, criterion))
    return tuple(offers)
