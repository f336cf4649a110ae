"""The stand-in's file uploads answer as Slack's current upload API does, and bot.uploads uses it:
files.getUploadURLExternal → the bytes to the upload URL → files.completeUploadExternal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.slack_api import SlackStandIn
from bot.uploads import upload_csv
from tests.sandbox.test_scopes import manifest_without

USER = "UMGR"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        stand_in.add_user(USER, "Morgan Manager")
        yield stand_in


@pytest.fixture
async def client(slack: SlackStandIn) -> AsyncIterator[AsyncWebClient]:
    c = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
    yield c
    await close_client(c)


async def test_upload_csv_shares_the_files_in_the_persons_dm(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    pocs = "poc_id,prospect\r\n1,Société Générale\r\n"  # each é is two bytes in UTF-8
    crits = 'poc_id,statement\r\n1,"Ingests 500 GB, fast"\r\n'
    ids = await upload_csv(
        client, USER, [("pocs.csv", pocs), ("criteria.csv", crits)], comment="📎 Your export"
    )
    asked = slack.calls_to("files.getUploadURLExternal")
    assert [(c.args["filename"], int(c.args["length"])) for c in asked] == [
        ("pocs.csv", len(pocs) + 4),  # bytes, not characters: four é
        ("criteria.csv", len(crits)),
    ]
    (complete,) = slack.calls_to("files.completeUploadExternal")
    dm = slack.dm_id(USER)
    assert complete.args["channel_id"] == dm
    shared = slack.files.shared(dm)
    assert [f.id for f in shared] == ids and len(ids) == 2
    assert [(f.title, f.text) for f in shared] == [("pocs.csv", pocs), ("criteria.csv", crits)]
    (message,) = slack.posts(USER)
    assert (message.text, message.files) == ("📎 Your export", ids)


async def test_the_answers_have_slacks_shapes(slack: SlackStandIn, client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="a.csv", length=3)
    assert url["ok"] is True and set(url.data) == {"ok", "upload_url", "file_id"}  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as http, http.post(url["upload_url"], data=b"a,b") as r:
        assert (r.status, await r.text()) == (200, "OK - 3")
    done = await client.files_completeUploadExternal(
        files=[{"id": url["file_id"], "title": "Export"}], channel_id=slack.dm_id(USER)
    )
    (file,) = done["files"]
    assert (file["id"], file["title"], file["name"], file["size"]) == (
        url["file_id"],
        "Export",
        "a.csv",
        3,
    )
    assert file["ims"] == [slack.dm_id(USER)] and file["channels"] == []


async def test_a_body_of_another_length_is_refused_and_cannot_be_completed(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    # "é,b" counted in characters (3), sent as UTF-8 (4 bytes): the mistake Slack refuses.
    url = await client.files_getUploadURLExternal(filename="b.csv", length=len("é,b"))
    async with (
        aiohttp.ClientSession() as http,
        http.post(url["upload_url"], data="é,b".encode()) as r,
    ):
        assert r.status == 400 and "3 bytes declared, 4 sent" in await r.text()
    assert slack.files.by_id[url["file_id"]].refused == [4]
    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(files=[{"id": url["file_id"]}])
    assert refused.value.response["error"] == "file_not_found"


async def test_a_file_is_completed_once(slack: SlackStandIn, client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="a.csv", length=1)
    async with aiohttp.ClientSession() as http, http.post(url["upload_url"], data=b"x") as r:
        assert r.status == 200
    files = [{"id": url["file_id"]}]
    done = await client.files_completeUploadExternal(files=files)
    assert done["files"][0]["title"] == "a.csv"  # no title: its name
    assert slack.files.shared() and slack.files.shared(slack.dm_id(USER)) == []  # private
    with pytest.raises(SlackApiError) as again:
        await client.files_completeUploadExternal(files=files)
    assert again.value.response["error"] == "file_not_found"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"filename": "a.csv", "length": 0}, "missing_argument"),
        ({"filename": "", "length": 3}, "invalid_arguments"),
        ({"filename": "a.csv", "length": "three"}, "invalid_arguments"),
    ],
)
async def test_a_bad_upload_request_is_refused(
    client: AsyncWebClient, args: dict[str, object], error: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.api_call("files.getUploadURLExternal", params=args)
    assert refused.value.response["error"] == error


async def test_without_files_write_slack_answers_missing_scope(tmp_path: Path) -> None:
    async with SlackStandIn(manifest=manifest_without(tmp_path, "files:write")) as slack:
        slack.add_user(USER, "Morgan Manager")
        client = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
        try:
            with pytest.raises(SlackApiError) as refused:
                await upload_csv(client, USER, [("a.csv", "a\r\n")])
        finally:
            await close_client(client)
        assert refused.value.response["error"] == "missing_scope"
        assert refused.value.response["needed"] == "files:write"
        slack.scope_refusals.clear()  # seen, and meant
