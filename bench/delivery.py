"""Proactive delivery at scale: N nudges through the outbox Dispatcher and the real BotFrameworkSender
(botbuilder's CloudAdapter.continue_conversation, development mode: no token) to a FakeConnector that allows 50
requests/s per tenant and answers 429 + Retry-After: 1 above that. All users are in one tenant.

Phase A: one dispatcher sends everything, in a worker process of its own (the connector stays in this process,
         as Teams is on other machines). Figures: elapsed, achieved rate as a share of the 50/s limit, 429s, the
         busiest second at the connector, duplicates, losses, the sending process's CPU per message.
Phase B: kill mid-send and restart. The dispatcher runs in a worker subprocess, SIGKILLed while the connector
         accepts the message at --kill-at of the rows (so sends are in flight); a second worker (short lease, so
         it reclaims the dead worker's rows) finishes the job. Checks: nothing lost, and duplicates are no more
         than the sends in flight at the kill (rows still 'sending' whose message the connector had accepted).

Each message's text carries its outbox dedupe key, so the connector can count deliveries per row. The shared
pieces are in bench/_common.py (seeding) and bench/_delivery.py (worker, tally, crash).

    .venv/bin/python bench/delivery.py                      # 15,000 nudges, SQLite, phases A and B (~12 min)
    .venv/bin/python bench/delivery.py --count 1000         # quick
    .venv/bin/python bench/delivery.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
from _common import (
    Database,
    fresh_database,
    load,
    machine,
    outbox_state,
    print_table,
    quiet,
    seed_outbox,
    seed_people,
)
from _delivery import Tally, crashing_connector, kill_and_restart, report_progress, run_worker

KEY_PREFIX = "bench:"


def key_of(received) -> str | None:
    words = (received.text or "").split()
    return words[-1] if words and words[-1].startswith(KEY_PREFIX) else None


async def seed_nudges(db: Database, people: list[tuple[int, int]], count: int) -> None:
    """`count` outbox rows due now, round-robin over the people, each with its dedupe key in its text."""
    from core.kernel.clock import SystemClock
    from core.kernel.model import OutboundMessage

    now = SystemClock().now()
    rows = []
    for i in range(count):
        user_id, address_id = people[i % len(people)]
        key = f"{KEY_PREFIX}{i}"
        message = OutboundMessage(text=f"Your QI nudge {key}")
        rows.append(
            dict(dedupe_key=key, user_id=user_id, address_id=address_id, category="bench", message=message, due_at=now)
        )
    await seed_outbox(db, rows)


async def seeded(db: Database, args, connector) -> None:
    started = time.perf_counter()
    people = await seed_people(db, users=args.users, service_url=connector.url)
    await seed_nudges(db, people, args.count)
    print(f"  seeded {args.users:,} users and {args.count:,} outbox rows in {time.perf_counter() - started:.1f} s")


def outcome_rows(tally: Tally, args, statuses) -> list[tuple[str, str]]:
    keys = [f"{KEY_PREFIX}{i}" for i in range(args.count)]
    return [
        ("duplicates (extra deliveries of a row)", f"{tally.duplicates():,}"),
        ("losses (rows never delivered)", f"{len(tally.lost(keys)):,}"),
        ("final outbox status", ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))),
    ]


async def phase_a(db: Database, args) -> bool:
    from tests.fake_connector import FakeConnector

    connector = FakeConnector(rate_limit=args.limit)
    await connector.start()
    try:
        await seeded(db, args, connector)
        tally, stop = Tally(connector, key_of), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(report_progress(tally, args.count, started, stop))
        result = await run_worker(db, seconds=args.timeout, app_rate=args.app_rate, concurrency=args.concurrency)
        # From the worker's first claim (after its imports) to every row final.
        elapsed = result.get("ended_at", time.monotonic()) - result.get("started_at", started)
        stop.set()
        await ticker
        tally.update()
    finally:
        await connector.stop()
    statuses, _ = await outbox_state(db)
    rows = [("rows", f"{args.count:,}")] + tally.rates(args.limit, elapsed) + outcome_rows(tally, args, statuses)
    rows += [
        ("dispatcher rate at the end (AIMD cuts)", f"{result['final_rate']:.1f}/s ({result['rate_cuts']} cuts)"),
        ("sending process CPU per message", f"{1000 * result['cpu_seconds'] / args.count:.1f} ms"),
    ]
    print_table(f"Phase A ({args.backend}, {args.count:,} nudges, one dispatcher)", rows)
    print(f"\ndispatcher outcomes: {result['outcomes']}")
    lost = tally.lost([f"{KEY_PREFIX}{i}" for i in range(args.count)])
    share = tally.rates(args.limit, elapsed)[2][1]
    checks = [
        (bool(result.get("finished")), f"phase A finished within {args.timeout:.0f} s"),
        (not lost, f"phase A no losses ({len(lost)} lost)"),
        (tally.duplicates() == 0, f"phase A no duplicates without a crash ({tally.duplicates()})"),
        (len(connector.delivered()) / elapsed >= 0.9 * args.limit, f"phase A at least 90% of the limit ({share})"),
    ]
    return report_checks(checks)


async def phase_b(db: Database, args) -> bool:
    connector = crashing_connector(args.limit)
    await connector.start()
    try:
        await seeded(db, args, connector)
        tally, stop = Tally(connector, key_of), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(report_progress(tally, args.count, started, stop))
        # Mid-batch (rows claimed and waiting for their turn), while a message is being accepted.
        batch = max(10, int((args.app_rate or 48) * 5))
        kill_after = min(args.count - 1, int(args.count * args.kill_at) // batch * batch + batch // 2)
        crash = await kill_and_restart(
            db,
            connector,
            tally,
            kill_after=kill_after,
            seconds=args.timeout,
            lease_seconds=args.lease_seconds,
            concurrency=args.concurrency,
            app_rate=args.app_rate,
        )
        stop.set()
        await ticker
        tally.update()
    finally:
        await connector.stop()
    statuses, _ = await outbox_state(db)
    rows = (
        [("rows", f"{args.count:,}")]
        + tally.rates(args.limit, crash.elapsed)
        + outcome_rows(tally, args, statuses)
        + [
            ("killed after", f"{crash.killed_after:.1f} s, {crash.delivered_at_kill:,} delivered"),
            ("rows 'sending' (claimed) at the kill", f"{crash.sending_at_kill:,}"),
            ("in flight at the kill (claimed, already accepted by the connector)", f"{len(crash.in_flight)}"),
            ("dispatcher concurrency (upper bound on in flight)", f"{args.concurrency}"),
        ]
    )
    print_table(f"Phase B ({args.backend}, {args.count:,} nudges, SIGKILL at {args.kill_at:.0%}, restart)", rows)
    print(f"\nsecond worker: {crash.second_worker}")
    lost = tally.lost([f"{KEY_PREFIX}{i}" for i in range(args.count)])
    stray = tally.duplicated_keys() - crash.in_flight
    dups = tally.duplicates()
    bounded = dups <= len(crash.in_flight) <= args.concurrency and not stray
    checks = [
        (bool(crash.second_worker.get("finished")), "phase B: the restarted worker finished"),
        (not lost, f"phase B no losses ({len(lost)} lost)"),
        (
            bounded,
            f"phase B duplicates <= in flight ({dups} <= {len(crash.in_flight)} <= concurrency {args.concurrency}; "
            f"{len(stray)} duplicated rows that were not in flight)",
        ),
    ]
    return report_checks(checks)


def report_checks(checks: list[tuple[bool, str]]) -> bool:
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return all(ok for ok, _ in checks)


async def bench(args: argparse.Namespace) -> int:
    from bot.config import Config

    args.backend = "PostgreSQL" if args.database_url else "SQLite"
    config = Config()
    print(f"machine: {machine()}; {load()}")
    print(
        f"{args.count:,} nudges to {args.users:,} users in one tenant on {args.backend}; dispatcher ceiling "
        f"{args.app_rate or config.send_rate:g}/s (AIMD on 429s), {config.conversation_rate:g}/s per conversation, "
        f"concurrency {args.concurrency}; fake connector limit {args.limit:g} requests/s per tenant "
        f"(429 + Retry-After: 1 above it)"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="qibot-delivery-") as tmp:
        if args.phase in ("A", "both"):
            print("\nphase A: one dispatcher, no crash", flush=True)
            async with fresh_database(args.database_url, Path(tmp), "phase_a") as db:
                ok &= await phase_a(db, args)
        if args.phase in ("B", "both"):
            print(f"\nphase B: SIGKILL the worker at {args.kill_at:.0%}, restart (lease {args.lease_seconds:g} s)")
            async with fresh_database(args.database_url, Path(tmp), "phase_b") as db:
                ok &= await phase_b(db, args)
    print(f"\n{load()}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=15_000, help="outbox rows (default 15000)")
    parser.add_argument("--users", type=int, default=0, help="distinct users (default: one per row)")
    parser.add_argument("--phase", choices=["A", "B", "both"], default="both")
    parser.add_argument("--app-rate", type=float, default=None, help="dispatcher ceiling (default: Config)")
    parser.add_argument("--limit", type=float, default=50.0, help="connector's requests/s per tenant (50)")
    parser.add_argument("--concurrency", type=int, default=16, help="dispatcher concurrency (default 16)")
    parser.add_argument("--lease-seconds", type=float, default=5.0, help="phase B lease (default 5)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="phase B: kill at this fraction delivered")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per phase (default 2x ideal + 2 min)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (a throw-away schema per phase)")
    args = parser.parse_args()
    args.users = args.users or args.count
    if args.timeout is None:
        args.timeout = 2 * args.count / args.limit + 120
    quiet()
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
