"""Malformed requests to /slack/events, over real HTTP: 401 unsigned, 400 signed, never 500.

The signature is checked before the body is read as anything but text, so an unsigned request
is refused whatever it holds; a signed one Bolt could not parse is a 400. A body that is not
UTF-8 cannot be verified (Slack signs text), so it is a 401 even with a signature over its
bytes. Nothing is stored and nothing reaches Slack.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.sandbox.harness import Sandbox
from tests.e2e.conftest import DEAL, SE

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

#: (what, body, Content-Type) — each one something Slack never sends.
MALFORMED: list[tuple[str, bytes, str | None]] = [
    ("not JSON", b"{this is not json", JSON),
    ("plain words as JSON", b"hello there", JSON),
    ("a JSON array", b'[{"type": "event_callback"}]', JSON),
    ("a JSON string", b'"event_callback"', JSON),
    ("invalid UTF-8", b"command=%2Fpoc&text=new&user_id=\xff\xfe\xfa", FORM),
    ("invalid UTF-8 JSON", b'{"type": "\xc3\x28"}', JSON),
    ("payload= with garbage JSON", b"payload=" + quote("{not json").encode(), FORM),
    ("payload= with a JSON array", b"payload=" + quote("[1, 2]").encode(), FORM),
    ("payload= with a JSON number", b"payload=42", FORM),
    ("an empty body", b"", JSON),
    ("an empty form", b"", FORM),
    ("no Content-Type", b"command=%2Fpoc&text=new", None),
    ("text/plain", b"command=%2Fpoc&text=new", "text/plain"),
]


async def stored_rows(sb: Sandbox) -> dict[str, int]:
    async with sb.db.engine.connect() as conn:
        return {
            t.name: (await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name != "alembic_version"
        }


@pytest.mark.parametrize(("what", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_a_malformed_request_is_a_400_when_signed_and_a_401_when_not(
    sb: Sandbox, what: str, body: bytes, content_type: str | None
) -> None:
    unsigned = await sb.client.send(body, content_type=content_type, signed=False)
    forged = await sb.client.send(body, content_type=content_type, secret="not-the-secret")
    signed = await sb.client.send(body, content_type=content_type)
    expected = 401 if what.startswith("invalid UTF-8") else 400
    assert (unsigned.status, forged.status, signed.status) == (401, 401, expected), (
        what,
        unsigned.text,
        forged.text,
        signed.text,
    )
    assert sb.slack.calls == [], "nothing reached Slack"
    assert not any((await stored_rows(sb)).values()), "nothing was stored"


async def test_a_well_formed_request_still_goes_through(sb: Sandbox) -> None:
    """The screen refuses only what it must: the same checks pass Slack's own requests."""
    body = sb.client.command_body(SE, DEAL, "help")
    reply = await sb.client.send(body, content_type=f"{FORM}; charset=utf-8")
    assert reply.status == 200 and "/poc new" in reply.json()["text"]
    challenge = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    reply = await sb.client.send(challenge, content_type=JSON)
    assert (reply.status, reply.json()) == (200, {"challenge": "c-123"})


async def test_a_signature_over_other_bytes_is_refused_before_the_body_is_read(
    sb: Sandbox,
) -> None:
    body = urlencode({"payload": "{not json"})
    reply = await sb.client.send(
        body,
        content_type=FORM,
        headers={"X-Slack-Signature": "v0=" + "0" * 64},
    )
    assert reply.status == 401
    reply = await sb.client.send(
        body, content_type=FORM, headers={"X-Slack-Request-Timestamp": "not-a-number"}
    )
    assert reply.status == 401


def _payload(value: object) -> bytes:
    return b"payload=" + quote(json.dumps(value)).encode()


#: Signed JSON objects Bolt's own matchers and error handling trip over (slack_bolt 1.30).
ODD_SHAPES: list[tuple[str, bytes, str]] = [
    ("an event that is a string", b'{"event": "oops"}', JSON),
    ("an event_callback whose event is a string", b'{"type":"event_callback","event":"x"}', JSON),
    ("actions that are a string", _payload({"type": "block_actions", "actions": "x"}), FORM),
    ("a view that is a string", _payload({"type": "view_submission", "view": "x"}), FORM),
    (
        "a view without a type",
        _payload({"type": "view_submission", "user": {"id": SE}, "view": {"callback_id": "x"}}),
        FORM,
    ),
]


@pytest.mark.parametrize(
    ("what", "body", "content_type"), ODD_SHAPES, ids=[m[0] for m in ODD_SHAPES]
)
async def test_a_signed_object_of_a_shape_slack_never_sends_is_a_400(
    sb: Sandbox, what: str, body: bytes, content_type: str
) -> None:
    signed = await sb.client.send(body, content_type=content_type)
    assert signed.status == 400, (what, signed.text)
    # Bolt may have authorized the request (auth.test); nothing else reached Slack.
    assert [c.method for c in sb.slack.calls if c.method != "auth.test"] == []
    assert not any((await stored_rows(sb)).values()), "nothing was stored"
