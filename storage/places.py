"""The storage side of core.kernel.places: a holder's seat counter (a conditional UPDATE, atomic on SQLite and
PostgreSQL, under the table's CHECK (seats_taken <= capacity)) and adding one person's place, where the
database's one-active-place unique index turns a double tap into the capability's own "already" error."""

from __future__ import annotations

from sqlalchemy import Table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Insert


async def take_seat(conn: AsyncConnection, holders: Table, holder_id: int, *, open_status: str) -> bool:
    """One seat of `holders` row `holder_id` if it is `open_status` and not full; False otherwise."""
    result = await conn.execute(
        update(holders)
        .where(
            holders.c.id == holder_id,
            holders.c.status == open_status,
            holders.c.seats_taken < holders.c.capacity,
        )
        .values(seats_taken=holders.c.seats_taken + 1)
    )
    return result.rowcount == 1


async def release_seat(conn: AsyncConnection, holders: Table, holder_id: int) -> None:
    await conn.execute(
        update(holders)
        .where(holders.c.id == holder_id, holders.c.seats_taken > 0)
        .values(seats_taken=holders.c.seats_taken - 1)
    )


async def add_place(conn: AsyncConnection, insert: Insert, *, already: Exception) -> int:
    """Insert one place (a statement returning its id) in a savepoint; a unique violation raises `already` and
    leaves the rest of the transaction as it was."""
    try:
        async with conn.begin_nested():
            return (await conn.execute(insert)).scalar_one()
    except IntegrityError:
        raise already from None
