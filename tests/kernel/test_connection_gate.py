"""When every database connection is in use, units of work get one in the order they asked (storage/uow.py:
ConnectionGate). The pool's own queue let a unit of work that had just given a connection back take it again ahead
of those already waiting, which is how some turns waited seconds at 50 in flight."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc, text

from storage.uow import SqlUnitOfWorkFactory


async def _select(uow) -> None:
    await uow._conn.execute(text("SELECT 1"))


async def test_waiting_units_of_work_go_first_in_the_order_they_asked(engine):
    uows = SqlUnitOfWorkFactory(engine, {})
    places = uows.gate.places
    assert places == engine.sync_engine.pool.size()
    release = asyncio.Event()
    held = asyncio.Semaphore(0)
    order: list[str] = []

    async def holder(n: int) -> None:
        async with uows() as uow:
            await _select(uow)
            held.release()
            await release.wait()
        async with uows() as uow:  # straight back for another: it must queue behind the waiters
            order.append(f"again-{n}")
            await _select(uow)

    async def waiter(n: int) -> None:
        async with uows() as uow:
            order.append(f"waiter-{n}")
            await _select(uow)
            await asyncio.sleep(0.01)

    holders = [asyncio.create_task(holder(n)) for n in range(places)]
    for _ in range(places):
        await held.acquire()
    waiters = []
    for n in range(places + 3):
        waiters.append(asyncio.create_task(waiter(n)))
        await asyncio.sleep(0.01)  # each one asks after the one before
    release.set()
    await asyncio.gather(*holders, *waiters)

    waiting = [name for name in order if name.startswith("waiter")]
    assert waiting == [f"waiter-{n}" for n in range(places + 3)]
    first_again = min(i for i, name in enumerate(order) if name.startswith("again"))
    assert order.index(f"waiter-{places - 1}") < first_again  # the ones waiting when places freed went first


async def test_a_unit_of_work_that_waits_too_long_fails_and_leaks_no_place(engine):
    uows = SqlUnitOfWorkFactory(engine, {})
    uows.gate.timeout = 0.2
    holders = [uows() for _ in range(uows.gate.places)]
    for uow in holders:
        await uow.__aenter__()
    with pytest.raises(exc.TimeoutError):
        async with uows():
            pass
    late = asyncio.create_task(uows().__aenter__())
    await asyncio.sleep(0.05)
    late.cancel()  # given up while waiting
    with pytest.raises(asyncio.CancelledError):
        await late
    for uow in holders:
        await uow.__aexit__(None, None, None)
    opened = [uows() for _ in range(uows.gate.places)]
    for uow in opened:  # every place is free again
        await uow.__aenter__()
        await _select(uow)
    for uow in opened:
        await uow.__aexit__(None, None, None)


async def test_a_failed_connect_gives_its_place_back(engine):
    uows = SqlUnitOfWorkFactory(engine, {})

    class Unreachable:
        async def connect(self):
            raise OSError("connection refused")

    uows.engine = Unreachable()
    for _ in range(uows.gate.places + 1):  # more failures than places: none is kept
        with pytest.raises(OSError):
            async with uows():
                pass
    uows.engine = engine
    async with uows() as uow:
        await _select(uow)
