"""The migrations create exactly the schema the code declares, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Time, bindparam, inspect, text
from sqlalchemy.exc import IntegrityError

from core.kernel.model import Preferences, WorkingHours
from storage.migrate import current_revision, downgrade, head_revision, is_at_head, upgrade
from storage.tables import UTCDateTime, load_capability_tables


def declared(name, type_, parent_names) -> bool:
    """Leave out of the comparison only the objects a capability names in `metadata.info["undeclared"]`: what its
    migration creates with raw SQL for one dialect because SQLAlchemy cannot declare it (full-text search:
    PostgreSQL generated tsvector columns and GIN indexes, a SQLite FTS5 table and its shadow tables). Columns are
    named "table.column"."""
    undeclared = load_capability_tables().info.get("undeclared", set())
    qualified = f"{parent_names.get('table_name')}.{name}" if type_ == "column" else name
    return qualified not in undeclared


async def test_migrated_schema_matches_the_tables(engine):
    def diff(sync_conn):
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True, "include_name": declared})
        return compare_metadata(context, load_capability_tables())

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_database_is_at_head_and_upgrade_is_idempotent(engine):
    assert await current_revision(engine) == head_revision()
    await upgrade(engine)
    assert await is_at_head(engine)


async def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    assert {"users", "outbox", "conversation_addresses", "conversation_state"} <= set(tables)


async def test_only_the_named_objects_are_left_out(engine):
    """Without the exclusions the comparison sees exactly those objects, so the list hides nothing else."""

    def diff(sync_conn):
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, load_capability_tables())

    async with engine.connect() as conn:
        found = await conn.run_sync(diff)
    names = set()
    for change in found:
        change = change[0] if isinstance(change, list) else change
        kind, *rest = change
        if kind == "remove_column":
            names.add(f"{rest[1]}.{rest[2].name}")
        else:
            names.add(rest[0].name)
    undeclared = load_capability_tables().info.get("undeclared", set())
    assert names and names <= undeclared, names - undeclared


async def test_renaming_the_preferences_tables_keeps_what_people_chose(engine, uow_factory):
    """0014 renames nudge_preferences/nudge_opt_outs to preferences/preference_opt_outs: rows survive both ways."""
    when = datetime(2026, 11, 1, 9, tzinfo=UTC)
    await downgrade(engine, "0010")
    async with engine.begin() as conn:
        user_id = (
            await conn.execute(
                text(
                    "INSERT INTO users (teams_user_id, created_at, updated_at) VALUES ('t-1', :w, :w) RETURNING id"
                ).bindparams(bindparam("w", type_=UTCDateTime())),
                {"w": when},
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO nudge_preferences (user_id, work_days, work_start, work_end, updated_at)"
                " VALUES (:u, '0,1', :s, :e, :w)"
            ).bindparams(
                bindparam("w", type_=UTCDateTime()), bindparam("s", type_=Time()), bindparam("e", type_=Time())
            ),
            {"u": user_id, "s": time(7), "e": time(15), "w": when},
        )
        await conn.execute(
            text("INSERT INTO nudge_opt_outs (user_id, category) VALUES (:u, 'surveys')"), {"u": user_id}
        )
    await upgrade(engine)

    chosen = Preferences(
        user_id=user_id,
        hours=WorkingHours(days=frozenset({0, 1}), start=time(7), end=time(15)),
        opted_out=frozenset({"surveys"}),
    )
    async with uow_factory() as uow:
        assert await uow.preferences.get(user_id) == chosen
    with pytest.raises(IntegrityError):  # the renamed check constraint still holds
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE preferences SET work_start = NULL WHERE user_id = :u"), {"u": user_id})

    await downgrade(engine, "0010")
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT category FROM nudge_opt_outs"))).scalars().all() == ["surveys"]
        assert (await conn.execute(text("SELECT work_days FROM nudge_preferences"))).scalars().all() == ["0,1"]
    await upgrade(engine)
