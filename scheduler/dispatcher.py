"""The outbox dispatcher: claims due rows, sends them within the rate limits, records each outcome.

Delivery is at least once. Each row's outcome is committed right after its send, so a crash can only repeat
the sends that were in flight; a row claimed by a dispatcher that died is claimed again when its lease ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from typing import Protocol

from core.kernel.delivery import RetryPolicy, decide
from core.kernel.model import OutboxItem, StoredAddress
from core.kernel.ports import Clock, Sender, SendOutcome, SendOutcomeKind, UnitOfWorkFactory
from scheduler.ratelimit import AdaptiveRate, PerKeyLimiter, SendLimits, TokenBucket

log = logging.getLogger(__name__)


class DeliveryObserver(Protocol):
    def delivered(self, outcome: str, latency_seconds: float | None = None) -> None: ...


class _NoObserver:
    def delivered(self, outcome: str, latency_seconds: float | None = None) -> None:
        pass


@dataclass
class _Gone:
    """Found unreachable while sending (a drain's addresses were read when its rows were claimed): people whose
    personal chat answered 403/404, and channel or group addresses the bot was removed from."""

    users: set[int] = field(default_factory=set)
    addresses: set[int] = field(default_factory=set)


class Dispatcher:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        sender: Sender,
        clock: Clock,
        *,
        app_rate: float = 48.0,
        conversation_rate: float = 7.0,
        policy: RetryPolicy | None = None,
        batch_size: int | None = None,
        concurrency: int = 16,
        lease_seconds: float = 300.0,
        observer: DeliveryObserver | None = None,
        rng: random.Random | None = None,
        bucket: TokenBucket | None = None,
        per_conversation: PerKeyLimiter | None = None,
        min_rate: float | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.sender = sender
        self.clock = clock
        self.policy = policy or RetryPolicy()
        # A batch is about five seconds of sending, so leases never run out while rows wait for tokens.
        self.batch_size = batch_size or max(10, int(app_rate * 5))
        self.lease_seconds = lease_seconds
        # The token is taken by the sender right before its request goes out (SendLimits), so the busiest second
        # at Teams is at most the bucket's rate plus its capacity: 48 + 2 = 50 at the defaults. A capacity of 2,
        # not 1, lets a sender that woke late (a tick holding SQLite, the collector) catch up one token instead of
        # losing it: 90.1% -> 93.3% of the limit on SQLite (README, "Announcements at scale"). app_rate is the
        # ceiling: 429s cut it, clean sending wins it back (AdaptiveRate).
        self.bucket = bucket or TokenBucket(app_rate, capacity=2)
        self.adaptive = AdaptiveRate(
            self.bucket, ceiling=app_rate, floor=min(app_rate, min_rate or max(1.0, app_rate / 4))
        )
        self.per_conversation = per_conversation or PerKeyLimiter(conversation_rate)
        self.limits = SendLimits(self.bucket, self.per_conversation)
        self.observer = observer or _NoObserver()
        self.rng = rng or random.Random()
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._conversation_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._in_hand: set[int] = set()  # rows this dispatcher holds (claimed, outcome not yet recorded)

    async def _claim(self) -> list[tuple[OutboxItem, StoredAddress | None]]:
        """Claim due rows, with their addresses (one query for the batch, not one per row)."""
        async with self.uow_factory() as uow:
            items = await uow.outbox.claim_due(
                now=self.clock.now(), limit=self.batch_size, lease_seconds=self.lease_seconds
            )
            # A row whose lease ran out while it waited here (a long 429 pause) is still ours: never send it twice.
            items = [item for item in items if item.id not in self._in_hand]
            addresses = await uow.addresses.get_many([item.address_id for item in items]) if items else {}
            await uow.commit()
        self._in_hand.update(item.id for item in items)
        return [(item, addresses.get(item.address_id)) for item in items]

    async def run_once(self) -> int:
        """Deliver one batch of due messages; returns how many were claimed."""
        claimed = await self._claim()
        if claimed:
            gone = _Gone()
            await asyncio.gather(*(self._deliver(item, stored, gone) for item, stored in claimed))
        return len(claimed)

    async def drain(self, max_batches: int = 1000) -> int:
        """Deliver batches until nothing is due (bounded, so one scheduler tick cannot run forever).

        The next batch is claimed while the last sends of the previous one are still out, so the rate limit is
        never left idle between batches."""
        total = 0
        gone = _Gone()
        running: set[asyncio.Task] = set()
        few_left = asyncio.Event()

        def finished(task: asyncio.Task) -> None:
            running.discard(task)
            if len(running) <= self.concurrency:
                few_left.set()

        try:
            for _ in range(max_batches):
                claimed = await self._claim()
                total += len(claimed)
                if not claimed:
                    break
                for item, stored in claimed:
                    task = asyncio.create_task(self._deliver(item, stored, gone))
                    running.add(task)
                    task.add_done_callback(finished)
                while len(running) > self.concurrency:  # claim again when the slots are about to run dry
                    few_left.clear()
                    await few_left.wait()
            if running:
                await asyncio.gather(*running)
        finally:
            for task in list(running):
                task.cancel()
        return total

    async def _deliver(self, item: OutboxItem, stored: StoredAddress | None, gone: _Gone) -> None:
        try:
            async with self._slots:
                await self._deliver_one(item, stored, gone)
        except Exception:  # a database hiccup: the lease runs out and the row is tried again
            log.exception("delivery bookkeeping failed", extra={"outbox_id": item.id})
        finally:
            self._in_hand.discard(item.id)

    @contextlib.asynccontextmanager
    async def _conversation_turn(self, conversation_id: str):
        """One send at a time per conversation: messages arrive in order, and a 403 on the first stops the
        rest of the batch for that person before they are tried."""
        lock, users = self._conversation_locks.get(conversation_id, (asyncio.Lock(), 0))
        self._conversation_locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._conversation_locks[conversation_id]
            if users == 1:
                del self._conversation_locks[conversation_id]
            else:
                self._conversation_locks[conversation_id] = (lock, users - 1)

    async def _deliver_one(self, item: OutboxItem, stored: StoredAddress | None, gone: _Gone) -> None:
        if stored is None or not stored.active or not stored.reachable or stored.id in gone.addresses:
            await self._record(
                item, SendOutcome(SendOutcomeKind.GONE, error="conversation removed or unreachable"), gone, stored
            )
            return
        async with self._conversation_turn(stored.address.conversation_id):
            if item.user_id in gone.users and stored.address.conversation_type == "personal":
                outcome = SendOutcome(SendOutcomeKind.GONE, error="unreachable earlier in this batch")
            else:
                outcome = await self.sender.send(
                    stored.address, item.message, before_send=self.limits.gate(stored.address.conversation_id)
                )
            await self._record(item, outcome, gone, stored)

    async def _record(
        self, item: OutboxItem, outcome: SendOutcome, gone: _Gone, stored: StoredAddress | None = None
    ) -> None:
        now = self.clock.now()
        decision = decide(outcome, attempts_so_far=item.attempts, now=now, policy=self.policy, rng=self.rng)
        if outcome.kind == SendOutcomeKind.SENT:
            self.adaptive.sent()
        if decision.pause_until is not None:
            self.adaptive.throttled()
            self.bucket.pause_for((decision.pause_until - now).total_seconds())
            log.warning(
                "throttled by the connector: pausing all sends",
                extra={"seconds": (decision.pause_until - now).total_seconds()},
            )
        async with self.uow_factory() as uow:
            if decision.action == "sent":
                await uow.outbox.mark_sent(item.id, now=now, started_conversation=outcome.conversation_id)
            elif decision.action == "retry":
                assert decision.due_at is not None
                await uow.outbox.reschedule(
                    item.id, due_at=decision.due_at, error=decision.error, count_attempt=decision.count_attempt
                )
            elif decision.action == "failed":
                await uow.outbox.mark_failed(item.id, error=decision.error or "failed", now=now)
            elif stored is not None and stored.address.conversation_type != "personal":
                # A team channel or group chat the bot was removed from: stop sending there, not to the person
                # whose row it is (their personal chat still works).
                gone.addresses.add(stored.id)
                await uow.addresses.set_active(stored.id, False, now=now)
                await uow.outbox.mark_failed(item.id, error=decision.error or "conversation gone", now=now)
            else:
                gone.users.add(item.user_id)
                await uow.addresses.mark_user_unreachable(item.user_id, now=now)
                await uow.outbox.mark_unreachable_for_user(item.user_id, error=decision.error or "unreachable", now=now)
            await uow.commit()
        latency = (now - item.due_at).total_seconds() if decision.action == "sent" else None
        outcome_name = {"retry": "retried"}.get(decision.action, decision.action)
        self.observer.delivered(outcome_name, latency)
