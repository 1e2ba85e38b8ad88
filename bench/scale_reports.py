"""The forum, events and surveys reports and the programme dashboard card alone, on a synthetic trust already
written (`qibot demo scale`, or bench/scale.py's `--generate`): each opened through bench/scale.py's Bench (the
real router and dialogs, a unit of work per turn), `--runs` times after a warm-up, p50/p95/max printed with the load
average; each report's cards written to `--cards` as JSON, so two versions of the code can be compared on the same
data (issue 16, point 5).

    .venv/bin/python bench/scale.py --generate --url sqlite+aiosqlite:////tmp/trust.db --seed 16 --scale 1
    .venv/bin/python bench/scale_reports.py --url sqlite+aiosqlite:////tmp/trust.db --cards /tmp/after.json

It upgrades the database to this code's head first (a trust written by older code gets the new migrations).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
import scale
from _common import load, percentile, quiet

REPORTS = ("forum report", "events report", "survey report", "measures")


async def main(url: str, schema: str | None, runs: int) -> dict[str, list]:
    from zoneinfo import ZoneInfo

    from bot.app import create_app
    from bot.config import Config
    from bot.serve import settle_heap
    from storage.db import create_engine
    from storage.migrate import upgrade

    engine = create_engine(url, schema=schema)
    await upgrade(engine)
    app = create_app(Config(database_url=url, scheduler_enabled=False), engine=engine)
    await settle_heap()  # the collector settings of `qibot serve`, as the bot runs
    at_ten = datetime.combine(scale.TODAY, datetime.min.time().replace(hour=10), tzinfo=ZoneInfo("Europe/London"))
    bench = scale.Bench(app, engine, at_ten.astimezone(UTC))
    admin = await bench.address(await bench.who("admin"))
    cards: dict[str, list] = {}
    route = bench.router.route

    async def keeping_cards(turn):
        response = await route(turn)
        cards[turn.inbound.text] = [m.card for m in response.messages if m.card] + [response.card] * bool(response.card)
        return response

    bench.router.route = keeping_cards
    print(load())
    for sent in REPORTS:
        ms = [await bench.turn(admin, sent) for _ in range(runs + 1)][1:]  # the first warms caches
        p50, p95 = percentile(ms, 50), percentile(ms, 95)
        print(f"{sent}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(ms):.0f} ms ({runs} runs)", flush=True)
    print(load())
    await engine.dispose()
    return cards


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the trust's database (SQLAlchemy async URL)")
    parser.add_argument("--schema", help="PostgreSQL schema holding it")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cards", help="write each report's cards here (JSON), to compare versions")
    args = parser.parse_args()
    quiet()
    cards = asyncio.run(main(args.url, args.schema, args.runs))
    if args.cards:
        Path(args.cards).write_text(json.dumps(cards, sort_keys=True, indent=1, default=str))
