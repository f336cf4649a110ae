"""The stand-in's file uploads, as Slack's current upload API works (files.upload is retired).

1. `files.getUploadURLExternal` (filename, length in bytes) → `{"upload_url", "file_id"}`;
2. the bytes are POSTed to the upload URL (raw or multipart) → HTTP 200 `OK - <bytes>`, any
   other status a failure; a body whose length differs from the declared one is refused;
3. `files.completeUploadExternal` (files=[{id, title}], channel_id) → `{"files": [...]}`:
   the files are shared, titled, in the channel; a file never uploaded (or completed already)
   is `file_not_found`. (Which error Slack names for each failure is not all documented: these
   are the stand-in's choices, documented names where there is one.)

Shapes from https://docs.slack.dev/reference/methods/files.getUploadURLExternal and
…/files.completeUploadExternal. What was uploaded stays readable: `Files.shared(channel)`.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any


class FileRefused(Exception):
    """What Slack answers instead (`error`), e.g. invalid_arguments or file_not_found."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class UploadedFile:
    id: str
    filename: str
    #: the length declared to files.getUploadURLExternal, in bytes
    length: int
    #: what reached the upload URL and was accepted; None: nothing yet
    data: bytes | None = None
    #: lengths of bodies refused because they differed from `length`
    refused: list[int] = field(default_factory=list)
    title: str = ""
    #: where files.completeUploadExternal shared it; None: completed without a channel
    channel: str | None = None
    completed: bool = False

    @property
    def text(self) -> str:
        return (self.data or b"").decode("utf-8")

    def as_slack(self) -> dict[str, Any]:
        """The file object completeUploadExternal answers with (the fields we fill)."""
        shared = [self.channel] if self.channel else []
        return {
            "id": self.id,
            "title": self.title,
            "name": self.filename,
            "size": len(self.data or b""),
            "filetype": self.filename.rsplit(".", 1)[-1] if "." in self.filename else "",
            "mimetype": "text/csv" if self.filename.endswith(".csv") else "text/plain",
            "channels": [c for c in shared if c.startswith("C")],
            "groups": [c for c in shared if c.startswith("G")],
            "ims": [c for c in shared if c.startswith("D")],
        }


class Files:
    """Every upload the stand-in was asked for, by file id."""

    def __init__(self) -> None:
        self.by_id: dict[str, UploadedFile] = {}
        self._ids = itertools.count(1)

    def reserve(self, args: dict[str, Any]) -> UploadedFile:
        """files.getUploadURLExternal: a file id for `filename` of `length` bytes."""
        filename = str(args.get("filename") or "")
        try:
            length = int(str(args.get("length", "")))
        except ValueError:
            raise FileRefused("invalid_arguments") from None
        if not filename:
            raise FileRefused("invalid_arguments")
        if length <= 0:  # Slack: "typically only occurs when the length provided is 0"
            raise FileRefused("missing_argument")
        upload = UploadedFile(f"F{next(self._ids):010d}", filename, length)
        self.by_id[upload.id] = upload
        return upload

    def receive(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The POST to the upload URL: (HTTP status, body)."""
        upload = self.by_id.get(file_id)
        if upload is None or upload.completed:
            return 404, "Not Found"
        if len(data) != upload.length:
            upload.refused.append(len(data))
            return 400, f"Length mismatch: {upload.length} bytes declared, {len(data)} sent"
        upload.data = data
        return 200, f"OK - {len(data)}"

    def complete(self, files: Any, channel: str | None) -> list[UploadedFile]:
        """files.completeUploadExternal: each file titled and shared in `channel`."""
        try:
            items = json.loads(files) if isinstance(files, str) else files
        except ValueError:
            raise FileRefused("invalid_arguments") from None
        if not isinstance(items, list) or not items:
            raise FileRefused("invalid_arguments")
        found = []
        for item in items:
            upload = self.by_id.get(str((item or {}).get("id") or ""))
            if upload is None or upload.data is None or upload.completed:
                raise FileRefused("file_not_found")
            found.append((upload, str(item.get("title") or upload.filename)))
        for upload, title in found:
            upload.title, upload.channel, upload.completed = title, channel, True
        return [upload for upload, _ in found]

    def shared(self, channel: str | None = None) -> list[UploadedFile]:
        """Files completed (in `channel`, when given), in the order they were reserved."""
        return [
            f
            for f in self.by_id.values()
            if f.completed and (channel is None or f.channel == channel)
        ]
