"""bot.views.templates: the picker in /poc new, the offers in /poc criteria, and what the
template commands answer — valid Block Kit, user text escaped, within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain import Template, TemplateCriterion, TemplateUseCase
from bot.rules import MAX_TEMPLATES, Harvest, LeftOut, criterion_offers
from bot.views import criteria, poc_new
from bot.views import templates as views
from bot.views.text import section
from tests.views.checks import assert_escaped, check_blocks, check_view, selected, state
from tests.views.factories import EVIL, make_poc

SAVED = datetime(2026, 11, 23, 14, tzinfo=UTC)


def template(id: int = 5, name: str = "Security review", **kw: Any) -> Template:
    values: dict[str, Any] = {
        "use_cases": (
            TemplateUseCase(
                "Ingest our logs",
                (
                    TemplateCriterion("Ingests 500 GB within 1 hour", "Timed in the workshop"),
                    TemplateCriterion("Searches are fast", "", ("subjective", "unmeasurable")),
                ),
            ),
            TemplateUseCase("Deploy a microservice", ()),
        ),
        "saved_by": "USE",
        "saved_at": SAVED,
    }
    values.update(kw)
    return Template(id=id, team_id="T1", name=name, **values)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_ids(view: dict[str, Any]) -> list[str]:
    return [b.get("block_id", "") for b in view["blocks"]]


# ---------------------------------------------------------------- /poc new


def test_no_templates_no_picker() -> None:
    view = poc_new.new_poc_modal(channel_id="CDEAL", tz="UTC", templates=())
    assert views.TEMPLATE_BLOCK not in block_ids(view)
    assert block(view, "use_cases")["element"]["action_id"] == "use_cases"


def test_the_picker_sits_before_the_use_cases_and_updates_the_modal() -> None:
    evil = f"Evil {EVIL}"[:40]
    view = poc_new.new_poc_modal(
        channel_id="CDEAL", tz="UTC", templates=[template().summary, template(6, evil).summary]
    )
    check_view(view)
    ids = block_ids(view)
    assert ids.index(views.TEMPLATE_BLOCK) == ids.index("use_cases") - 1
    picker = block(view, views.TEMPLATE_BLOCK)
    assert picker["dispatch_action"] is True and picker["optional"] is True
    element = picker["element"]
    assert element["action_id"] == views.PICK_TEMPLATE and "initial_option" not in element
    assert [(o["text"]["text"], o["value"]) for o in element["options"]] == [
        ("None: start from scratch", "none"),
        ("Security review (2 use cases, 2 criteria)", "5"),
        (f"{evil} (2 use cases, 2 criteria)", "6"),  # plain text: shown as typed
    ]
    # Nothing picked yet: the use cases are as the form always had them.
    assert "initial_value" not in block(view, "use_cases")["element"]


def test_a_picked_template_fills_the_use_cases_and_leaves_the_rest_as_typed() -> None:
    blank = poc_new.new_poc_modal(channel_id="CDEAL", tz="UTC", templates=[template().summary])
    view = poc_new.new_poc_modal(
        channel_id="CDEAL", tz="UTC", templates=[template().summary], chosen=template()
    )
    check_view(view)
    picker = block(view, views.TEMPLATE_BLOCK)["element"]
    assert picker["initial_option"]["value"] == "5"
    use_cases = block(view, "use_cases")["element"]
    assert use_cases["initial_value"] == "Ingest our logs\nDeploy a microservice"
    # A new action_id makes Slack show the initial value over what was typed …
    assert use_cases["action_id"] == "use_cases.t5"
    # … while every other input keeps its block and action ids, so Slack keeps what was typed.
    others = {b["block_id"]: b for b in blank["blocks"] if b.get("block_id") != "use_cases"}
    for b in view["blocks"]:
        if b.get("block_id") in others and b["type"] == "input":
            assert b["element"]["action_id"] == others[b["block_id"]]["element"]["action_id"]
    # The form still reads the use cases by their block id.
    values = {"use_cases": {"use_cases.t5": {"type": "plain_text_input", "value": "A\nB"}}}
    assert poc_new._use_cases(values, {}) == ["A", "B"]


def test_the_chosen_template_is_read_back() -> None:
    assert views.chosen_template_id(state(template=selected("5"))) == 5
    assert views.chosen_template_id(state(template=selected("none"))) is None
    assert views.chosen_template_id(state(template=selected(None))) is None
    assert views.chosen_template_id({}) is None
    assert views.chosen_template_id(state(template=selected("5; DROP"))) is None


def test_as_many_templates_as_a_team_keeps_fit_the_picker() -> None:
    many = [template(i, f"Template {i}").summary for i in range(MAX_TEMPLATES)]
    view = poc_new.new_poc_modal(channel_id="CDEAL", tz="UTC", templates=many)
    check_view(view)
    options = block(view, views.TEMPLATE_BLOCK)["element"]["options"]
    assert len(options) == 100  # Slack's most, "None" included: every template is offered
    assert {o["value"] for o in options[1:]} == {str(i) for i in range(MAX_TEMPLATES)}


# ---------------------------------------------------------------- /poc criteria


def offers() -> Any:
    poc = make_poc()  # its use cases: Ingest our logs (1), Deploy a microservice (2), …
    return poc, criterion_offers(poc, template())


def test_the_offers_fill_the_first_by_default() -> None:
    poc, found = offers()
    assert [o.key for o in found] == ["u1c1", "u1c2"]  # the others: added, or no such use case
    view = criteria.criteria_modal(poc, offers=found)
    check_view(view)
    ids = block_ids(view)
    assert ids.index(views.OFFER_BLOCK) == ids.index("use_case") - 1
    picker = block(view, views.OFFER_BLOCK)
    assert picker["dispatch_action"] is True
    (group,) = picker["element"]["option_groups"]
    assert group["label"]["text"] == "Ingest our logs"
    assert [o["value"] for o in group["options"]] == ["u1c1", "u1c2"]
    assert picker["element"]["initial_option"]["value"] == "u1c1"
    use_case = block(view, "use_case")["element"]
    assert (use_case["initial_option"]["value"], use_case["action_id"]) == ("1", "use_case.u1c1")
    statement, method = block(view, "statement"), block(view, "method")
    assert statement["element"]["initial_value"] == "Ingests 500 GB within 1 hour"
    assert method["element"]["initial_value"] == "Timed in the workshop"
    assert statement["element"]["action_id"] == "statement.u1c1"


def test_a_picked_offer_fills_the_fields_and_says_it_was_flagged() -> None:
    poc, found = offers()
    view = criteria.criteria_modal(poc, offers=found, chosen="u1c2")
    check_view(view)
    statement, method = block(view, "statement"), block(view, "method")
    assert statement["element"]["initial_value"] == "Searches are fast"
    assert "subjective; no number or threshold" in statement["hint"]["text"]
    assert "initial_value" not in method["element"]  # it had no method
    assert method["element"]["action_id"] == "method.u1c2"
    # An offer gone meanwhile (added by someone else) falls back to the first one.
    view = criteria.criteria_modal(poc, offers=found, chosen="u9c9")
    assert block(view, "statement")["element"]["initial_value"] == "Ingests 500 GB within 1 hour"


def test_no_offers_leave_the_criteria_form_as_it_was() -> None:
    poc = make_poc()
    assert criteria.criteria_modal(poc, offers=()) == criteria.criteria_modal(poc)


# ---------------------------------------------------------------- what the commands answer


def test_saved_says_what_was_kept_and_what_was_left_out() -> None:
    found = Harvest(
        template().use_cases,
        (LeftOut(f"Parked {EVIL}", "parked"), LeftOut(f"Vague {EVIL}", "lint")),
    )
    blocks = views.saved_blocks(f"Evil {EVIL}", found, replaced=None)
    check_blocks(blocks)
    assert_escaped(blocks, views.saved_text(f"Evil {EVIL}", found, replaced=None))
    text = " ".join(b.get("text", {}).get("text", "") for b in blocks)
    assert "📋 Saved the template" in text
    assert "2 use cases, 2 criteria (1 flagged by the linter, the flag kept)" in text
    contexts = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert contexts[0].startswith("Left out, parked for Phase 2: “Parked ")
    assert contexts[1].startswith("Left out, the linter flags them")


def test_replaced_says_whose_it_was() -> None:
    text = views.saved_text("Security review", Harvest((), ()), replaced=template())
    assert text.startswith("📋 Replaced the template *Security review*: 0 use cases, 0 criteria.")
    assert "It was saved by <@USE> on Mon 23 Nov." in text


def test_refusals_name_the_template_escaped() -> None:
    evil = template(name=f"Evil {EVIL}"[:40])
    for text in (
        views.name_taken_text(evil),
        views.may_not_change_text(evil),
        views.unknown_template_text(evil.name),
        views.just_taken_text(evil.name),
        views.deleted_text(evil),
    ):
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text, text
    assert "`/poc template save Evil &lt;!channel&gt;" in views.name_taken_text(evil)
    assert "--replace" in views.name_taken_text(evil)
    assert views.may_not_change_text(template()).startswith(
        "Sorry — only <@USE>, who saved *Security review*, or a sales manager"
    )


def test_the_list_shows_every_template_within_slack_limits() -> None:
    assert views.list_blocks([]) == [section(views.NO_TEMPLATES)]
    assert views.list_text([]) == views.NO_TEMPLATES
    many = [template(i, f"{EVIL} {i}"[:40]).summary for i in range(MAX_TEMPLATES)]
    blocks = views.list_blocks(many)
    check_blocks(blocks)
    assert_escaped(blocks, views.list_text(many))
    shown = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert all(f"&gt; {i}*" in shown for i in range(MAX_TEMPLATES))  # every one, none cut
    assert "saved by <@USE> on Mon 23 Nov" in shown and "• Ingest our logs" in shown
