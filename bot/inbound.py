"""What may reach Bolt from `POST /slack/events`: signed by Slack first, well-formed second.

Bolt verifies the signature in a middleware that runs after it has parsed the body, so a body
it cannot parse (not JSON, a JSON array, invalid UTF-8, `payload=` with garbage) raises before
any check and the server answers 500 — signed or not. Here the signature is checked first, on
the raw text, with slack_sdk's `SignatureVerifier` (Bolt's own verifier); only a signed request
is parsed, by Bolt's `AsyncBoltRequest`, and one Bolt cannot make sense of is answered 400.
Slack never sends such a request: these answers are for scanners and broken proxies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

#: The two content types Slack posts: commands and interactivity as a form, events as JSON.
SLACK_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "application/json"})


@dataclass(frozen=True)
class Refusal:
    status: int  # 401: not shown to be from Slack; 400: signed, but not a request Bolt can read
    reason: str


def screen(
    raw: bytes, headers: Mapping[str, str], *, verifier: SignatureVerifier, query: str = ""
) -> AsyncBoltRequest | Refusal:
    """The request for Bolt to dispatch, or why it is refused."""
    timestamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if not timestamp or not signature:
        return Refusal(401, "unsigned request")
    try:
        # Slack signs UTF-8 text and the verifier hashes text: a body that is not UTF-8 cannot
        # be shown to come from Slack, so it is refused as unverified, like a forged one.
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(401, "signature not verifiable: the body is not UTF-8 text")
    try:
        authentic = verifier.is_valid(body=text, timestamp=timestamp, signature=signature)
    except ValueError:  # a timestamp that is not a number
        authentic = False
    if not authentic:
        return Refusal(401, "invalid or expired signature")
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in SLACK_CONTENT_TYPES:
        return Refusal(400, f"unexpected Content-Type {content_type or '(none)'}")
    if not text.strip():
        return Refusal(400, "empty body")
    try:
        request = AsyncBoltRequest(body=text, query=query, headers=headers)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        # Bolt's parser and its context extraction expect a JSON object (or a form whose
        # `payload` is one); anything else raises here, where it is a bad request, not a 500.
        return Refusal(400, "the body is not a Slack payload")
    if not isinstance(request.body, dict) or not request.body:
        return Refusal(400, "the body is not a Slack payload")
    return request
