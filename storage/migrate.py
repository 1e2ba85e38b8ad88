"""Apply Alembic migrations and report whether a database is at the latest one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Back to `revision` (the tests of a migration's data use it), in the same way as `upgrade`."""
    await _migrate(engine, command.downgrade, revision)


async def _migrate(engine: AsyncEngine, step, revision: str) -> None:
    def run(sync_conn) -> None:
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        step(config, revision)

    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        if sqlite:
            # Alembic's batch mode rebuilds a SQLite table to change a column: with foreign keys on, dropping the
            # old table would cascade to the rows that refer to it. SQLite ignores this pragma inside a
            # transaction, so it is set before the migration's transaction begins, and checked after it.
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.run_sync(run)
        await conn.commit()
        if sqlite:
            broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).fetchall()
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()
            if broken:
                raise RuntimeError(f"migration left {len(broken)} rows with a broken foreign key")


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def is_at_head(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
