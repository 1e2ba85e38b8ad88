"""Helpers shared by the benchmark scripts (not part of the test suite)."""

from __future__ import annotations

import contextlib
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
