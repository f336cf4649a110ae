"""POC templates in Slack: what `/poc template save|list|delete` answers, the picker in
`/poc new` (it fills the use cases), and the template's criteria offered in `/poc criteria`.

A picked option is shown by updating the modal (views.update). Slack keeps what someone typed
in an input whose block_id and action_id stay the same, and ignores a new initial_value there;
so the fields a pick fills get a new action_id (block ids, the contract, never change) and the
other fields keep what was typed.

Why update the modal rather than fill the use cases in on submission when the field is left
empty: the field is required, and Slack's client refuses an empty required input before we see
the submission; and the person should see and edit the use cases the go/no-go verdict will
judge (2–3 of them, one a line) before the POC exists, not discover them afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain import Template, TemplateSummary
from bot.rules import (
    FLAG_WORDS,
    MAX_TEMPLATE_NAME,
    MAX_TEMPLATES,
    REPLACE_FLAG,
    Harvest,
    Offer,
    use_case_lines,
)
from bot.views.forms import State, field, input_block
from bot.views.text import (
    MAX_TEXT,
    bullets,
    clip,
    context,
    day,
    escape,
    fit_blocks,
    option,
    plain,
    plural,
    section,
    user,
)

#: The `/poc new` picker: its block and its select (a pick updates the modal).
TEMPLATE_BLOCK = "template"
PICK_TEMPLATE = "poc_new_template"
#: The picker's "start from scratch" option: nothing filled, nothing linked.
NO_TEMPLATE = "none"
#: `/poc criteria`: the select of the template's criteria not added yet.
OFFER_BLOCK = "template_criterion"
PICK_OFFER = "criteria_template"
#: Slack's limits on a static_select: 100 options, a group's label 75 characters.
MAX_OPTIONS = 100

USAGE = (
    "`/poc template save &lt;name&gt;` keeps this POC's use cases and criteria as a template "
    f"(`{REPLACE_FLAG}` to replace one of that name) · `/poc template list` · "
    "`/poc template delete &lt;name&gt;`. `/poc new` then offers them."
)


def _name(name: str) -> str:
    return f"*{escape(name)}*"


def _size(template: TemplateSummary) -> str:
    return (
        f"{plural(len(template.use_case_titles), 'use case')}, "
        f"{plural(template.criteria_count, 'criterion')}"
    )


# ---------------------------------------------------------------- /poc template save


def saved_text(name: str, harvest: Harvest, *, replaced: Template | None) -> str:
    criteria = sum(len(u.criteria) for u in harvest.use_cases)
    flagged = sum(1 for u in harvest.use_cases for c in u.criteria if c.lint_flags)
    what = f"{plural(len(harvest.use_cases), 'use case')}, {plural(criteria, 'criterion')}"
    if flagged:
        what += f" ({flagged} flagged by the linter, the flag kept)"
    verb = "Replaced" if replaced else "Saved"
    text = f"📋 {verb} the template {_name(name)}: {what}."
    if replaced:
        text += f" It was saved by {user(replaced.saved_by)} on {day(replaced.saved_at.date())}."
    return text + " `/poc new` offers it; `/poc criteria` then offers its criteria."


def saved_blocks(name: str, harvest: Harvest, *, replaced: Template | None) -> list[dict[str, Any]]:
    blocks = [section(saved_text(name, harvest, replaced=replaced))]
    parked = [o.statement for o in harvest.left_out if o.why == "parked"]
    linted = [o.statement for o in harvest.left_out if o.why == "lint"]
    if parked:
        blocks.append(
            context(f"Left out, parked for Phase 2: {_quotes(parked)}")  # out of scope here
        )
    if linted:
        blocks.append(
            context(
                "Left out, the linter flags them and they were not saved anyway: " + _quotes(linted)
            )
        )
    return blocks


def _quotes(statements: Sequence[str]) -> str:
    return clip("; ".join(f"“{escape(clip(s, 120))}”" for s in statements), 2000)


def name_taken_text(template: Template) -> str:
    return (
        f"A template named {_name(template.name)} already exists "
        f"({_size(template.summary)}, saved by {user(template.saved_by)} on "
        f"{day(template.saved_at.date())}). To replace it: "
        f"`/poc template save {escape(template.name)} {REPLACE_FLAG}`; or pick another name."
    )


def just_taken_text(name: str) -> str:
    return (
        f"Someone saved a template named {_name(name)} a moment ago: `/poc template list` "
        f"shows it; add `{REPLACE_FLAG}` to replace it, or pick another name."
    )


def may_not_change_text(template: Template) -> str:
    return (
        f"Sorry — only {user(template.saved_by)}, who saved {_name(template.name)}, or a sales "
        "manager can replace or delete it."
    )


def unknown_template_text(name: str) -> str:
    return f"No template is named {_name(name)}. `/poc template list` shows the team's."


TOO_MANY = (
    f"The team has {MAX_TEMPLATES} templates, as many as `/poc new` can offer: delete one "
    "first (`/poc template delete &lt;name&gt;`)."
)
NOTHING_TO_SAVE = "This POC has no use cases in scope: there is nothing to save as a template."
NO_TEMPLATES = (
    "The team has no templates yet. In a POC's channel: `/poc template save &lt;name&gt;`."
)


def bad_name_text(why: str, verb: str) -> str:
    """A name that will not do (bot.rules BadTemplateName says why), and how to type one."""
    flag = f" [{REPLACE_FLAG}]" if verb == "save" else ""
    return (
        f"{escape(why)} `/poc template {verb} &lt;name&gt;{flag}`: a name of 1 to "
        f"{MAX_TEMPLATE_NAME} characters."
    )


def deleted_text(template: Template) -> str:
    return (
        f"🗑️ Deleted the template {_name(template.name)} ({_size(template.summary)}). POCs started "
        "from it keep their use cases and criteria."
    )


# ---------------------------------------------------------------- /poc template list


def list_text(templates: Sequence[TemplateSummary]) -> str:
    if not templates:
        return NO_TEMPLATES
    return clip(
        f"{plural(len(templates), 'template')}: " + ", ".join(escape(t.name) for t in templates),
        MAX_TEXT,
    )


def list_blocks(templates: Sequence[TemplateSummary]) -> list[dict[str, Any]]:
    """Every template: its name, size, who saved it and when, and its use cases — packed into
    sections within Slack's limits (a team's MAX_TEMPLATES fit)."""
    if not templates:
        return [section(NO_TEMPLATES)]
    lines = [
        f"{_name(t.name)} — {_size(t)} · saved by {user(t.saved_by)} on {day(t.saved_at.date())}\n"
        + clip(bullets([escape(clip(u, 80)) for u in t.use_case_titles[:5]]), 600)
        for t in templates
    ]
    blocks = [section(f"📋 *The team's POC templates* ({len(templates)})")]
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + len(line) + 2 > MAX_TEXT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n\n{line}" if chunk else line
    blocks.append(section(chunk))
    blocks.append(context(USAGE))
    return fit_blocks(blocks)


# ---------------------------------------------------------------- the /poc new picker


def with_templates(
    blocks: list[dict[str, Any]], templates: Sequence[TemplateSummary], chosen: Template | None
) -> list[dict[str, Any]]:
    """The `/poc new` blocks with the template picker before the use cases (only when the
    team has templates), and the use cases filled from the chosen one."""
    if not templates:
        return blocks
    options = [option("None: start from scratch", NO_TEMPLATE)]
    options += [option(f"{t.name} ({_size(t)})", str(t.id)) for t in templates[: MAX_OPTIONS - 1]]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": PICK_TEMPLATE,
        "placeholder": plain("Pick a template"),
        "options": options,
    }
    picked = next((o for o in options if chosen and o["value"] == str(chosen.id)), None)
    if picked:
        select["initial_option"] = picked
    picker = input_block(
        TEMPLATE_BLOCK,
        "Start from a template",
        select,
        optional=True,
        hint="Fills the use cases below (edit them as you like); "
        "/poc criteria then offers the template's criteria.",  # plain text: no `code`
    )
    picker["dispatch_action"] = True
    out = []
    for block in blocks:
        if block.get("block_id") == "use_cases":
            out.append(picker)
            if chosen is not None:
                block = _filled(block, f"t{chosen.id}", use_case_lines(chosen))
        out.append(block)
    return out


def chosen_template_id(values: State) -> int | None:
    """The template picked in `/poc new` (None: none, or no picker)."""
    picked = field(values, TEMPLATE_BLOCK)
    return int(picked) if isinstance(picked, str) and picked.isdigit() else None


def _filled(block: dict[str, Any], version: str, value: str) -> dict[str, Any]:
    """An input block showing `value`: a new action_id, so Slack shows it over what was typed."""
    element = dict(block["element"])
    element["action_id"] = f"{block['block_id']}.{version}"
    if value:
        element["initial_value"] = value[: element.get("max_length", MAX_TEXT)]
    else:
        element.pop("initial_value", None)
    return {**block, "element": element}


# ---------------------------------------------------------------- /poc criteria's offers


def with_offers(
    blocks: list[dict[str, Any]], offers: Sequence[Offer], chosen: str | None
) -> list[dict[str, Any]]:
    """The criteria modal with a select of the template's criteria not added yet (grouped by
    use case), the chosen one (default: the first) filling use case, criterion and method."""
    if not offers:
        return blocks
    offers = offers[:MAX_OPTIONS]
    offer = next((o for o in offers if o.key == chosen), offers[0])
    groups: dict[int, list[dict[str, Any]]] = {}
    titles: dict[int, str] = {}
    for o in offers:
        groups.setdefault(o.use_case_id, []).append(option(o.criterion.statement, o.key))
        titles[o.use_case_id] = o.use_case_title
    select = {
        "type": "static_select",
        "action_id": PICK_OFFER,
        "option_groups": [
            {"label": plain(clip(titles[uc], 75)), "options": opts} for uc, opts in groups.items()
        ],
        "initial_option": option(offer.criterion.statement, offer.key),
    }
    picker = input_block(
        OFFER_BLOCK,
        "From the template",
        select,
        optional=True,
        hint="Pick one of the template's criteria: it fills the fields below, to edit as you like.",
    )
    picker["dispatch_action"] = True
    out = []
    for block in blocks:
        block_id = block.get("block_id")
        if block_id == "use_case":
            out.append(picker)
            block = _chosen_use_case(block, offer)
        elif block_id == "statement":
            block = _filled(block, offer.key, offer.criterion.statement)
            if offer.criterion.lint_flags:
                flags = "; ".join(FLAG_WORDS.get(f, f) for f in offer.criterion.lint_flags)
                block["hint"] = plain(
                    f"⚑ Saved in the template despite the linter ({flags}): "
                    "sharpen it, or tick 'Save anyway' below."
                )
        elif block_id == "method":
            block = _filled(block, offer.key, offer.criterion.method)
        out.append(block)
    return out


def _chosen_use_case(block: dict[str, Any], offer: Offer) -> dict[str, Any]:
    element = dict(block["element"])
    element["action_id"] = f"use_case.{offer.key}"
    picked = next(
        (o for o in element.get("options", []) if o["value"] == str(offer.use_case_id)), None
    )
    if picked:
        element["initial_option"] = picked
    return {**block, "element": element}
