"""SQL repository for the programme measures' own rows: the headcount. (The evidence is read through the other
capabilities' repositories; this module reads no other capability's table.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.measures.model import HeadcountRow
from storage.measures.tables import measure_headcount

CHUNK = 1000
IMPORT_LOCK = 0x6D656173  # "meas": one headcount import at a time on PostgreSQL (released at commit)


class SqlMeasureRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def replace_headcount(self, rows: Sequence[HeadcountRow], *, now: datetime) -> int:
        months = sorted({r.month for r in rows})
        if self.conn.dialect.name == "postgresql":
            # Two imports at once: the second waits, then replaces the first's rows (its delete sees them once the
            # first commits) instead of failing on the primary key. SQLite writes one transaction at a time anyway.
            await self.conn.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
        await self.conn.execute(delete(measure_headcount).where(measure_headcount.c.month.in_(months)))
        values = [
            {
                "month": r.month,
                "site": r.site,
                "staff_group": r.staff_group,
                "headcount": r.headcount,
                "imported_at": now,
            }
            for r in rows
        ]
        for start in range(0, len(values), CHUNK):
            await self.conn.execute(measure_headcount.insert(), values[start : start + CHUNK])
        return len(values)

    async def latest_headcount(self, *, on_or_before: date):
        month = (
            await self.conn.execute(
                select(func.max(measure_headcount.c.month)).where(measure_headcount.c.month <= on_or_before)
            )
        ).scalar_one()
        if month is None:
            return None, {}
        rows = await self.conn.execute(
            select(measure_headcount.c.site, measure_headcount.c.staff_group, measure_headcount.c.headcount).where(
                measure_headcount.c.month == month
            )
        )
        return month, {(site, group): n for site, group, n in rows}

    async def headcount_months(self) -> list[date]:
        rows = await self.conn.execute(select(measure_headcount.c.month).distinct().order_by(measure_headcount.c.month))
        return [m for (m,) in rows]
