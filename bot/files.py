"""Files people send the bot in their personal chat (the manifest's "supportsFiles"). Teams delivers each as an
attachment of contentType "application/vnd.microsoft.teams.file.download.info" whose content carries a short-lived,
pre-authorised `downloadUrl` and the `fileType`; the attachment's `name` is the file name. No size is given, so the
download is streamed and stopped as soon as it goes over the limit: a huge file is never read whole.

The bytes are fetched here, before the turn's unit of work opens, and reach the dialogs as plain `InboundFile`s.
What a capability accepts (type by magic bytes, its own size limit) is its business, not this module's."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from dialogs.kit.types import InboundFile

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the most any capability may accept (content limits stay at or under it)
MAX_FILES = 3  # files read from one message; more are ignored
TIMEOUT_SECONDS = 30.0
CHUNK = 64 * 1024
MAX_NAME = 200


def file_attachments(attachments: list[Any] | None) -> list[tuple[str, str, str]]:
    """(name, file type, download url) of the file attachments of an activity, in order, at most MAX_FILES."""
    found = []
    for attachment in attachments or []:
        if getattr(attachment, "content_type", None) != FILE_DOWNLOAD_INFO:
            continue
        content = attachment.content if isinstance(attachment.content, dict) else {}
        url, kind, name = content.get("downloadUrl"), content.get("fileType"), attachment.name
        if not isinstance(url, str) or not url:
            continue
        name = name if isinstance(name, str) and name.strip() else "file"
        found.append((name.strip()[:MAX_NAME], kind.lower()[:20] if isinstance(kind, str) else "", url))
    return found[:MAX_FILES]


class FileDownloader:
    """Fetches a file's bytes up to `limit`; https only in production (`https_only`)."""

    def __init__(self, *, limit: int = MAX_UPLOAD_BYTES, https_only: bool = True, timeout: float = TIMEOUT_SECONDS):
        self.limit = limit
        self.https_only = https_only
        self.timeout = timeout

    async def fetch(self, name: str, file_type: str, url: str) -> InboundFile:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in (("https",) if self.https_only else ("https", "http")):
            log.warning("file download refused: not https")
            return InboundFile(name, file_type, url, problem="unavailable")
        try:
            async with asyncio.timeout(self.timeout):
                data = await self._read(url)
        except TooLarge:
            log.info("file download stopped: over the upload limit", extra={"limit": self.limit})
            return InboundFile(name, file_type, url, problem="too_large")
        except (aiohttp.ClientError, TimeoutError, ValueError) as failed:
            log.warning("file download failed", extra={"error": type(failed).__name__})
            return InboundFile(name, file_type, url, problem="unavailable")
        return InboundFile(name, file_type, url, data=data)

    async def _read(self, url: str) -> bytes:
        async with aiohttp.ClientSession() as session, session.get(url, allow_redirects=True) as response:
            response.raise_for_status()
            if response.content_length is not None and response.content_length > self.limit:
                raise TooLarge
            body = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                body += chunk
                if len(body) > self.limit:
                    raise TooLarge
            return bytes(body)

    async def fetch_all(self, attachments: list[Any] | None) -> tuple[InboundFile, ...]:
        return tuple([await self.fetch(*found) for found in file_attachments(attachments)])


class TooLarge(Exception):
    pass
