"""A local Slack for tests and the demo: the Web API stand-in and a signer of requests."""

from bot.sandbox.signing import Reply, SlackClient, SlackOverSocket, signature, state_values
from bot.sandbox.slack_api import Message, SlackStandIn

__all__ = [
    "Message",
    "Reply",
    "SlackClient",
    "SlackOverSocket",
    "SlackStandIn",
    "signature",
    "state_values",
]
