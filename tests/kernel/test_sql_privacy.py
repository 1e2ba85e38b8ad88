"""The database layer keeps statement parameters and row values out of errors and logs (SQLite and PostgreSQL)."""

import logging

import pytest
from sqlalchemy import text

MARKER = "Zebulon Markerface MARKER-7f3a"


async def test_a_database_error_does_not_quote_the_parameters(engine):
    with pytest.raises(Exception) as failure:  # noqa: B017 - the driver's own error class differs per database
        async with engine.connect() as conn:
            await conn.execute(text("INSERT INTO no_such_table VALUES (:x)"), {"x": MARKER})
    assert "no_such_table" in str(failure.value)
    assert MARKER not in str(failure.value) and "Markerface" not in repr(failure.value)


async def test_debug_logging_of_the_engine_shows_no_parameters_or_rows(engine, caplog):
    for name in (None, "sqlalchemy.engine", "sqlalchemy.engine.Engine", "aiosqlite", "asyncpg"):
        caplog.set_level(logging.DEBUG, logger=name)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT :x AS said"), {"x": MARKER})).all()
    assert rows == [(MARKER,)]
    assert any("SELECT" in r.getMessage() for r in caplog.records), "the SQL itself still logs"
    assert MARKER not in caplog.text
