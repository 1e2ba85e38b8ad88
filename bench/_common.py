"""Helpers shared by the benchmark scripts (not part of the test suite)."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import math
import os
import platform
import sys
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first; tests/ is not an installed package
    sys.path.insert(0, str(ROOT))


def quiet() -> None:
    """Benchmarks print figures, not logs: only errors from the app and the SDK."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an unsorted list (pct in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


@contextlib.asynccontextmanager
async def postgres_schema(url: str):
    """A fresh schema in the given PostgreSQL database, dropped afterwards (as the test fixtures do)."""
    from sqlalchemy import text

    from storage.db import create_engine

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


# ------------------------------------------------------------------------------- outbox rows to deliver
# Shared by bench/delivery.py (nudges) and scripts that send other kinds of outbox rows (announcements); the
# dispatcher worker, the per-row tally and the crash are in bench/_delivery.py.

TENANT = "tenant-bench"


@dataclasses.dataclass
class Database:
    url: str
    schema: str | None = None

    def engine(self):
        from storage.db import create_engine

        return create_engine(self.url, schema=self.schema)


@contextlib.asynccontextmanager
async def fresh_database(postgres_url: str, sqlite_dir: Path, name: str):
    """A migrated, empty database: a throw-away schema on PostgreSQL when a URL is given, else a SQLite file."""
    from storage.migrate import upgrade

    async def migrated(db: Database) -> Database:
        engine = db.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        return db

    if postgres_url:
        async with postgres_schema(postgres_url) as schema:
            yield await migrated(Database(postgres_url, schema))
    else:
        yield await migrated(Database(f"sqlite+aiosqlite:///{sqlite_dir}/{name}.db"))


async def seed_people(db: Database, *, users: int, service_url: str, tenant: str = TENANT) -> list[tuple[int, int]]:
    """`users` people with a personal conversation address at `service_url` (as record_contact leaves them),
    written in bulk; returns (user id, address id) in order."""
    from sqlalchemy import insert, select

    from core.kernel.clock import SystemClock
    from storage.tables import conversation_addresses
    from storage.tables import users as users_table
    from tests.fakes import teams_address

    now = SystemClock().now()
    addresses = [teams_address(n, service_url=service_url, tenant=tenant) for n in range(users)]
    engine = db.engine()
    try:
        async with engine.begin() as conn:
            for chunk in range(0, users, 2000):
                part = addresses[chunk : chunk + 2000]
                await conn.execute(
                    insert(users_table),
                    [
                        dict(
                            teams_user_id=a.user_teams_id,
                            aad_object_id=a.user_aad_id,
                            tenant_id=tenant,
                            name=a.user_name,
                            created_at=now,
                            updated_at=now,
                        )
                        for a in part
                    ],
                )
            ids = dict((await conn.execute(select(users_table.c.teams_user_id, users_table.c.id))).all())
            for chunk in range(0, users, 2000):
                part = addresses[chunk : chunk + 2000]
                await conn.execute(
                    insert(conversation_addresses),
                    [
                        dict(
                            user_id=ids[a.user_teams_id],
                            channel_id=a.channel_id,
                            service_url=a.service_url,
                            conversation_id=a.conversation_id,
                            conversation_type=a.conversation_type,
                            tenant_id=a.tenant_id,
                            bot_id=a.bot_id,
                            bot_name=a.bot_name,
                            user_aad_id=a.user_aad_id,
                            user_name=a.user_name,
                            active=True,
                            reachable=True,
                            updated_at=now,
                        )
                        for a in part
                    ],
                )
            by_user = dict(
                (await conn.execute(select(conversation_addresses.c.user_id, conversation_addresses.c.id))).all()
            )
    finally:
        await engine.dispose()
    return [(ids[a.user_teams_id], by_user[ids[a.user_teams_id]]) for a in addresses]


async def seed_outbox(db: Database, rows: list[dict]) -> None:
    """Outbox rows in bulk; each dict: dedupe_key, user_id, address_id, category, message (an OutboundMessage),
    due_at, and optionally counts_to_budget."""
    from sqlalchemy import insert

    from core.kernel.clock import SystemClock
    from storage.tables import outbox

    now = SystemClock().now()
    engine = db.engine()
    try:
        async with engine.begin() as conn:
            for chunk in range(0, len(rows), 2000):
                await conn.execute(
                    insert(outbox),
                    [
                        dict(
                            dedupe_key=r["dedupe_key"],
                            user_id=r["user_id"],
                            address_id=r["address_id"],
                            category=r["category"],
                            counts_to_budget=r.get("counts_to_budget", False),
                            payload=r["message"].to_json(),
                            status="pending",
                            due_at=r["due_at"],
                            attempts=0,
                            created_at=now,
                        )
                        for r in rows[chunk : chunk + 2000]
                    ],
                )
    finally:
        await engine.dispose()


async def outbox_state(db: Database) -> tuple[dict[str, int], dict[str, str]]:
    """Status counts, and the status of every row by dedupe key."""
    from sqlalchemy import select

    from storage.tables import outbox

    engine = db.engine()
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(outbox.c.dedupe_key, outbox.c.status))).all()
    finally:
        await engine.dispose()
    status = {key: state for key, state in rows}
    return dict(collections.Counter(status.values())), status


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}\n")
    print("| figure | value |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
