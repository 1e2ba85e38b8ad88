"""The migrations create exactly the schema the code declares, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.migrate import current_revision, head_revision, is_at_head, upgrade
from storage.tables import load_capability_tables


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
