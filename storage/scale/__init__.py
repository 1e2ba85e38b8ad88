"""A five-year synthetic trust for load and benchmark work (`qibot demo scale`, bench/scale.py), written through
bulk SQL in one transaction.

Why storage knows every capability's tables here, when elsewhere each capability's storage keeps to its own: a
bulk loader writes rows, not turns. Going through the repositories (one INSERT and one round trip per row, the
rules checked per call) would take hours for 500,000 reviews; writing the tables directly takes minutes. So this
package is the one place that writes all of them, and it keeps the rules another way: every row is built to meet
the schema's constraints (the migrations' checks, unique and foreign keys, which the database enforces while it
loads) and the services' invariants (seats taken equal confirmed bookings, one new draft per lead, matched
survey pairs under the bot's pseudonyms). Nothing else imports it; the bot never runs it.

The same seed, scale and `today` give the same rows, on SQLite and PostgreSQL alike: each section draws from its
own seeded random stream, and ids are numbered by the generator.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.kernel.content import Content
from storage.scale.bulk import BulkWriter
from storage.scale.clinics import write_clinics
from storage.scale.events import write_events
from storage.scale.forum import write_forum
from storage.scale.learning import write_learning
from storage.scale.people import TEAMS_PREFIX, write_people
from storage.scale.plan import Trust
from storage.scale.projects import write_projects
from storage.scale.sets import write_sets
from storage.scale.surveys import write_surveys
from storage.tables import load_capability_tables, users

SECTIONS = (
    ("people", write_people),
    ("clinics", write_clinics),
    ("learning", write_learning),
    ("projects", write_projects),
    ("events", write_events),
    ("surveys", write_surveys),
    ("forum", write_forum),
    ("sets", write_sets),
)


class AlreadyGenerated(Exception):
    """The database already holds a synthetic trust (its people's Teams ids start with TEAMS_PREFIX)."""


async def generate_trust(
    engine: AsyncEngine,
    content: Content,
    *,
    seed: int,
    scale: float,
    today: date,
    pseudonym: Callable[[int], str],
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, int]:
    """Write the trust; returns rows written per table. Raises AlreadyGenerated rather than add a second one."""
    if not 0 < scale <= 10:
        raise ValueError("scale must be above 0 and at most 10")
    trust = Trust(content=content, seed=seed, scale=scale, today=today, pseudonym=pseudonym)
    async with engine.begin() as conn:
        found = await conn.execute(select(users.c.id).where(users.c.teams_user_id.startswith(TEAMS_PREFIX)).limit(1))
        if found.first() is not None:
            raise AlreadyGenerated("this database already holds a synthetic trust; use an empty database")
        bulk = BulkWriter(conn)
        for name, write in SECTIONS:
            started = time.perf_counter()
            await write(bulk, trust)
            if progress:
                progress(name, time.perf_counter() - started)
        await bulk.reset_sequences(load_capability_tables().sorted_tables)
    # Fresh statistics, so the planner knows the tables' sizes (what autovacuum would do soon after on its own).
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()
    return bulk.counts
