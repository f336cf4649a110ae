"""Every listener answers Slack, whatever happens inside it.

Bolt runs a listener in a task of its own (`process_before_response=False`) and waits for its
ack. When the listener raises *before* acking, Bolt answers 500 (Slack shows "We had some
trouble connecting"). When it raises right *after* acking, Bolt's runner resets the ack to
None; if that lands before Bolt's next 10 ms poll, the request falls through every listener
and is answered 404 (slack_bolt 1.30, listener/asyncio_runner.py). A listener that never
acks within Bolt's 3 s `ack_timeout` (a database that does not answer) is a 404 too.

So every listener runs inside `guarded`: it is acked within `ACK_DEADLINE` whatever happens,
a failure is answered in words the user can act on ("Nothing was saved — try again in a
minute"), and no exception reaches Bolt. This is the one place that knows how; handlers
raise and let it answer.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc
from bot.rules import Act
from handlers.payloads import body_channel_id, body_user_id, first_input
from handlers.replies import tell_user
from handlers.request import Click, Submission, on_click, on_submission

log = logging.getLogger(__name__)

#: Acked by then, or the listener is cancelled and the user told. Slack waits 3 s; Bolt stops
#: waiting for an ack at 3 s from the start of dispatch, so ours must come before that.
ACK_DEADLINE = 2.5

NOTHING_SAVED = "Nothing was saved — something went wrong on my side. Try again in a minute."
NOTHING_CHANGED = "Nothing was changed — something went wrong on my side. Try again in a minute."
NOTHING_READ = (
    "I couldn't look that up just now — something went wrong on my side. Try again in a minute."
)
SAVED_NOT_POSTED = (
    "What you entered is saved, but something went wrong on my side while posting it. "
    "`/poc status` shows it; try again in a minute if something is missing."
)

Listener = Callable[..., Awaitable[Any]]
ClickFlow = Callable[[Click, Poc], Awaitable[None]]
SubmissionFlow = Callable[[Submission], Awaitable[None]]
#: Whether a request of this listener changes something (its failure then says "nothing was
#: saved"); a function of the request body for listeners that do both, such as `/poc`.
Writes = bool | Callable[[dict[str, Any]], bool]

_INJECTABLE = frozenset(inspect.signature(AsyncArgs.__init__).parameters) - {"self", "kwargs"}


def guarded(listener: Listener, *, writes: Writes = True) -> Callable[[AsyncArgs], Awaitable[None]]:
    """`listener` as a Bolt listener that always acks in time and never raises."""
    names = inspect.getfullargspec(listener).args
    unknown = set(names) - _INJECTABLE
    if unknown:
        raise TypeError(f"{listener.__qualname__} asks for {sorted(unknown)}: not Bolt arguments")

    async def run(args: AsyncArgs) -> None:
        acked = asyncio.Event()
        bolt_ack = args.ack
        # Follow-up work waits while requests are before their ack (bot/deps.py FollowUps).
        deps = args.context.get("deps") if args.context is not None else None
        follow_ups = getattr(deps, "follow_ups", None)

        def answered() -> None:
            if not acked.is_set():
                acked.set()
                if follow_ups is not None:
                    follow_ups.acked()

        async def ack(*a: Any, **kw: Any) -> Any:
            response = await bolt_ack(*a, **kw)
            answered()
            return response

        kwargs = {name: ack if name == "ack" else getattr(args, name) for name in names}
        if bolt_ack.response is not None:  # events: Bolt acked before running us
            acked.set()
        elif follow_ups is not None:
            follow_ups.before_ack()
        try:
            await _guarded_run(listener, args, kwargs, acked, writes)
        finally:
            answered()  # however it ended, this request no longer holds follow-ups back

    run.__name__ = run.__qualname__ = f"guarded_{listener.__name__}"
    run.__doc__ = listener.__doc__
    return run


async def _guarded_run(
    listener: Listener,
    args: AsyncArgs,
    kwargs: dict[str, Any],
    acked: asyncio.Event,
    writes: Writes,
) -> None:
    """Run `listener`; answer Slack in time and in words whatever happens (see `guarded`)."""
    bolt_ack = args.ack
    work = asyncio.ensure_future(listener(**kwargs))
    _in_flight.add(work)
    work.add_done_callback(_in_flight.discard)
    waiting = asyncio.ensure_future(acked.wait())
    try:
        await asyncio.wait(
            {work, waiting}, timeout=ACK_DEADLINE, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        waiting.cancel()
    if not work.done() and not acked.is_set():
        # The database (most likely) does not answer. Stop before anything is written:
        # a transaction cancelled before COMMIT rolls back, so "nothing was saved" holds.
        work.cancel()  # it stays in _in_flight until it has unwound
        log.error("%s did not ack within %.1f s: cancelled", listener.__qualname__, ACK_DEADLINE)
        await _answer_failure(args, acked=False, writes=_writes(writes, args.body))
        return
    try:
        await work
    except Exception:
        log.exception("%s failed on %s", listener.__qualname__, _kind(args.body))
        await _answer_failure(args, acked=acked.is_set(), writes=_writes(writes, args.body))
        return
    if not acked.is_set():
        # A path that returned without a word: an empty ack beats Bolt's 404 at 3 s.
        log.warning("%s returned without acking", listener.__qualname__)
        await bolt_ack()


#: Listener runs not finished yet (a strong reference: a task cancelled at the deadline may
#: take a while to unwind, and must not be garbage-collected meanwhile).
_in_flight: set[asyncio.Future[Any]] = set()


async def settled(within: float = 10.0) -> None:
    """Wait until every listener run started so far in this process has finished.

    What tests wait on before asserting that a request changed nothing: an ack says the
    request was received, not that its work is over.
    """
    async with asyncio.timeout(within):
        while _in_flight:
            await asyncio.wait(set(_in_flight))


def _writes(writes: Writes, body: dict[str, Any]) -> bool:
    try:
        return writes(body) if callable(writes) else writes
    except Exception:
        return True


def _kind(body: dict[str, Any]) -> str:
    if "command" in body and "type" not in body:
        return "command"
    return str(body.get("type") or "request")


async def _answer_failure(args: AsyncArgs, *, acked: bool, writes: bool) -> None:
    """Tell the user what happened, through whatever this kind of request allows."""
    body = args.body or {}
    kind = _kind(body)
    try:
        if kind == "view_submission":
            if not acked:
                field = first_input(body.get("view") or {})
                if field:
                    await args.ack(response_action="errors", errors={field: NOTHING_SAVED})
                else:
                    await args.ack()
            else:
                await _tell(args.client, body, SAVED_NOT_POSTED)
        elif kind == "command":
            text = NOTHING_SAVED if writes else NOTHING_READ
            if not acked:
                await args.ack(text=text, response_type="ephemeral")
            else:
                await args.respond(text=text, response_type="ephemeral", replace_original=False)
        elif kind == "block_actions":
            if not acked:
                await args.ack()
            await _tell(args.client, body, NOTHING_CHANGED if writes else NOTHING_READ)
        elif not acked:
            await args.ack()  # events and the rest: Slack needs the 200, nobody is waiting
    except Exception:
        log.exception("could not tell the user about a failed %s", kind)
        if args.ack.response is None:
            await args.ack()


async def _tell(client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    user_id = body_user_id(body)
    if user_id:
        await tell_user(client, user_id=user_id, channel_id=body_channel_id(body), text=text)


class Listeners:
    """The app's listener decorators, with every listener `guarded`.

    Handlers register through this (`register(listeners)`), so no listener can be added
    unguarded; the functions themselves stay plain and importable.
    """

    def __init__(self, app: AsyncApp) -> None:
        self.app = app

    def command(self, command: str, *, writes: Writes = True) -> Callable[[Listener], Listener]:
        return self._on(self.app.command(command), writes)

    def view(self, callback_id: str) -> Callable[[Listener], Listener]:
        return self._on(self.app.view(callback_id), True)

    def submission(self, callback_id: str) -> Callable[[SubmissionFlow], SubmissionFlow]:
        """A modal's submission, handled by a function of the `Submission`."""

        def decorate(flow: SubmissionFlow) -> SubmissionFlow:
            self.view(callback_id)(on_submission(flow))
            return flow

        return decorate

    def action(self, action_id: str, *, writes: Writes = True) -> Callable[[Listener], Listener]:
        return self._on(self.app.action(action_id), writes)

    def click(
        self, action_id: str, act: Act, *, writes: Writes = True
    ) -> Callable[[ClickFlow], ClickFlow]:
        """A button about a POC, handled by a function of the `Click` and the POC, once the
        clicker is known to be allowed to `act` on it."""

        def decorate(flow: ClickFlow) -> ClickFlow:
            self.action(action_id, writes=writes)(on_click(act, flow))
            return flow

        return decorate

    def event(self, event: str) -> Callable[[Listener], Listener]:
        return self._on(self.app.event(event), True)

    @staticmethod
    def _on(register: Callable[..., Any], writes: Writes) -> Callable[[Listener], Listener]:
        def decorate(listener: Listener) -> Listener:
            register(guarded(listener, writes=writes))
            return listener

        return decorate
