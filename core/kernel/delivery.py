"""What to do with an outbox row after a send attempt. Pure: the dispatcher applies the decision."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.kernel.model import OutboxStatus
from core.kernel.ports import SendOutcome, SendOutcomeKind, UnitOfWork


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 2.0
    max_delay: float = 900.0
    default_retry_after: float = 5.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random, so retries spread out."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class Decision:
    action: str  # "sent" | "retry" | "failed" | "unreachable"
    due_at: datetime | None = None
    pause_until: datetime | None = None  # 429: every send waits until then
    count_attempt: bool = True
    error: str | None = None


def decide(
    outcome: SendOutcome, *, attempts_so_far: int, now: datetime, policy: RetryPolicy, rng: random.Random
) -> Decision:
    if outcome.kind == SendOutcomeKind.SENT:
        return Decision("sent")
    if outcome.kind == SendOutcomeKind.GONE:
        return Decision("unreachable", error=outcome.error)
    if outcome.kind == SendOutcomeKind.THROTTLED:
        wait = outcome.retry_after if outcome.retry_after is not None else policy.default_retry_after
        until = now + timedelta(seconds=wait)
        # Throttling is the service protecting itself, not a fault of this message: it keeps its attempts.
        return Decision("retry", due_at=until, pause_until=until, count_attempt=False, error=outcome.error)
    attempt = attempts_so_far + 1
    if attempt >= policy.max_attempts:
        return Decision("failed", error=outcome.error)
    delay = policy.backoff(attempt, rng)
    return Decision("retry", due_at=now + timedelta(seconds=delay), error=outcome.error)


async def delivery_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many outbox messages are in each state (for the admin card): counts of messages, not of people."""
    counts = await uow.outbox.status_counts()
    return {status.value: counts.get(status.value, 0) for status in OutboxStatus}
