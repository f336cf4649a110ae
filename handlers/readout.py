"""The read-out (rule 9): posted in the deal channel; the champion and a business or executive
sponsor agreeing is the technical validation sign-off (rule 11), which closes that milestone
and hands over to the AE. With a criterion failed or pending, agreeing is "validated with
exceptions" and takes a note (modal `poc_agree`); the SE or AE records an answer given in the
meeting (modal `poc_answer`), for someone outside Slack too.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.domain import MilestoneKind, Poc, ReadoutAnswer, Status
from bot.rules import Act, answering_role, local_today, may, signoff, with_exceptions
from bot.views.readout import (
    AGREE,
    DISAGREE,
    disagree_blocks,
    disagree_text,
    readout_blocks,
    readout_text,
)
from bot.views.signoff import (
    AGREE_MODAL,
    RECORD_MODAL,
    agree_modal,
    answer_text,
    read_note,
    read_recorded,
    record_modal,
)
from bot.views.sponsor import sponsor_choices
from bot.views.text import day, section
from handlers.guard import Listeners
from handlers.replies import tell_user
from handlers.request import Click, Command, Request, Submission, local_noon
from storage import lifecycle, snapshots, writes

log = logging.getLogger(__name__)

NOBODY_TO_RECORD = (
    "This POC names no champion and no sponsor, so nobody can agree to its read-out. "
    "The sign-off needs the champion and a business or executive sponsor."
)
ONLY_THE_PROSPECT = (
    "Your own agreement does not sign it off: the champion and a business or executive "
    "sponsor do. To record what one of them said in the meeting, click the first button."
)


async def post_readout(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.post_readout)
    if poc is None:
        return
    async with cmd.once() as s:
        if s is None:  # a replay of this very command: the read-out is posted once
            return
    await publish_readout(cmd.client, cmd.deps, poc=poc, user_id=cmd.user_id)


async def publish_readout(client: AsyncWebClient, deps: Deps, *, poc: Poc, user_id: str) -> None:
    """Post the read-out in the deal channel and record it (used by /poc readout and nudges)."""
    now = deps.clock()
    try:
        response = await client.chat_postMessage(
            channel=poc.channel_id, text=readout_text(poc), blocks=readout_blocks(poc)
        )
    except SlackApiError as e:
        await tell_user(
            client,
            user_id=user_id,
            channel_id=None,
            text=f"I couldn't post the read-out in <#{poc.channel_id}>: {e.response.get('error')}.",
        )
        return
    async with deps.db.transaction() as s:
        await writes.update_poc(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            now=now,
            readout_posted_at=now,
            # Answers given in a modal reply in its thread.
            readout_message_ts=response["ts"],
            status=Status.readout,
        )
        await writes.mark_milestone_done(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            kind=MilestoneKind.readout,
            by=user_id,
            now=now,
        )


async def answer_readout(click: Click, poc: Poc) -> None:
    """[Agree] / [Something is missing]: the prospect's people answer for themselves; the SE
    or AE clicking [Agree] records an answer given in the meeting."""
    if poc.signed_off_at is not None:
        when = day(local_today(poc.signed_off_at, poc.tz))
        await click.tell(f"The sign-off is recorded already ({when}). `/poc history` shows who.")
        return
    role = answering_role(poc, click.user_id)
    agreed = click.action_id == AGREE
    if role is None:
        if not agreed or not may(Act.record_answer, poc, click.actor):
            await click.tell(ONLY_THE_PROSPECT)
        elif not sponsor_choices(poc):  # a select needs an option: say why there is none
            await click.tell(NOBODY_TO_RECORD)
        else:
            await click.open_modal(record_modal(poc, exceptions=with_exceptions(poc)))
        return
    if agreed and with_exceptions(poc):
        await click.open_modal(agree_modal(poc))  # agreeing with exceptions needs a note
        return
    answer = ReadoutAnswer(role, agreed, click.deps.clock(), user_id=click.user_id)
    if await record_answer(click, poc, answer):
        message = click.body.get("message")
        await reply(
            click, poc, answer, thread=message.get("ts") if isinstance(message, dict) else None
        )


async def record_answer(req: Request, poc: Poc, answer: ReadoutAnswer) -> bool:
    """Store the answer and, if it completes the sign-off, the sign-off: one transaction, with
    the POC's row locked so two answers arriving together are judged one after the other."""
    async with req.once() as s:
        if s is None:  # a replay of this very request
            return False
        await lifecycle.lock_poc(session=s, team_id=req.team_id, poc_id=poc.id)
        await lifecycle.record_readout_answer(
            session=s, team_id=req.team_id, poc_id=poc.id, answer=answer
        )
        fresh = await snapshots.load_poc(session=s, team_id=req.team_id, poc_id=poc.id)
        state = signoff(fresh or poc)
        if answer.agreed and state.complete:
            assert state.champion is not None and state.sponsor is not None
            what = "validated with exceptions" if state.exceptions else "technically validated"
            await lifecycle.sign_off(
                session=s,
                team_id=req.team_id,
                poc_id=poc.id,
                by=answer.user_id or answer.recorded_by or req.user_id,
                exceptions=state.exceptions,
                detail=f"{what}, agreed by the champion and a sponsor",
                # When the second of the two agreed (an answer recorded later keeps its day).
                now=max(state.champion.at, state.sponsor.at),
            )
    return True


async def reply(req: Request, poc: Poc, answer: ReadoutAnswer, thread: str | None = None) -> None:
    """Say the answer in the read-out's thread; a completed sign-off is broadcast."""
    async with req.deps.db.session() as s:
        fresh = await snapshots.load_poc(session=s, team_id=req.team_id, poc_id=poc.id)
    poc = fresh or poc
    if answer.agreed:
        state = signoff(poc)
        text = answer_text(poc, answer, state)
        blocks, broadcast = [section(text)], state.complete
    else:
        text, blocks = disagree_text(user_id=req.user_id), disagree_blocks(user_id=req.user_id)
        broadcast = False
    try:
        await req.client.chat_postMessage(
            channel=poc.channel_id,
            thread_ts=thread or poc.readout_message_ts,
            text=text,
            blocks=blocks,
            reply_broadcast=broadcast,
        )
    except SlackApiError as e:
        log.warning("posting the read-out answer failed: %s", e.response.get("error"))


async def submit_agree(sub: Submission) -> None:
    """The champion's or a sponsor's agreement with exceptions, and its note."""
    poc = await sub.poc(Act.answer_readout)
    if poc is None:
        return
    role = answering_role(poc, sub.user_id)
    if role is None:
        await sub.refuse(ONLY_THE_PROSPECT)
        return
    exceptions = with_exceptions(poc)
    note, errors = read_note(sub.values, exceptions=exceptions)
    if note is None:
        await sub.show_errors(errors)
        return
    now = sub.deps.clock()
    answer = ReadoutAnswer(role, True, now, user_id=sub.user_id, note=note, exceptions=exceptions)
    recorded = await record_answer(sub, poc, answer)
    await sub.ack()
    if recorded:
        async with sub.deps.follow_ups:
            await reply(sub, poc, answer)


async def submit_recorded(sub: Submission) -> None:
    """An answer given in the meeting, recorded by the SE or AE."""
    poc = await sub.poc(Act.record_answer)
    if poc is None:
        return
    now = sub.deps.clock()
    exceptions = with_exceptions(poc)
    form, errors = read_recorded(sub.values, poc=poc, now=now, exceptions=exceptions)
    if form is None:
        await sub.show_errors(errors)
        return
    in_slack = form.who in poc.evaluator_ids
    answer = ReadoutAnswer(
        form.role,
        True,
        local_noon(form.held_on, poc.tz, now),
        user_id=form.who if in_slack else None,
        name=None if in_slack else form.who,
        recorded_by=sub.user_id,
        note=form.note,
        exceptions=exceptions,
    )
    recorded = await record_answer(sub, poc, answer)
    await sub.ack()
    if recorded:
        async with sub.deps.follow_ups:
            await reply(sub, poc, answer)


def register(app: Listeners) -> None:
    app.click(AGREE, Act.answer_readout)(answer_readout)
    app.click(DISAGREE, Act.answer_readout)(answer_readout)
    app.submission(AGREE_MODAL)(submit_agree)
    app.submission(RECORD_MODAL)(submit_recorded)
