"""Rate limits for proactive sends: an app-wide token bucket with a shared pause (for 429 Retry-After), and
a per-conversation limit (Teams allows about 7 messages a second to one conversation)."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

_EPSILON = 1e-9
_MIN_SLEEP = 0.001


class TokenBucket:
    """`rate` tokens a second, holding at most `capacity`. Waiters are served in order (one lock)."""

    def __init__(
        self,
        rate: float,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate / 10)
        self._tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause_for(self, seconds: float) -> None:
        """Nobody gets a token for `seconds` (a 429 applies to the whole app, not one conversation)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = 0.0
        self._updated = max(self._updated, self._paused_until)  # tokens accrue again only after the pause

    @property
    def paused(self) -> bool:
        return self._clock() < self._paused_until

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + max(0.0, now - self._updated) * self.rate)
        self._updated = max(self._updated, now)

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                self._refill(now)
                if self._tokens >= 1 - _EPSILON:  # float refills can stop a hair short of a whole token
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep(max(_MIN_SLEEP, (1 - self._tokens) / self.rate))


class PerKeyLimiter:
    """One small bucket per conversation; the least recently used are forgotten beyond `max_keys`."""

    def __init__(
        self,
        rate: float,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self._clock = clock
        self._sleep = sleep
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    async def acquire(self, key: str) -> None:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self.rate, capacity=1.0, clock=self._clock, sleep=self._sleep)
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        await bucket.acquire()
