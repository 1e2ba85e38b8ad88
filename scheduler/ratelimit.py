"""Rate limits for proactive sends.

- `TokenBucket`: the app-wide rate, with a shared pause (a 429's Retry-After stops every send, not one).
- `AdaptiveRate`: AIMD on that rate. A 429 cuts it (multiplicative decrease); clean sending wins it back a
  step at a time (additive increase), never above the configured ceiling.
- `SendLimits`: what the dispatcher hands the sender, to await right before the request goes on the wire, so the
  rate is enforced where Teams measures it (bench/README: the gap between a grant and the wire bunched sends).
- `PerKeyLimiter`: even spacing per conversation (Teams allows about 7 messages a second to one).
"""

from __future__ import annotations

import asyncio
import itertools
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
        self.clock = self._clock = clock
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

    def set_rate(self, rate: float) -> None:
        """Change the rate from now on (tokens earned so far were earned at the old rate)."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._refill(self._clock())
        self.rate = rate

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


class AdaptiveRate:
    """AIMD on a bucket's rate: `throttled()` multiplies it by `decrease` (not below `floor`); `sent()` adds
    `step` once `every` seconds have passed without a 429 or an increase (not above `ceiling`).

    The 429s of one burst (every request in flight when the limit was crossed) count as one: a cut within
    `cooldown` seconds of the last is ignored, or a single crossing would collapse the rate to the floor.
    """

    def __init__(
        self,
        bucket: TokenBucket,
        *,
        ceiling: float,
        floor: float,
        decrease: float = 0.9,
        step: float = 1.0,
        every: float = 3.0,
        cooldown: float = 1.0,
        clock: Callable[[], float] | None = None,  # default: the bucket's
    ) -> None:
        if not 0 < floor <= ceiling:
            raise ValueError("need 0 < floor <= ceiling")
        if not 0 < decrease < 1:
            raise ValueError("decrease must be between 0 and 1")
        self.bucket = bucket
        self.ceiling = ceiling
        self.floor = floor
        self.decrease = decrease
        self.step = step
        self.every = every
        self.cooldown = cooldown
        self._clock = clock or bucket.clock
        self._last_change = self._clock()
        self._last_cut: float | None = None
        self.cuts = 0
        bucket.set_rate(min(max(bucket.rate, floor), ceiling))

    @property
    def rate(self) -> float:
        return self.bucket.rate

    def throttled(self) -> None:
        now = self._clock()
        if self._last_cut is not None and now - self._last_cut < self.cooldown:
            return
        self._last_cut = self._last_change = now
        self.cuts += 1
        self.bucket.set_rate(max(self.floor, self.bucket.rate * self.decrease))

    def sent(self) -> None:
        now = self._clock()
        if self.bucket.rate < self.ceiling and now - self._last_change >= self.every:
            self._last_change = now
            self.bucket.set_rate(min(self.ceiling, self.bucket.rate + self.step))


class _Conversation:
    __slots__ = ("lock", "last")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.last: float | None = None


class PerKeyLimiter:
    """At most `rate` a second per key (a conversation), spaced evenly; the least recently used keys are
    forgotten beyond `max_keys` (only idle ones: a key someone is waiting on keeps its place)."""

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
        self._keys: OrderedDict[str, _Conversation] = OrderedDict()

    def _slot(self, key: str) -> _Conversation:
        slot = self._keys.get(key)
        if slot is None:
            slot = self._keys[key] = _Conversation()
            if len(self._keys) > self.max_keys:
                excess = len(self._keys) - self.max_keys
                idle = [k for k, s in itertools.islice(self._keys.items(), 4 * excess) if not s.lock.locked()]
                for old in idle[:excess]:
                    del self._keys[old]
        else:
            self._keys.move_to_end(key)
        return slot

    async def acquire(self, key: str, then: Callable[[], Awaitable[None]] | None = None) -> None:
        """Wait for `key`'s turn; with `then` (the app-wide token), the spacing is measured from when `then`
        returned, the moment the request goes out, so a wait for the app's token cannot bunch a conversation."""
        slot = self._slot(key)
        async with slot.lock:
            if slot.last is not None:
                wait = slot.last + 1 / self.rate - self._clock()
                if wait > _EPSILON:
                    await self._sleep(wait)
            if then is not None:
                await then()
            slot.last = self._clock()


class SendLimits:
    """Both limits for one send, awaited by the sender right before its HTTP request: the conversation's turn
    (7/s), then the app's token, taken last, so nothing but the request itself sits between grant and wire."""

    def __init__(self, app: TokenBucket, per_conversation: PerKeyLimiter) -> None:
        self.app = app
        self.per_conversation = per_conversation

    def gate(self, conversation_id: str) -> Callable[[], Awaitable[None]]:
        async def wait_for_turn() -> None:
            await self.per_conversation.acquire(conversation_id, then=self.app.acquire)

        return wait_for_turn
