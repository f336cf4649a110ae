"""`/poc criteria`: add an objective criterion to a use case; each is posted as its own message."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import Poc
from bot.rules import (
    Act,
    LintIssue,
    after_kickoff,
    criterion_scope_changes,
    lint_criterion,
    request_nudges,
)
from bot.views.criteria import (
    CALLBACK,
    CriterionForm,
    criteria_modal,
    criterion_blocks,
    criterion_metadata,
    criterion_text,
    flag_codes,
    lint_errors,
    read_criterion,
)
from bot.views.text import escape
from handlers.guard import Listeners
from handlers.replies import tell_user
from handlers.request import Command, Submission
from handlers.templates import offers_for
from handlers.threads import reply_in_thread
from storage import snapshots, writes

log = logging.getLogger(__name__)


async def open_criteria(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.add_criterion)
    if poc is None:
        return
    if not poc.use_cases:
        await cmd.say_privately("This POC has no use cases yet.")
    await cmd.open_modal(criteria_modal(poc, offers=await offers_for(cmd.deps, poc)))


async def submit_criterion(sub: Submission) -> None:
    deps, team_id, user_id = sub.deps, sub.team_id, sub.user_id
    # Before the ack only the use cases and the kickoff matter: the outline is 4 queries
    # where the whole POC is 11 (the message is rendered from the whole POC, after).
    poc = await sub.poc(Act.add_criterion, outline=True)
    if poc is None:
        return
    form, errors = read_criterion(sub.values, poc)
    if form is None:
        await sub.show_errors(errors)
        return
    lint = lint_criterion(form.statement, form.method)
    if lint.warnings and not form.save_anyway:
        await sub.show_errors(lint_errors(lint))
        return

    now = deps.clock()
    late = after_kickoff(poc, now)
    changes = criterion_scope_changes(
        poc, now, statement=form.statement, new_use_case=form.new_use_case
    )
    async with sub.once() as s:
        if s is None:  # a replay of a submission already stored
            await sub.ack()
            return
        criterion_id, use_case_id = await _store(s, sub, poc, form, lint.warnings, late, now)
        # What parking a change takes out of scope: the new use case, else the criterion.
        change_ids = []
        for kind, detail in changes:
            change_id = await writes.add_scope_change(
                session=s,
                team_id=team_id,
                poc_id=poc.id,
                kind=kind,
                detail=detail,
                now=now,
                by=user_id,
                use_case_id=use_case_id if form.use_case_id is None else None,
                criterion_id=criterion_id if form.use_case_id is not None else None,
            )
            change_ids.append(change_id)
    await sub.ack()
    async with deps.follow_ups:
        await post_criterion(sub, poc_id=poc.id, criterion_id=criterion_id, changes=change_ids)


async def _store(
    s: AsyncSession,
    sub: Submission,
    poc: Poc,
    form: CriterionForm,
    warnings: tuple[LintIssue, ...],
    late: bool,
    now: datetime,
) -> tuple[int, int]:
    """The criterion (and its new use case, if it brings one): (criterion id, use case id)."""
    use_case_id = form.use_case_id
    if use_case_id is None:
        assert form.new_use_case
        use_case_id = await writes.add_use_case(
            session=s,
            team_id=sub.team_id,
            poc_id=poc.id,
            title=form.new_use_case,
            after_kickoff=late,
            now=now,
        )
    criterion_id = await writes.add_criterion(
        session=s,
        team_id=sub.team_id,
        poc_id=poc.id,
        use_case_id=use_case_id,
        statement=form.statement,
        method=form.method,
        lint_flags=flag_codes(warnings),
        after_kickoff=late,
        created_by=sub.user_id,
        now=now,
    )
    return criterion_id, use_case_id


async def post_criterion(
    sub: Submission, *, poc_id: int, criterion_id: int, changes: list[int] | None = None
) -> None:
    """Post the criterion in the deal channel and remember its message, where votes land;
    a new request it makes (`changes`: scope change ids) is asked about in its thread."""
    client, deps, team_id = sub.client, sub.deps, sub.team_id
    async with deps.db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id)
    assert poc is not None
    criterion = next(c for c in poc.criteria if c.id == criterion_id)
    use_case = next(u for u in poc.use_cases if u.id == criterion.use_case_id)
    try:
        response = await client.chat_postMessage(
            channel=poc.channel_id,
            text=criterion_text(criterion),
            blocks=criterion_blocks(poc, criterion, use_case),
            metadata=criterion_metadata(poc.id, criterion.id),
        )
    except SlackApiError as e:
        error = e.response.get("error")
        log.warning("posting criterion %s failed: %s", criterion_id, error)
        await tell_user(
            client,
            user_id=sub.user_id,
            channel_id=None,
            text=(
                f"The criterion is saved, but I couldn't post it in <#{poc.channel_id}> ({error}). "
                f"Invite me there with `/invite @pocbot`. Criterion: {escape(criterion.statement)}"
            ),
        )
        return
    async with deps.db.transaction() as s:
        await writes.set_criterion_message(
            session=s,
            team_id=team_id,
            criterion_id=criterion_id,
            channel_id=response["channel"],
            ts=response["ts"],
        )
    if changes and not poc.quiet:
        now = deps.clock()
        await reply_in_thread(
            client,
            deps,
            poc=poc,
            nudges=request_nudges(poc, now, changes),
            thread_ts=str(response["ts"]),
            now=now,
        )


def register(app: Listeners) -> None:
    app.submission(CALLBACK)(submit_criterion)
