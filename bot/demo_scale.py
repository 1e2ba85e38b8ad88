"""`qibot demo scale`: the synthetic trust of storage/scale, for load and benchmark work."""

from __future__ import annotations

import asyncio
import sys

from bot.config import Config
from core.kernel.clock import SystemClock


async def with_engine(config: Config, work):
    from storage.db import create_engine

    engine = create_engine(config.database_url)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


def cmd_demo_scale(config: Config, args) -> int:
    """The synthetic trust of storage/scale, for load and benchmark work (never on a live database: it refuses
    a database that already has one)."""
    import time
    from datetime import date

    from bot import registry
    from core.surveys.pseudonyms import Pseudonyms
    from storage.scale import AlreadyGenerated, generate_trust

    try:
        today = date.fromisoformat(args.today) if args.today else SystemClock().now().date()
    except ValueError:
        print(f"qibot: --today must be a date like 2026-11-25, not {args.today!r}", file=sys.stderr)
        return 2
    if not 0 < args.scale <= 10:
        print("qibot: --scale must be above 0 and at most 10 (1 is the full five-year trust)", file=sys.stderr)
        return 2
    content = registry.load_content(config.content_dir)
    started = time.perf_counter()

    def progress(section: str, seconds: float) -> None:
        print(f"  {section}: {seconds:.1f} s", flush=True)

    async def work(engine):
        from storage.migrate import upgrade

        await upgrade(engine)
        return await generate_trust(
            engine,
            content,
            seed=args.seed,
            scale=args.scale,
            today=today,
            pseudonym=Pseudonyms(config.survey_pseudonym_key).of,
            progress=progress,
        )

    try:
        counts = asyncio.run(with_engine(config, work))
    except AlreadyGenerated as problem:
        print(f"qibot: {problem}", file=sys.stderr)
        return 1
    print(f"synthetic trust written in {time.perf_counter() - started:.0f} s (seed {args.seed}, scale {args.scale}):")
    for table, rows in counts.items():
        print(f"  {table}: {rows:,}")
    return 0
