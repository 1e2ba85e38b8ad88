"""The dispatcher's rate limits on virtual time, with fakes: the token is taken where the request goes out,
batches follow each other without idling the limit, a 429 pauses everyone and cuts the rate, and a row is never
sent twice by the dispatcher holding it."""

import random
from datetime import UTC, datetime

from core.kernel.model import OutboundMessage
from core.kernel.ports import SendOutcome, SendOutcomeKind
from scheduler.dispatcher import Dispatcher
from scheduler.ratelimit import PerKeyLimiter, TokenBucket
from tests.fakes import FakeAddresses, FakeDatabase, FakeOutbox, FakeUnitOfWork, FixedClock, teams_address
from tests.kernel.test_ratelimit import VirtualTime, busiest_second


class OutboxOnlyUnitOfWork:
    """The two repositories the dispatcher uses, without FakeUnitOfWork's snapshots (a copy of the database at
    every begin makes hundreds of rows quadratic)."""

    def __init__(self, db):
        self.addresses = FakeAddresses(db)
        self.outbox = FakeOutbox(db)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def commit(self):
        return None


class PreparingSender:
    """Spends an uneven time preparing each request (as building the connector client does), then awaits the
    limits, then 'sends': records the virtual time the request reached the wire, and answers from a script."""

    def __init__(self, t, seed=5, script=None, on_send=None):
        self.t = t
        self.rng = random.Random(seed)
        self.script = script or {}  # n-th send (0-based) -> outcome
        self.on_send = on_send
        self.wire: list[tuple[float, str]] = []

    async def send(self, address, message, *, before_send=None):
        await self.t.sleep(self.rng.choice([0.1, 0.15, 0.2]))
        await before_send()
        n = len(self.wire)
        self.wire.append((self.t.now, message.text))
        if self.on_send:
            self.on_send(n)
        return self.script.get(n, SendOutcome(SendOutcomeKind.SENT, 201))


async def rows(db, count):
    clock = FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    async with FakeUnitOfWork(db) as uow:
        for n in range(count):
            address = teams_address(n)
            user = await uow.users.add(
                teams_user_id=address.user_teams_id,
                aad_object_id=address.user_aad_id,
                tenant_id=address.tenant_id,
                name=address.user_name,
                now=clock.now(),
            )
            stored = await uow.addresses.upsert(user.id, address, now=clock.now())
            await uow.outbox.add(
                dedupe_key=f"k:{n}",
                user_id=user.id,
                address_id=stored.id,
                category="bench",
                message=OutboundMessage(text=f"k:{n}"),
                due_at=clock.now(),
                counts_to_budget=False,
                now=clock.now(),
            )
        await uow.commit()
    return clock


def dispatcher_on(t, db, sender, clock, **kwargs):
    return Dispatcher(
        lambda: OutboxOnlyUnitOfWork(db),
        sender,
        clock,
        app_rate=48,
        bucket=TokenBucket(48, capacity=1, clock=t.clock, sleep=t.sleep),
        per_conversation=PerKeyLimiter(7, clock=t.clock, sleep=t.sleep),
        **kwargs,
    )


async def test_the_rate_holds_at_the_wire_and_batches_do_not_idle_the_limit():
    t, db = VirtualTime(), FakeDatabase()
    clock = await rows(db, 300)
    sender = PreparingSender(t)
    dispatcher = dispatcher_on(t, db, sender, clock, batch_size=40)
    [claimed] = await t.run(dispatcher.drain())
    times = [at for at, _ in sender.wire]
    assert claimed == 300 and sorted(text for _, text in sender.wire) == sorted(f"k:{n}" for n in range(300))
    assert busiest_second(times) <= 48
    # 300 sends at 48/s: 299/48 s after the first, however uneven the preparation and despite 8 batch boundaries.
    assert times[-1] - times[0] <= 299 / 48 + 0.05
    assert await FakeUnitOfWork(db).outbox.status_counts() == {"sent": 300}


async def test_a_429_pauses_every_send_for_its_retry_after_and_cuts_the_rate():
    t, db = VirtualTime(), FakeDatabase()
    clock = await rows(db, 120)
    throttled = SendOutcome(SendOutcomeKind.THROTTLED, 429, retry_after=2.0, error="429")
    sender = PreparingSender(t, script={60: throttled})
    dispatcher = dispatcher_on(t, db, sender, clock, batch_size=40)
    await t.run(dispatcher.drain())
    at_429 = sender.wire[60][0]
    # Requests already past the gate when the 429 came back may go out; nothing new starts during the pause.
    in_the_pause = [at for at, _ in sender.wire[61:] if at_429 + 0.1 < at < at_429 + 2.0]
    assert in_the_pause == []
    assert dispatcher.bucket.rate < 48 and dispatcher.adaptive.cuts == 1
    counts = await FakeUnitOfWork(db).outbox.status_counts()
    assert counts == {"sent": 119, "pending": 1}  # the throttled one waits for its Retry-After, attempts kept
    [row] = [r for r in db.outbox.values() if r["status"] == "pending"]
    assert row["attempts"] == 0


async def test_a_row_whose_lease_ran_out_while_held_is_not_sent_twice():
    t, db = VirtualTime(), FakeDatabase()
    clock = await rows(db, 12)
    # Every send takes a minute of wall clock (a long 429 pause, say): leases of 5 s run out while rows wait.
    sender = PreparingSender(t, on_send=lambda n: clock.advance(seconds=60))
    dispatcher = dispatcher_on(t, db, sender, clock, batch_size=4, concurrency=1, lease_seconds=5)
    await t.run(dispatcher.drain())
    texts = [text for _, text in sender.wire]
    assert sorted(texts) == sorted(f"k:{n}" for n in range(12)), "a row was sent twice or not at all"
    assert await FakeUnitOfWork(db).outbox.status_counts() == {"sent": 12}
