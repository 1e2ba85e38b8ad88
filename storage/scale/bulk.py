"""Bulk writes for the synthetic trust: rows go in as plain tuples, in chunks, straight into the tables.

On SQLite: SQLAlchemy Core `executemany` of one INSERT per chunk, in one transaction. On PostgreSQL: binary COPY
through asyncpg (`copy_records_to_table`), which skips SQLAlchemy's type processing, so the values must already
be what the driver takes: aware datetimes, dates, ints, bools, and JSON as text. Ids are given by the generator
(so related rows are written without reading anything back); `reset_sequences` moves each PostgreSQL id sequence
past them afterwards, so the bot's own inserts keep working.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK = 5_000


class BulkWriter:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    async def next_id(self, table: Table) -> int:
        """The first free id (the generator numbers its rows from here, after any rows already there)."""
        return ((await self.conn.execute(select(func.max(table.c.id)))).scalar() or 0) + 1

    async def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Write `rows` (tuples in the order of `columns`) in chunks; returns how many."""
        written = 0
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                written += await self._flush(table, columns, chunk)
                chunk = []
        if chunk:
            written += await self._flush(table, columns, chunk)
        self.counts[table.name] = self.counts.get(table.name, 0) + written
        return written

    async def _flush(self, table: Table, columns: Sequence[str], chunk: list[tuple]) -> int:
        if self.postgres:
            json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
            if json_at:
                chunk = [
                    tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row)) for row in chunk
                ]
            raw = await self.conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(table.name, records=chunk, columns=list(columns))
        else:
            await self.conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in chunk])
        return len(chunk)

    async def reset_sequences(self, tables: Iterable[Table]) -> None:
        if not self.postgres:
            return  # SQLite's INTEGER PRIMARY KEY takes max(id) + 1 by itself
        for table in tables:
            if "id" in table.c and table.c.id.autoincrement is True:
                await self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table.name}), 1))"
                    )
                )
