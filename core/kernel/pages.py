"""HTTP pages a capability serves behind signed links (a calendar file, a chart image, a printable summary, an
export). The capability renders them; `bot/` only wires the route, checks the link and sends the bytes, so moving
to another channel SDK does not touch them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.kernel.content import Content


@dataclass(frozen=True)
class PageRequest:
    claims: Mapping[str, Any]  # what the signed link carries (ids), already checked and unexpired
    params: Mapping[str, str]  # the rest of the path, e.g. {"kind": "csv"}
    uow: Any  # an open unit of work (read only: pages never commit)
    content: Content
    links: Any
    now: datetime
    admins: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PageResult:
    body: bytes
    content_type: str
    filename: str | None = None  # set: offered as a download
    inline: bool = False  # with a filename: shown in the browser rather than saved
    cache: str = "no-store"


class PageError(Exception):
    """A page that cannot be shown: `status` (404 not found, 410 gone, 403 not yours) and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Page:
    name: str  # also separates its links from every other page's (the signing salt)
    path: str  # aiohttp route with a {token} part, e.g. "/calendar/{token}.ics"
    render: Callable[[PageRequest], Awaitable[PageResult]]
    claims: tuple[str, ...] = field(default=())  # claim keys the link must carry, as integers
