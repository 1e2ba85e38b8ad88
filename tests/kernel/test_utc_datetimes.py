"""Every datetime column stores and returns aware UTC datetimes, on SQLite (which keeps them naive) and
PostgreSQL (timestamptz, which asyncpg returns in UTC already)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select

from storage.tables import UTC_DT

INDIA = timezone(timedelta(hours=5, minutes=30))


def test_values_read_back_are_aware_utc_whatever_the_driver_returns():
    utc = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert UTC_DT.process_result_value(utc, None) is utc  # already UTC: returned as it is
    naive = UTC_DT.process_result_value(datetime(2026, 5, 31, 23, 30), None)  # SQLite's
    assert naive == utc and naive.tzinfo is UTC
    other = UTC_DT.process_result_value(datetime(2026, 6, 1, 5, 0, tzinfo=INDIA), None)
    assert other == utc and other.tzinfo is UTC
    assert UTC_DT.process_result_value(None, None) is None


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        UTC_DT.process_bind_param(datetime(2026, 5, 31, 23, 30), None)


async def test_a_round_trip_keeps_the_instant_in_utc(engine):
    table = Table("utc_round_trip", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTC_DT))
    written = [datetime(2026, 5, 31, 23, 30, 0, 123456, tzinfo=UTC), datetime(2026, 6, 1, 5, 0, tzinfo=INDIA), None]
    async with engine.begin() as conn:
        await conn.run_sync(table.metadata.create_all)
        await conn.execute(table.insert(), [{"id": n, "at": at} for n, at in enumerate(written)])
    async with engine.connect() as conn:
        read = (await conn.execute(select(table.c.at).order_by(table.c.id))).scalars().all()
    assert read == written
    assert [at.tzinfo for at in read[:2]] == [UTC, UTC] and read[2] is None
