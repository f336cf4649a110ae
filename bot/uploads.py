"""Files to a person's DM with Slack's current upload API (files.upload is retired).

slack_sdk's `files_upload_v2` makes the three calls Slack asks for: per file
`files.getUploadURLExternal` (its name and its length in bytes), the bytes POSTed to the
upload URL it returns, then one `files.completeUploadExternal` sharing them all in the
channel. Both methods need the `files:write` scope; opening the DM needs `im:write`.
Reusable by any flow: `/poc export` now, `/poc report … csv` next.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient


async def dm_channel(client: AsyncWebClient, user_id: str) -> str:
    """The app's DM with this person (conversations.open), created if it does not exist."""
    opened = await client.conversations_open(users=user_id)
    return str((opened.get("channel") or {})["id"])


async def upload_csv(
    client: AsyncWebClient,
    user_id: str,
    files: list[tuple[str, str]],
    *,
    comment: str | None = None,
) -> list[str]:
    """Upload `files` — (file name, CSV text) each — to `user_id`'s DM, with `comment` as the
    message that shares them; returns the files' ids. Each file's title is its name.

    The text is sent as UTF-8 and its declared length counts bytes, not characters: Slack
    refuses an upload whose length differs (an "é" in a prospect's name is two bytes).
    Raises SlackApiError or SlackRequestError when Slack refuses a step.
    """
    channel = await dm_channel(client, user_id)
    done = await client.files_upload_v2(
        file_uploads=[
            {"filename": name, "content": text.encode("utf-8"), "title": name}
            for name, text in files
        ],
        channel=channel,
        initial_comment=comment,
    )
    return [str(f["id"]) for f in done.get("files") or []]
