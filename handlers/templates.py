"""`/poc template save|list|delete`, and the template pickers in the `/poc new` and
`/poc criteria` modals (a pick updates the modal: bot/views/templates.py says why).

Saving needs a POC (this channel's, of which one is SE or AE); listing and deleting do not.
Replacing or deleting a template is for whoever saved it, or a sales manager.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain import Poc, Template
from bot.rules import (
    MAX_TEMPLATES,
    Act,
    BadTemplateName,
    Offer,
    criterion_offers,
    harvest,
    may_change_template,
    open_to,
    save_request,
    template_name,
)
from bot.views.criteria import criteria_modal
from bot.views.poc_new import Meta, new_poc_modal
from bot.views.refusals import refusal
from bot.views.templates import (
    NOTHING_TO_SAVE,
    PICK_OFFER,
    PICK_TEMPLATE,
    TOO_MANY,
    USAGE,
    bad_name_text,
    deleted_text,
    just_taken_text,
    list_blocks,
    list_text,
    may_not_change_text,
    name_taken_text,
    saved_blocks,
    saved_text,
    unknown_template_text,
)
from bot.views.values import read_modal_poc_id
from handlers.guard import Listeners
from handlers.request import Click, Command, poc_by_id
from storage import templates, workspace

log = logging.getLogger(__name__)


class Refused(Exception):
    """Said instead of the change; raised inside the transaction, so nothing is written."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


async def template_command(cmd: Command) -> None:
    """`/poc template <save|list|delete> …`; anything else gets the usage."""
    await cmd.ack()
    verb, rest = [*cmd.args.split(maxsplit=1), "", ""][:2]
    verb = verb.lower()
    if verb != "save" and not cmd.may(Act.use_templates, None):
        await cmd.say_privately(refusal(Act.use_templates, None))
    elif verb == "save":
        await save_template(cmd, rest)
    elif verb == "list":
        await list_templates(cmd)
    elif verb == "delete":
        await delete_template(cmd, rest)
    else:
        await cmd.say_privately(USAGE)


async def save_template(cmd: Command, args: str) -> None:
    try:
        request = save_request(args)
    except BadTemplateName as e:
        await cmd.say_privately(bad_name_text(str(e), "save"))
        return
    poc = await cmd.poc_here(Act.save_template)
    if poc is None:
        return
    found = harvest(poc)
    if not found.use_cases:
        await cmd.say_privately(NOTHING_TO_SAVE)
        return
    try:
        async with cmd.once() as s:
            if s is None:  # a replay of this very command
                return
            existing = await templates.find_template(
                session=s, team_id=cmd.team_id, name=request.name
            )
            if existing is not None and not request.replace:
                raise Refused(name_taken_text(existing))
            await _may_change(s, cmd, existing)
            saved = await templates.save_template(
                session=s,
                team_id=cmd.team_id,
                name=request.name,
                use_cases=found.use_cases,
                by=cmd.user_id,
                now=cmd.deps.clock(),
                replace=existing is not None,
            )
            if saved is None:  # saved by someone else a moment ago
                raise Refused(just_taken_text(request.name))
    except Refused as refused:
        await cmd.say_privately(refused.text)
        return
    await cmd.say_privately(
        saved_text(request.name, found, replaced=existing),
        saved_blocks(request.name, found, replaced=existing),
    )


async def _may_change(s: AsyncSession, cmd: Command, existing: Template | None) -> None:
    """Raise Refused unless this person may replace `existing` (or add a template)."""
    if existing is None:
        if await templates.count_templates(session=s, team_id=cmd.team_id) >= MAX_TEMPLATES:
            raise Refused(TOO_MANY)
        return
    managers = (await workspace.load_workspace(session=s, team_id=cmd.team_id)).managers
    if not may_change_template(existing, cmd.user_id, managers):
        raise Refused(may_not_change_text(existing))


async def list_templates(cmd: Command) -> None:
    async with cmd.deps.db.session() as s:
        found = await templates.load_summaries(session=s, team_id=cmd.team_id)
    await cmd.say_privately(list_text(found), list_blocks(found))


async def delete_template(cmd: Command, args: str) -> None:
    try:
        name = template_name(args)
    except BadTemplateName as e:
        await cmd.say_privately(bad_name_text(str(e), "delete"))
        return
    try:
        async with cmd.once() as s:
            if s is None:
                return
            found = await templates.find_template(session=s, team_id=cmd.team_id, name=name)
            if found is None:
                raise Refused(unknown_template_text(name))
            await _may_change(s, cmd, found)
            await templates.delete_template(session=s, team_id=cmd.team_id, template_id=found.id)
    except Refused as refused:
        await cmd.say_privately(refused.text)
        return
    await cmd.say_privately(deleted_text(found))


# ---------------------------------------------------------------- the pickers in modals


async def offers_for(deps: Deps, poc: Poc) -> tuple[Offer, ...]:
    """The criteria of the template this POC was started from that it has not added yet."""
    async with deps.db.session() as s:
        template = await templates.template_of_poc(session=s, team_id=poc.team_id, poc_id=poc.id)
    return criterion_offers(poc, template)


def _picked(action: dict[str, Any]) -> str | None:
    selected = action.get("selected_option")
    return str(selected.get("value")) if isinstance(selected, dict) else None


async def _update(client: AsyncWebClient, view: dict[str, Any], new: dict[str, Any]) -> None:
    """Show `new` in place of the modal; a newer pick updated it first: that one stands."""
    try:
        await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=new)
    except SlackApiError as e:
        if e.response.get("error") != "hash_conflict":
            raise
        log.info("view %s changed since this pick: the newer one stands", view.get("id"))


async def pick_template(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """A template picked in `/poc new`: the modal again, its use cases filled from it."""
    await ack()
    click = Click.of(ack=ack, body=body, action=action, context=context, client=client)
    view = body.get("view") if isinstance(body.get("view"), dict) else None
    if view is None or not click.may(Act.use_templates, None):
        return  # a forged payload, or someone of another team: nothing to show them
    deps = click.deps
    meta = Meta.load(view.get("private_metadata"), deps.settings.default_tz)
    picked = _picked(action) or ""
    async with deps.db.session() as s:
        found = await templates.load_summaries(session=s, team_id=click.team_id)
        ws = await workspace.load_workspace(session=s, team_id=click.team_id)
        chosen = None
        if picked.isdigit():  # "none" (from scratch), or the id of one of the team's
            chosen = await templates.load_template(
                session=s, team_id=click.team_id, template_id=int(picked)
            )
    modal = new_poc_modal(
        channel_id=meta.origin_channel,
        tz=meta.tz,
        workspace_calendar=ws.holiday_country,
        templates=found,
        chosen=chosen,
    )
    await _update(client, view, modal)


async def pick_offer(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """One of the template's criteria picked in `/poc criteria`: the fields filled from it."""
    await ack()
    click = Click.of(ack=ack, body=body, action=action, context=context, client=client)
    view = body.get("view") if isinstance(body.get("view"), dict) else None
    poc_id = read_modal_poc_id(view.get("private_metadata")) if view else None
    if view is None or poc_id is None:
        return
    poc = await poc_by_id(click.deps, team_id=click.team_id, poc_id=poc_id)
    if poc is None or not click.may(Act.add_criterion, poc) or not open_to(Act.add_criterion, poc):
        return  # the submission says why, on the form
    offers = await offers_for(click.deps, poc)
    await _update(client, view, criteria_modal(poc, offers=offers, chosen=_picked(action)))


def register(app: Listeners) -> None:
    app.action(PICK_TEMPLATE, writes=False)(pick_template)
    app.action(PICK_OFFER, writes=False)(pick_offer)
