"""POC templates in storage, on both databases: saved whole and in order, the name unique per
team whatever its case, replaced only when asked, every team its own, deleted with its rows,
and the link from a POC to the template it was started from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.domain import Template, TemplateCriterion, TemplateUseCase
from storage import models as m
from storage import templates
from storage.db import Database
from tests.storage.pocs import create

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)

SECURITY = (
    TemplateUseCase(
        "Ingest 500 GB of JSON logs",
        (
            TemplateCriterion("Ingests 500 GB of JSON within 1 hour", "Timed in the workshop"),
            TemplateCriterion(
                "Dashboards load fast", "Checked by the champion", ("subjective", "unmeasurable")
            ),
        ),
    ),
    TemplateUseCase("Deploy via the CI/CD integration", ()),
    TemplateUseCase(
        "SSO via Okta", (TemplateCriterion("100 users log in within 5 minutes of the switch"),)
    ),
)


async def save(
    db: Database,
    name: str,
    use_cases: tuple[TemplateUseCase, ...] = SECURITY,
    *,
    team_id: str = "T1",
    by: str = "USE",
    replace: bool = False,
    now: datetime = NOW,
) -> int | None:
    async with db.transaction() as s:
        return await templates.save_template(
            session=s,
            team_id=team_id,
            name=name,
            use_cases=use_cases,
            by=by,
            now=now,
            replace=replace,
        )


async def every(db: Database, team_id: str = "T1") -> list[Template]:
    async with db.session() as s:
        return await templates.load_templates(session=s, team_id=team_id)


async def rows(db: Database) -> dict[str, int]:
    counts = {}
    async with db.session() as s:
        for model in (
            m.PocTemplate,
            m.PocTemplateUseCase,
            m.PocTemplateCriterion,
            m.PocFromTemplate,
        ):
            t = model.__table__
            counts[t.name] = int(await s.scalar(sa.select(sa.func.count()).select_from(t)))
    return counts


async def test_a_template_is_stored_whole_and_in_order(db: Database) -> None:
    template_id = await save(db, "Security review")
    assert template_id is not None
    async with db.session() as s:
        found = await templates.load_template(session=s, team_id="T1", template_id=template_id)
    assert found == Template(
        id=template_id,
        team_id="T1",
        name="Security review",
        use_cases=SECURITY,
        saved_by="USE",
        saved_at=NOW,
    )
    assert found.criteria_count == 3


async def test_the_name_is_unique_in_a_team_whatever_its_case(db: Database) -> None:
    first = await save(db, "Security review")
    # The same name in other clothes is taken: nothing is written.
    assert await save(db, "SECURITY   Review", SECURITY[:1], by="UOTHER") is None
    (kept,) = await every(db)
    assert (kept.id, kept.name, kept.use_cases, kept.saved_by) == (
        first,
        "Security review",
        SECURITY,
        "USE",
    )
    async with db.session() as s:
        found = await templates.find_template(session=s, team_id="T1", name=" security REVIEW ")
    assert found == kept

    # Another team has its own namespace.
    assert await save(db, "Security review", SECURITY[1:], team_id="T2") is not None
    assert [t.use_cases for t in await every(db, "T2")] == [SECURITY[1:]]
    assert [t.id for t in await every(db)] == [first]


async def test_replacing_keeps_the_template_and_swaps_its_content(db: Database) -> None:
    first = await save(db, "Security review")
    poc_id = await create(db)
    assert first is not None
    async with db.transaction() as s:
        await templates.link_poc(session=s, team_id="T1", poc_id=poc_id, template_id=first)
    later = NOW + timedelta(days=2)
    again = await save(db, "Security Review", SECURITY[2:], by="UMGR", replace=True, now=later)
    assert again == first
    (replaced,) = await every(db)
    assert (replaced.name, replaced.use_cases, replaced.saved_by, replaced.saved_at) == (
        "Security Review",
        SECURITY[2:],
        "UMGR",
        later,
    )
    assert await rows(db) == {
        "poc_template": 1,
        "poc_template_use_case": 1,
        "poc_template_criterion": 1,
        "poc_from_template": 1,
    }
    # The POC started from it follows the new version.
    async with db.session() as s:
        assert await templates.template_of_poc(session=s, team_id="T1", poc_id=poc_id) == replaced


async def test_templates_are_listed_by_name_and_counted_per_team(db: Database) -> None:
    for name, use_cases in (("zeta", SECURITY[:1]), ("Alpha", SECURITY), ("beta", ())):
        await save(db, name, use_cases)
    await save(db, "gamma", team_id="T2")
    assert [t.name for t in await every(db)] == ["Alpha", "beta", "zeta"]
    # What the picker and the list read: the same, without the criteria (only how many).
    async with db.session() as s:
        summaries = await templates.load_summaries(session=s, team_id="T1")
        assert await templates.load_summaries(session=s, team_id="T3") == []
    assert summaries == [t.summary for t in await every(db)]
    assert [(len(t.use_case_titles), t.criteria_count) for t in summaries] == [
        (3, 3),
        (0, 0),
        (1, 2),
    ]
    async with db.session() as s:
        assert await templates.count_templates(session=s, team_id="T1") == 3
        assert await templates.count_templates(session=s, team_id="T3") == 0
    assert await every(db, "T3") == []


async def test_delete_takes_its_rows_and_links_and_only_its_teams(db: Database) -> None:
    doomed = await save(db, "Security review")
    kept = await save(db, "Data platform", SECURITY[:1])
    poc_id = await create(db)
    assert doomed is not None and kept is not None
    async with db.transaction() as s:
        await templates.link_poc(session=s, team_id="T1", poc_id=poc_id, template_id=doomed)
        # Another team's id deletes nothing.
        assert not await templates.delete_template(session=s, team_id="T2", template_id=doomed)
    async with db.transaction() as s:
        assert await templates.delete_template(session=s, team_id="T1", template_id=doomed)
    async with db.transaction() as s:
        assert not await templates.delete_template(session=s, team_id="T1", template_id=doomed)
        assert await templates.template_of_poc(session=s, team_id="T1", poc_id=poc_id) is None
    assert [t.id for t in await every(db)] == [kept]
    assert await rows(db) == {
        "poc_template": 1,
        "poc_template_use_case": 1,
        "poc_template_criterion": 2,
        "poc_from_template": 0,
    }


async def test_a_poc_links_to_its_own_teams_template_once(db: Database) -> None:
    ours = await save(db, "Security review")
    theirs = await save(db, "Security review", team_id="T2")
    poc_id = await create(db)
    assert ours is not None and theirs is not None
    async with db.transaction() as s:
        # Another team's template id (a forged option value) is not linked.
        await templates.link_poc(session=s, team_id="T1", poc_id=poc_id, template_id=theirs)
        assert await templates.template_of_poc(session=s, team_id="T1", poc_id=poc_id) is None
        await templates.link_poc(session=s, team_id="T1", poc_id=poc_id, template_id=ours)
        await templates.link_poc(session=s, team_id="T1", poc_id=poc_id, template_id=ours)
    async with db.session() as s:
        found = await templates.template_of_poc(session=s, team_id="T1", poc_id=poc_id)
        # Team-scoped: T2 does not see T1's POC's template.
        assert await templates.template_of_poc(session=s, team_id="T2", poc_id=poc_id) is None
    assert found is not None and found.id == ours
    assert (await rows(db))["poc_from_template"] == 1


async def test_text_is_stored_as_both_databases_take_it(db: Database) -> None:
    odd = (TemplateUseCase("SSO\x00 via <Okta>" + "o" * 400, (TemplateCriterion("x\x00" * 300),)),)
    template_id = await save(db, "Odd\x00", odd)
    assert template_id is not None
    (found,) = await every(db)
    (use_case,) = found.use_cases
    assert found.name == "Odd"
    assert use_case.title.startswith("SSO via <Okta>oo") and len(use_case.title) == 300
    assert use_case.criteria[0].statement == "x" * 300
