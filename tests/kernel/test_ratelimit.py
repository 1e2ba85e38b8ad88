"""The send limits on a fake clock: the rate holds at the wire, a 429 pause stops everyone, AIMD adapts the rate."""

import asyncio
import heapq
import itertools
import random

import pytest

from scheduler.ratelimit import AdaptiveRate, PerKeyLimiter, SendLimits, TokenBucket


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds
        await asyncio.sleep(0)


async def test_bucket_holds_the_rate():
    t = FakeTime()
    bucket = TokenBucket(40, capacity=4, clock=t.clock, sleep=t.sleep)
    for _ in range(404):
        await bucket.acquire()
    # 4 in the initial burst, then 40 a second: 400 more need 10 seconds.
    assert 9.9 <= t.now <= 10.1


async def test_pause_blocks_all_sends_until_it_ends():
    t = FakeTime()
    bucket = TokenBucket(40, capacity=1, clock=t.clock, sleep=t.sleep)
    await bucket.acquire()
    bucket.pause_for(5)
    assert bucket.paused
    await bucket.acquire()
    assert t.now >= 5.0
    assert not bucket.paused


async def test_concurrent_waiters_share_the_rate():
    t = FakeTime()
    bucket = TokenBucket(10, capacity=1, clock=t.clock, sleep=t.sleep)
    await asyncio.gather(*(bucket.acquire() for _ in range(21)))
    assert 1.9 <= t.now <= 2.1


async def test_per_conversation_limit_is_seven_a_second():
    t = FakeTime()
    limiter = PerKeyLimiter(7, clock=t.clock, sleep=t.sleep)
    for _ in range(15):
        await limiter.acquire("a:conv-1")
    assert 1.9 <= t.now <= 2.1
    before = t.now
    await limiter.acquire("a:conv-2")  # another conversation is not held up
    assert t.now == before


async def test_per_conversation_forgets_old_keys():
    t = FakeTime()
    limiter = PerKeyLimiter(7, max_keys=3, clock=t.clock, sleep=t.sleep)
    for key in "abcde":
        await limiter.acquire(key)
    assert list(limiter._keys) == ["c", "d", "e"]


# ------------------------------------------------------------------ many tasks at once, on virtual time


class VirtualTime:
    """Virtual time for concurrent sleepers: once every task is waiting, time jumps to the next wake-up."""

    def __init__(self):
        self.now = 0.0
        self._sleepers = []
        self._order = itertools.count()

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), wake))
        await wake

    async def run(self, *coroutines):
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(100):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if not self._sleepers:
                assert all(task.done() for task in tasks), "tasks are stuck with nobody sleeping"
                break
            when, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            wake.set_result(None)
        return [task.result() for task in tasks]


def busiest_second(times):
    """Most events in any window [t, t + 1 s), as the connector (and Teams) count them."""
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + 1.0 - 1e-9) for t in times)  # 1e-9: float sums of 1/48


def preparation_times(n, seed=3):
    """How long each send spends before its request can go out (building clients, converting the activity):
    uneven, as on a busy machine."""
    rng = random.Random(seed)
    return [rng.choice([0.0, 0.0, 0.01, 0.05, 0.3]) for _ in range(n)]


async def test_a_token_granted_before_the_preparation_lets_sends_bunch_at_the_wire():
    # The old order (grant, then prepare, then send): the bucket keeps 40/s, the wire does not.
    t = VirtualTime()
    bucket = TokenBucket(40, capacity=1, clock=t.clock, sleep=t.sleep)
    wire = []

    async def send(preparation):
        await bucket.acquire()
        await t.sleep(preparation)
        wire.append(t.now)

    await t.run(*(send(p) for p in preparation_times(400)))
    assert busiest_second(wire) > 40


async def test_a_token_taken_right_before_the_wire_holds_the_rate_there():
    t = VirtualTime()
    limits = SendLimits(
        TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep), PerKeyLimiter(7, clock=t.clock, sleep=t.sleep)
    )
    wire = []

    async def send(n, preparation):
        await t.sleep(preparation)
        await limits.gate(f"a:conv-{n}")()
        wire.append(t.now)

    await t.run(*(send(n, p) for n, p in enumerate(preparation_times(400))))
    assert len(wire) == 400
    assert busiest_second(wire) <= 48
    assert wire[-1] == pytest.approx(399 / 48)  # and no slower than the rate: the bucket never idled


async def test_the_gate_keeps_seven_a_second_to_one_conversation_among_many():
    t = VirtualTime()
    limits = SendLimits(
        TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep), PerKeyLimiter(7, clock=t.clock, sleep=t.sleep)
    )
    wire = {"busy": [], "other": []}

    async def send(conversation, key):
        await limits.gate(conversation)()
        wire[key].append(t.now)

    await t.run(*(send("a:busy", "busy") for _ in range(21)), *(send(f"a:{n}", "other") for n in range(100)))
    assert busiest_second(wire["busy"]) <= 7
    assert busiest_second(wire["busy"] + wire["other"]) <= 48


async def test_a_429_pause_holds_back_sends_already_waiting_at_the_gate():
    t = VirtualTime()
    bucket = TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep)
    limits = SendLimits(bucket, PerKeyLimiter(7, clock=t.clock, sleep=t.sleep))
    wire = []

    async def send(n):
        await limits.gate(f"a:conv-{n}")()
        wire.append(t.now)

    async def throttled_at_half_a_second():
        await t.sleep(0.5)
        bucket.pause_for(2.0)

    await t.run(*(send(n) for n in range(60)), throttled_at_half_a_second())
    assert not [w for w in wire if 0.5 < w < 2.5]  # Retry-After: nobody sent during the pause
    assert len(wire) == 60


# ------------------------------------------------------------------------------------- AIMD on 429s


def test_set_rate_keeps_the_tokens_earned_at_the_old_rate():
    t = FakeTime()
    bucket = TokenBucket(10, capacity=5, clock=t.clock, sleep=t.sleep)
    bucket._tokens = 0.0
    t.now = 0.2  # 2 tokens earned at 10/s
    bucket.set_rate(1)
    t.now = 0.4  # 0.2 more at 1/s
    bucket._refill(t.now)
    assert bucket._tokens == pytest.approx(2.2)


def test_a_429_cuts_the_rate_and_clean_sending_wins_it_back_step_by_step():
    t = FakeTime()
    bucket = TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep)
    rate = AdaptiveRate(bucket, ceiling=48, floor=12, decrease=0.75, step=1, every=5, clock=t.clock)
    t.now = 10.0
    rate.throttled()
    assert bucket.rate == 36
    t.now = 14.9
    rate.sent()
    assert bucket.rate == 36  # not yet: 5 s without a 429
    t.now = 15.0
    rate.sent()
    assert bucket.rate == 37
    rate.sent()
    assert bucket.rate == 37  # one step per 5 s, however many sends
    for second in range(20, 200, 5):
        t.now = second
        rate.sent()
    assert bucket.rate == 48  # back at the ceiling, and no higher


def test_the_429s_of_one_burst_count_as_one_cut_and_the_rate_never_falls_below_the_floor():
    t = FakeTime()
    bucket = TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep)
    rate = AdaptiveRate(bucket, ceiling=48, floor=12, decrease=0.5, cooldown=1.0, clock=t.clock)
    t.now = 3.0
    for _ in range(16):  # every request in flight when the limit was crossed comes back 429
        rate.throttled()
    assert bucket.rate == 24 and rate.cuts == 1
    for second in (4.0, 5.0, 6.0, 7.0):
        t.now = second
        rate.throttled()
    assert bucket.rate == 12 and rate.cuts == 5


def test_adaptive_rate_refuses_a_floor_above_the_ceiling():
    bucket = TokenBucket(10)
    with pytest.raises(ValueError):
        AdaptiveRate(bucket, ceiling=10, floor=20)
