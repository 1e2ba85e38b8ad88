"""Token bucket on a fake clock: the rate holds, and a 429 pause stops everyone."""

import asyncio

from scheduler.ratelimit import PerKeyLimiter, TokenBucket


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
    assert len(limiter._buckets) == 3
