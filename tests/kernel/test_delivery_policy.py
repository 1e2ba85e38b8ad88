import random
from datetime import UTC, datetime, timedelta

from core.kernel.delivery import RetryPolicy, decide
from core.kernel.ports import SendOutcome, SendOutcomeKind

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base_delay=2, max_delay=60)


def run(kind, attempts=0, **kw):
    return decide(SendOutcome(kind, **kw), attempts_so_far=attempts, now=NOW, policy=POLICY, rng=random.Random(1))


def test_sent():
    assert run(SendOutcomeKind.SENT).action == "sent"


def test_429_honours_retry_after_pauses_everything_and_keeps_attempts():
    decision = run(SendOutcomeKind.THROTTLED, status=429, retry_after=7.5)
    assert decision.action == "retry"
    assert decision.due_at == decision.pause_until == NOW + timedelta(seconds=7.5)
    assert decision.count_attempt is False


def test_transient_errors_back_off_exponentially_with_jitter_then_fail():
    delays = [(run(SendOutcomeKind.TRANSIENT, attempts=a, status=500).due_at - NOW).total_seconds() for a in range(3)]
    # attempt n waits between half and all of 2 * 2^(n-1) seconds
    for n, delay in enumerate(delays, start=1):
        ceiling = 2 * 2 ** (n - 1)
        assert ceiling / 2 <= delay <= ceiling
    final = run(SendOutcomeKind.TRANSIENT, attempts=3, status=500, error="HTTP 500")
    assert final.action == "failed" and final.error == "HTTP 500"


def test_backoff_is_capped():
    rng = random.Random(3)
    assert all(POLICY.backoff(30, rng) <= 60 for _ in range(50))


def test_jitter_spreads_retries():
    rng = random.Random()
    assert len({round(POLICY.backoff(3, rng), 3) for _ in range(20)}) > 10


def test_forbidden_or_not_found_is_unreachable():
    assert run(SendOutcomeKind.GONE, status=403).action == "unreachable"
