"""Engines for SQLite (embedded default) and PostgreSQL (real deployments)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import sqlite_driver


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite:///` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: AsyncEngine | str) -> bool:
    name = (
        engine_or_url.dialect.name
        if isinstance(engine_or_url, AsyncEngine)
        else make_url(engine_or_url).get_backend_name()
    )
    return name == "sqlite"


def create_engine(url: str, *, pool_size: int = 20, schema: str | None = None) -> AsyncEngine:
    """`schema` (PostgreSQL only) sets the search_path, so several deployments or test runs can share one
    database. PostgreSQL keeps up to `pool_size` connections and opens no more (no overflow): overflow
    connections were closed as soon as they were given back, so a busy minute connected again and again (a new
    backend, and asyncpg's statement cache and type set-up, each time). storage/uow.py admits units of work in
    turn when all are in use."""
    url = normalise_url(url)
    _keep_rows_out_of_logs()
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer anyway, and a single connection makes writes queue in-process
        # instead of failing with "database is locked".
        engine = create_async_engine(
            url,
            pool_size=1,
            max_overflow=0,
            connect_args={"timeout": 30},
            module=sqlite_driver.dbapi(),  # one round trip to aiosqlite's thread a statement, not four
            hide_parameters=True,
            pool_reset_on_return=None,  # _rollback_if_open does it, only when needed
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _rollback_if_open)
        _skip_empty_transaction_ends(engine.sync_engine.dialect)
        return engine
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        connect_args=connect_args,
        hide_parameters=True,
    )
    event.listen(engine.sync_engine, "connect", _mark_used)
    event.listen(engine.sync_engine, "checkin", _mark_used)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


PING_AFTER_IDLE_S = 5.0
_RETURNED = "qibot_returned_at"


def _mark_used(_dbapi_connection, record, *_args) -> None:
    record.info[_RETURNED] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """SQLAlchemy's pool_pre_ping, only for a connection that sat in the pool for 5 s or more. asyncpg's ping is
    three round trips (BEGIN, an empty query, ROLLBACK), on every checkout: about 0.5 ms of the bot's CPU a turn,
    and as much again in PostgreSQL. A connection used moments ago is as good as a ping; one that sat idle is
    where a restart, a failover or a firewall's idle timeout shows. A failed ping discards the whole pool (after a
    restart every connection in it is dead) and the pool hands out a new connection instead, as pre-ping does."""
    returned = record.info.get(_RETURNED)
    if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE_S:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:  # noqa: BLE001 - any failure means the connection cannot be used
        raise exc.InvalidatePoolError(f"ping failed: {type(error).__name__}") from error


class _NoRowData(logging.Filter):
    """Drops the driver log lines that carry row values or statement parameters: SQLAlchemy's DEBUG "Row ..."
    lines (hide_parameters hides only the parameters) and aiosqlite's DEBUG lines, which print each call with its
    arguments. SQL text and timings still log when asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("aiosqlite"):
            return record.levelno > logging.DEBUG
        return not (record.levelno <= logging.DEBUG and str(record.msg).startswith("Row "))


_ROW_FILTER = _NoRowData()


def _keep_rows_out_of_logs() -> None:
    for name in ("sqlalchemy.engine.Engine", "aiosqlite"):
        logger = logging.getLogger(name)
        if _ROW_FILTER not in logger.filters:
            logger.addFilter(_ROW_FILTER)


def _rollback_if_open(dbapi_connection, _record, state) -> None:
    """The pool's rollback when a connection is returned, skipped when SQLite has no transaction open (after a
    commit, or after reads only): each call to aiosqlite is a round trip to its thread, on every turn."""
    if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def _skip_empty_transaction_ends(dialect) -> None:
    """A read-only unit of work (a `help` turn) ends with a COMMIT or ROLLBACK of a transaction SQLite never
    opened: sqlite3 then does nothing (it checks `sqlite3_get_autocommit`, which `in_transaction` reads), but the
    call is still a round trip to aiosqlite's thread. The check is made here, on the same connection, and nothing
    else runs on it meanwhile (SQLAlchemy awaits each call), so the result is the same without the round trip.
    SQLAlchemy's own transaction state is reset as before: only the driver call is skipped."""
    do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

    def open_(dbapi_connection) -> bool:
        try:
            return dbapi_connection.driver_connection.in_transaction
        except ValueError:  # aiosqlite's connection is closed: the driver call decides, as before
            return True

    def commit(dbapi_connection) -> None:
        if open_(dbapi_connection):
            do_commit(dbapi_connection)

    def rollback(dbapi_connection) -> None:
        if open_(dbapi_connection):
            do_rollback(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = commit, rollback


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
