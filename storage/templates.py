"""A team's POC templates: saved (an upsert on the name, unique per team whatever its case),
listed, found, deleted; and the template a POC was started from.

Every function is scoped to one team: another team's template id finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import (
    Template,
    TemplateCriterion,
    TemplateSummary,
    TemplateUseCase,
    template_key,
)
from storage import models as m
from storage.sql import insert, table


async def save_template(
    *,
    session: AsyncSession,
    team_id: str,
    name: str,
    use_cases: Sequence[TemplateUseCase],
    by: str,
    now: datetime,
    replace: bool,
) -> int | None:
    """Store the template under `name`; its id, or None when the name is taken and not
    `replace`. Replacing keeps the row (and its id: POCs started from it follow) and swaps
    its use cases and criteria. Caller commits.

    The name's uniqueness is the database's (uq_poc_template_name), so two people saving the
    same new name at once get one template and one refusal, never two templates."""
    t = table(m.PocTemplate)
    row = {"name": name, "saved_by": by, "saved_at": now}
    stmt = insert(session, t).values(team_id=team_id, name_key=template_key(name), **row)
    conflict = ["team_id", "name_key"]
    if replace:
        stmt = stmt.on_conflict_do_update(index_elements=conflict, set_=row)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=conflict)
    template_id = (await session.exec(stmt.returning(t.c.id))).scalar_one_or_none()
    if template_id is None:
        return None
    await _clear(session, team_id, template_id)
    await _store_use_cases(session, team_id, template_id, use_cases)
    return int(template_id)


async def _clear(session: AsyncSession, team_id: str, template_id: int) -> None:
    for model in (m.PocTemplateCriterion, m.PocTemplateUseCase):
        t = table(model)
        await session.exec(
            sa.delete(t).where(t.c.team_id == team_id, t.c.template_id == template_id)
        )


async def _store_use_cases(
    session: AsyncSession, team_id: str, template_id: int, use_cases: Sequence[TemplateUseCase]
) -> None:
    uc, crit = table(m.PocTemplateUseCase), table(m.PocTemplateCriterion)
    criteria: list[dict[str, Any]] = []
    for position, use_case in enumerate(use_cases):
        use_case_id = (
            await session.exec(
                sa.insert(uc)
                .values(
                    team_id=team_id,
                    template_id=template_id,
                    position=position,
                    title=use_case.title,
                )
                .returning(uc.c.id)
            )
        ).scalar_one()
        criteria += [
            {
                "team_id": team_id,
                "template_id": template_id,
                "use_case_id": use_case_id,
                "position": i,
                "statement": c.statement,
                "method": c.method,
                "lint_flags": "\n".join(c.lint_flags),
            }
            for i, c in enumerate(use_case.criteria)
        ]
    if criteria:
        await session.exec(sa.insert(crit), params=criteria)


async def load_templates(*, session: AsyncSession, team_id: str) -> list[Template]:
    """Every template of the team, by name (three queries, whatever their number)."""
    return await _load(session, team_id)


async def load_summaries(*, session: AsyncSession, team_id: str) -> list[TemplateSummary]:
    """Every template of the team, by name, without its criteria (only how many): what the
    `/poc new` picker and the list show, in two queries however big the templates are."""
    t, uc, crit = (
        table(m.PocTemplate),
        table(m.PocTemplateUseCase),
        table(m.PocTemplateCriterion),
    )
    heads = (
        await session.exec(sa.select(t).where(t.c.team_id == team_id).order_by(t.c.name_key))
    ).all()
    if not heads:
        return []
    use_cases = (
        await session.exec(
            sa.select(uc.c.template_id, uc.c.title, sa.func.count(crit.c.id))
            .select_from(uc.outerjoin(crit, crit.c.use_case_id == uc.c.id))
            .where(uc.c.team_id == team_id)
            .group_by(uc.c.id, uc.c.template_id, uc.c.title, uc.c.position)
            .order_by(uc.c.template_id, uc.c.position)
        )
    ).all()
    titles: dict[int, list[str]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for template_id, title, criteria in use_cases:
        titles[template_id].append(title)
        counts[template_id] += int(criteria)
    return [
        TemplateSummary(
            id=h.id,
            name=h.name,
            use_case_titles=tuple(titles[h.id]),
            criteria_count=counts[h.id],
            saved_by=h.saved_by,
            saved_at=h.saved_at,
        )
        for h in heads
    ]


async def load_template(
    *, session: AsyncSession, team_id: str, template_id: int
) -> Template | None:
    """The team's template with this id; None for another team's, or one deleted since."""
    t = table(m.PocTemplate)
    found = await _load(session, team_id, t.c.id == template_id)
    return found[0] if found else None


async def find_template(*, session: AsyncSession, team_id: str, name: str) -> Template | None:
    """The team's template of this name, whatever its case and spacing."""
    t = table(m.PocTemplate)
    found = await _load(session, team_id, t.c.name_key == template_key(name))
    return found[0] if found else None


async def count_templates(*, session: AsyncSession, team_id: str) -> int:
    t = table(m.PocTemplate)
    count = await session.scalar(sa.select(sa.func.count()).where(t.c.team_id == team_id))
    return int(count or 0)


async def delete_template(*, session: AsyncSession, team_id: str, template_id: int) -> bool:
    """Delete it, its use cases, criteria and links to POCs; False if it was already gone."""
    await _clear(session, team_id, template_id)
    link = table(m.PocFromTemplate)
    await session.exec(
        sa.delete(link).where(link.c.team_id == team_id, link.c.template_id == template_id)
    )
    t = table(m.PocTemplate)
    result = await session.exec(sa.delete(t).where(t.c.team_id == team_id, t.c.id == template_id))
    return bool(result.rowcount)


async def link_poc(*, session: AsyncSession, team_id: str, poc_id: int, template_id: int) -> None:
    """Remember that this new POC was started from this template (if it still exists)."""
    t = table(m.PocTemplate)
    exists = sa.select(t.c.id).where(t.c.team_id == team_id, t.c.id == template_id)
    if (await session.exec(exists)).first() is None:
        return
    await session.exec(
        insert(session, table(m.PocFromTemplate))
        .values(team_id=team_id, poc_id=poc_id, template_id=template_id)
        .on_conflict_do_nothing(index_elements=["poc_id"])
    )


async def template_of_poc(*, session: AsyncSession, team_id: str, poc_id: int) -> Template | None:
    """The template this POC was started from, as it stands now; None if none (or deleted)."""
    t, link = table(m.PocTemplate), table(m.PocFromTemplate)
    linked = sa.select(link.c.template_id).where(link.c.team_id == team_id, link.c.poc_id == poc_id)
    found = await _load(session, team_id, t.c.id.in_(linked.scalar_subquery()))
    return found[0] if found else None


async def _load(session: AsyncSession, team_id: str, *where: Any) -> list[Template]:
    t, uc, crit = (
        table(m.PocTemplate),
        table(m.PocTemplateUseCase),
        table(m.PocTemplateCriterion),
    )
    heads = (
        await session.exec(
            sa.select(t).where(t.c.team_id == team_id, *where).order_by(t.c.name_key)
        )
    ).all()
    if not heads:
        return []
    ids = [h.id for h in heads]
    criteria: dict[int, list[TemplateCriterion]] = defaultdict(list)
    for row in (
        await session.exec(
            sa.select(crit)
            .where(crit.c.team_id == team_id, crit.c.template_id.in_(ids))
            .order_by(crit.c.use_case_id, crit.c.position)
        )
    ).all():
        flags = tuple(row.lint_flags.split("\n")) if row.lint_flags else ()
        criteria[row.use_case_id].append(TemplateCriterion(row.statement, row.method, flags))
    use_cases: dict[int, list[TemplateUseCase]] = defaultdict(list)
    for row in (
        await session.exec(
            sa.select(uc)
            .where(uc.c.team_id == team_id, uc.c.template_id.in_(ids))
            .order_by(uc.c.template_id, uc.c.position)
        )
    ).all():
        use_cases[row.template_id].append(TemplateUseCase(row.title, tuple(criteria[row.id])))
    return [
        Template(
            id=h.id,
            team_id=h.team_id,
            name=h.name,
            use_cases=tuple(use_cases[h.id]),
            saved_by=h.saved_by,
            saved_at=h.saved_at,
        )
        for h in heads
    ]
