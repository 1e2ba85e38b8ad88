"""A tick a capability declares next to its services: what to look for, and how often."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

# async def work(uow, *, content, messages, now) -> a count or report; runs in one unit of work, then commits.
TickWork = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class TickSpec:
    name: str
    work: TickWork
    every_seconds: float | None = None
    cron: str | None = None  # in the organisation's timezone

    def __post_init__(self) -> None:
        if (self.every_seconds is None) == (self.cron is None):
            raise ValueError(f"tick {self.name}: give exactly one of every_seconds and cron")
