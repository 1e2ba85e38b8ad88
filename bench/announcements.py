"""Announcement delivery at scale (issue 15 point 5): one announcement to --count staff, composed and sent through the
real services (save_draft, send_announcement), delivered by the real announcements' tick (deliver_announcements:
the nudge gate, the author's progress card updated in place) and the real dispatcher, both run by the real
scheduler (build_ticks + SchedulerRunner, APScheduler) in a worker process, against the fake Bot Connector
(50 requests/s per tenant, 429 + Retry-After: 1 above).

Phase A: one worker to the end. Phase B: the connector SIGKILLs the worker when it accepts the message at
--kill-at of the copies; a second worker (lease 5 s) finishes. Checks: nothing lost, duplicates <= in flight.

The staff (seeded in bulk) have a personal chat and working hours every day 00:00-23:59, so the nudge gate sends
now (not urgent: the daily budget applies and is empty). The author (an admin, outside the audience: the staff
group "nursing_midwifery" is the audience) has a personal chat and the card activity the progress updates replace.

    .venv/bin/python bench/announcements.py                  # 15,000 staff, SQLite, phases A and B (~12 min)
    .venv/bin/python bench/announcements.py --count 2000     # quick
    .venv/bin/python bench/announcements.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
from _common import TENANT, Database, fresh_database, load, machine, outbox_state, print_table, quiet, seed_people
from _delivery import (
    Outcomes,
    Tally,
    bench_dispatcher,
    crashing_connector,
    kill_and_restart,
    report_progress,
    run_worker,
)

AUTHOR_CARD = "author-card-activity"
AUDIENCE_GROUP = "nursing_midwifery"  # a staff group of content/organisation.yaml


async def seed(db: Database, count: int, service_url: str) -> tuple[int, dict[str, int]]:
    """`count` staff (in the audience's staff group, reachable all day) and an admin author; the announcement
    saved as a draft and sent (scheduled now). Returns its id and each staff member's user id by conversation id."""
    from sqlalchemy import insert, update

    from bot import registry
    from core.announcements.compose import save_draft
    from core.announcements.model import Audience, Button, Draft
    from core.announcements.sending import send_announcement
    from core.kernel.clock import SystemClock
    from core.kernel.model import Role
    from storage.tables import preferences, user_roles, users
    from tests.fakes import teams_address

    now = SystemClock().now()
    people = await seed_people(db, users=count + 1, service_url=service_url)  # the last one is the author
    staff, (author_id, _) = people[:count], people[count]
    by_conversation = {
        teams_address(n, service_url=service_url, tenant=TENANT).conversation_id: user_id
        for n, (user_id, _) in enumerate(staff)
    }
    author_conversation = teams_address(count, service_url=service_url, tenant=TENANT).conversation_id
    engine = db.engine()
    try:
        async with engine.begin() as conn:
            await conn.execute(update(users).where(users.c.id != author_id).values(staff_group=AUDIENCE_GROUP))
            await conn.execute(insert(user_roles), [dict(user_id=author_id, role=Role.ADMIN.value, granted_at=now)])
            hours = dict(work_days="0,1,2,3,4,5,6", work_start=dt.time(0, 0), work_end=dt.time(23, 59), updated_at=now)
            for chunk in range(0, count, 2000):
                await conn.execute(
                    insert(preferences), [dict(user_id=u, **hours) for u, _ in staff[chunk : chunk + 2000]]
                )
        async with registry.uow_factory(engine)() as uow:
            author = await uow.users.get(author_id)
            draft = Draft(
                title="Celebration day: call for abstracts",
                text="Send us your **poster** by Friday. The best ones go on the wall of the main entrance.",
                image_url=None,
                buttons=(Button("Submit an abstract", "url", "https://example.org/abstracts"),),
                audience=Audience(staff_groups=(AUDIENCE_GROUP,)),
                send_at=None,
                spread=False,
                urgent=False,
            )
            content = registry.load_content()
            made = await save_draft(uow, content, author=author, form_token="bench-form", draft=draft, now=now)
            sent = await send_announcement(
                uow,
                content,
                user=author,
                announcement_id=made,
                conversation_id=author_conversation,
                card_activity=AUTHOR_CARD,
                now=now,
            )
            await uow.commit()
        assert sent.recipients == count, sent.recipients
    finally:
        await engine.dispose()
    return made, by_conversation


class Keys:
    """Each received copy's outbox dedupe key (the card is the same for everyone: the conversation says whose),
    from the recipients' rounds as send_announcement left them."""

    def __init__(self, announcement_id: int, by_conversation: dict[str, int], rounds: dict[int, int]) -> None:
        from core.announcements.sending import recipient_key

        self.by_conversation = {c: recipient_key(announcement_id, u, rounds[u]) for c, u in by_conversation.items()}
        self.all = list(self.by_conversation.values())

    def __call__(self, received) -> str | None:
        return self.by_conversation.get(received.conversation_id)


async def rounds_of(db: Database, announcement_id: int) -> dict[int, int]:
    from sqlalchemy import select

    from storage.announcements.tables import announcement_recipients as recipients

    engine = db.engine()
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(recipients.c.user_id, recipients.c.round).where(recipients.c.announcement_id == announcement_id)
            )
            return dict(rows.all())
    finally:
        await engine.dispose()


async def seeded(db: Database, args, connector) -> Keys:
    started = time.perf_counter()
    announcement_id, by_conversation = await seed(db, args.count, connector.url)
    print(f"  seeded {args.count:,} staff and the author, announcement sent in {time.perf_counter() - started:.1f} s")
    return Keys(announcement_id, by_conversation, await rounds_of(db, announcement_id))


def card_rows(connector, first_copy: float, last_copy: float) -> list[tuple[str, str]]:
    """The author's card: accepted PUTs to its activity, how often while the copies went out, what it said last."""
    puts = [r for r in connector.received if r.method == "PUT" and 200 <= r.status < 300]
    to_card = [r for r in puts if r.activity.get("id") == AUTHOR_CARD]
    times = [r.at for r in to_card]
    during = [t for t in times if first_copy <= t <= last_copy]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    last = re.search(r"([A-Z][\w ]*): (\d+)% done", json.dumps(to_card[-1].card)) if to_card else None
    said = f"{last.group(1)}, {last.group(2)}% done" if last else "-"
    every = (last_copy - first_copy) / len(during) if during else float("nan")
    return [
        (
            "progress card updates (accepted PUTs to the author's card)",
            f"{len(to_card)} (other PUTs: {len(puts) - len(to_card)})",
        ),
        ("card updates while copies were going out", f"{len(during)}: one every {every:.1f} s"),
        ("gap between card updates (median / max)", f"{_median(gaps):.1f} s / {max(gaps, default=float('nan')):.1f} s"),
        ("the card's last headline", said),
    ]


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else float("nan")


def copy_times(connector, keys: Keys) -> list[float]:
    return sorted(r.at for r in connector.received if r.method == "POST" and 200 <= r.status < 300 and keys(r))


def copy_span(connector, keys: Keys) -> tuple[float, float]:
    times = copy_times(connector, keys)
    return (times[0], times[-1]) if times else (0.0, 0.0)


def pauses(times: list[float], at_least: float = 1.0) -> tuple[int, float, float]:
    """Gaps of at least `at_least` seconds between two copies: how many, their total, the longest."""
    gaps = [b - a for a, b in zip(times, times[1:], strict=False) if b - a >= at_least]
    return len(gaps), sum(gaps), max(gaps, default=0.0)


async def announcement_state(db: Database, announcement_id: int) -> tuple[str, dict[str, int]]:
    from bot import registry

    engine = db.engine()
    try:
        async with registry.uow_factory(engine)() as uow:
            found = await uow.announcements.get(announcement_id)
            progress = await uow.announcements.progress(announcement_id)
    finally:
        await engine.dispose()
    return (found.status.value if found else "missing"), dict(progress)


async def outcome_rows(db: Database, tally: Tally, keys: Keys, args) -> list[tuple[str, str]]:
    statuses, _ = await outbox_state(db)
    announcement_id = int(keys.all[0].split(":")[1]) if keys.all else 0
    status, progress = await announcement_state(db, announcement_id)
    first, last = copy_span(tally.connector, keys)
    copies = sum(tally.accepted[k] for k in keys.all)
    rate = (copies - 1) / (last - first) if last > first else float("nan")
    started = tally.connector.received[0].at if tally.connector.received else first
    return [
        ("first request at the connector to the first copy", f"{first - started:.1f} s"),
        (
            "copies delivered, first to last copy",
            f"{last - first:.1f} s, {rate:.1f}/s = {rate / args.limit:.1%} of the limit",
        ),
        (
            "pauses of 1 s or more between two copies (total, longest)",
            "{} ({:.1f} s, {:.1f} s)".format(*pauses(copy_times(tally.connector, keys))),
        ),
        ("duplicates (extra copies to a person)", f"{tally.duplicates():,}"),
        ("losses (staff who never got their copy)", f"{len(tally.lost(keys.all)):,}"),
        ("final outbox status", ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))),
        ("announcement status and its progress counts", f"{status}: {progress}"),
    ] + card_rows(tally.connector, first, last)


def worker_rows(result: dict) -> list[tuple[str, str]]:
    ticks = result.get("tick_seconds") or [0.0]
    return [
        (
            "announcements tick runs, seconds each (median / max)",
            f"{len(ticks)}: {_median(ticks):.1f} / {max(ticks):.1f}",
        ),
        (
            "dispatcher rate at the end (AIMD cuts)",
            f"{result.get('final_rate', 0):.1f}/s ({result.get('rate_cuts')} cuts)",
        ),
    ]


async def phase_a(db: Database, args) -> bool:
    from tests.fake_connector import FakeConnector

    connector = FakeConnector(rate_limit=args.limit)
    await connector.start()
    try:
        keys = await seeded(db, args, connector)
        tally, stop = Tally(connector, keys), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(report_progress(tally, args.count, started, stop))
        result = await run_worker(db, seconds=args.timeout, script=__file__, **worker_options(args, 300.0))
        elapsed = result.get("ended_at", time.monotonic()) - result.get("started_at", started)
        stop.set()
        await ticker
        tally.update()
    finally:
        await connector.stop()
    rows = (
        [("recipients", f"{args.count:,}")]
        + rate_rows(tally, args, elapsed)
        + await outcome_rows(db, tally, keys, args)
    )
    print_table(
        f"Phase A ({args.backend}, an announcement to {args.count:,} staff, one worker)", rows + worker_rows(result)
    )
    print(f"\ndispatcher outcomes: {result.get('outcomes')}; ticks: {result.get('ticks')}")
    lost = tally.lost(keys.all)
    first, last = copy_span(connector, keys)
    rate = (args.count - 1) / (last - first) if last > first else 0.0
    checks = [
        (bool(result.get("finished")), f"phase A: the announcement reached Done within {args.timeout:.0f} s"),
        (not lost, f"phase A no losses ({len(lost)} lost)"),
        (tally.duplicates() == 0, f"phase A no duplicates without a crash ({tally.duplicates()})"),
        (tally.updates >= 2, f"phase A the progress card was updated in place ({tally.updates} times)"),
        (rate >= 0.9 * args.limit, f"phase A copies at >= 90% of the limit ({rate / args.limit:.1%})"),
    ]
    return report_checks(checks)


async def phase_b(db: Database, args) -> bool:
    connector = crashing_connector(args.limit)
    await connector.start()
    try:
        keys = await seeded(db, args, connector)
        tally, stop = Tally(connector, keys), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(report_progress(tally, args.count, started, stop))
        batch = max(10, int((args.app_rate or 48) * 5))  # mid-batch, as bench/delivery.py does
        kill_after = min(args.count - 1, int(args.count * args.kill_at) // batch * batch + batch // 2)
        crash = await kill_and_restart(
            db,
            connector,
            tally,
            kill_after=kill_after,
            seconds=args.timeout,
            script=__file__,
            **worker_options(args, args.lease_seconds),
        )
        stop.set()
        await ticker
        tally.update()
    finally:
        await connector.stop()
    rows = (
        [("recipients", f"{args.count:,}")]
        + rate_rows(tally, args, crash.elapsed)
        + await outcome_rows(db, tally, keys, args)
        + [
            ("killed after", f"{crash.killed_after:.1f} s, {crash.delivered_at_kill:,} copies delivered"),
            ("rows 'sending' (claimed) at the kill", f"{crash.sending_at_kill:,}"),
            ("in flight at the kill (claimed, already accepted by the connector)", f"{len(crash.in_flight)}"),
            ("dispatcher concurrency (upper bound on in flight)", f"{args.concurrency}"),
        ]
        + worker_rows(crash.second_worker)
    )
    print_table(f"Phase B ({args.backend}, {args.count:,} staff, SIGKILL at {args.kill_at:.0%}, restart)", rows)
    print(f"\nsecond worker: outcomes {crash.second_worker.get('outcomes')}, ticks {crash.second_worker.get('ticks')}")
    print(f"the message accepted at the kill: {at_the_kill(connector, keys)}")
    for key in sorted(tally.duplicated_keys(), key=str):
        times = [r.at - connector.killed_at for r in connector.delivered() if r.method == "POST" and keys(r) == key]
        print(f"  delivered twice: {key} at {', '.join(f'{t:+.2f} s' for t in times)} from the kill")
    lost = tally.lost(keys.all)
    stray = tally.duplicated_keys() - crash.in_flight
    dups = tally.duplicates()
    checks = [
        (bool(crash.second_worker.get("finished")), "phase B: the restarted worker took the announcement to Done"),
        (not lost, f"phase B no losses ({len(lost)} lost)"),
        (
            dups <= len(crash.in_flight) <= args.concurrency and not stray,
            f"phase B duplicates <= in flight ({dups} <= {len(crash.in_flight)} <= concurrency {args.concurrency}; "
            f"{len(stray)} duplicated people who were not in flight)",
        ),
    ]
    return report_checks(checks)


def at_the_kill(connector, keys: Keys) -> str:
    """The request whose acceptance triggered the SIGKILL (the last one accepted up to the kill)."""
    before = [r for r in connector.delivered() if connector.killed_at is not None and r.at <= connector.killed_at]
    if not before:
        return "-"
    last = max(before, key=lambda r: r.at)
    return f"{last.method} to {'the author' if last.method == 'PUT' else keys(last)}"


def rate_rows(tally: Tally, args, elapsed: float) -> list[tuple[str, str]]:
    """bench/_delivery.py's rate figures; here the run is from the worker's start to the announcement Done with its
    last card update sent (so it includes the first tick's feeding and the wait for the tick that says Done)."""
    rows = tally.rates(args.limit, elapsed)
    return [("elapsed (worker start to Done, last card update sent)", rows[0][1])] + rows[1:]


def worker_options(args, lease_seconds: float) -> dict:
    return dict(lease_seconds=lease_seconds, concurrency=args.concurrency, app_rate=args.app_rate)


def report_checks(checks: list[tuple[bool, str]]) -> bool:
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return all(ok for ok, _ in checks)


# ------------------------------------------------------------------------------------------ the worker process


class TickTimes:
    """The SchedulerRunner's observer: runs and errors per tick."""

    def __init__(self) -> None:
        self.runs: collections.Counter = collections.Counter()

    def leading(self, leading: bool) -> None:
        pass

    def tick_ran(self, name: str, outcome: str) -> None:
        self.runs[f"{name} {outcome}"] += 1


async def schedule_until_done(db: Database, *, deadline: float, app_rate, lease_seconds: float, concurrency: int):
    """What the app's scheduler runs (build_ticks: the dispatcher every second, draining up to 20 batches; the
    announcements' tick as its TickSpec says), under the real SchedulerRunner, until every announcement is done and
    no outbox row is pending or sending."""
    from bot import registry
    from bot.config import Config
    from bot.links import SignedLinks
    from core.announcements import ticks as announcement_ticks
    from core.announcements.model import Status
    from core.kernel.clock import SystemClock
    from scheduler.runner import SchedulerRunner, Tick
    from scheduler.ticks import build_ticks
    from storage.leader import SoleLeader

    engine = db.engine()
    uow_factory = registry.uow_factory(engine)
    config, clock, content = Config(), SystemClock(), registry.load_content()
    messages = registry.messages(content, SignedLinks("http://127.0.0.1/", "bench-secret-" * 3), config)
    registry.wire(content)
    outcomes, observer, tick_seconds = Outcomes(), TickTimes(), []
    dispatcher = bench_dispatcher(
        uow_factory, app_rate=app_rate, lease_seconds=lease_seconds, concurrency=concurrency, observer=outcomes
    )
    ticks = build_ticks(
        dispatcher=dispatcher,
        uow_factory=uow_factory,
        clock=clock,
        content=content,
        capability_ticks=[(spec, messages["announcements"]) for spec in announcement_ticks.TICKS],
    )

    def timed(tick: Tick) -> Tick:
        async def run():
            began = time.monotonic()
            try:
                return await tick.run()
            finally:
                tick_seconds.append(time.monotonic() - began)

        return Tick(tick.name, run, every_seconds=tick.every_seconds, cron=tick.cron)

    ticks = [timed(t) if t.name.startswith("announcements.") else t for t in ticks]
    # One worker at a time in the bench: the sole leader (PostgreSQL's advisory lock is database-wide, and other
    # schemas in the same database may be in use).
    runner = SchedulerRunner(SoleLeader(), ticks, timezone=content.organisation.timezone, observer=observer)
    finished = False
    cpu_before, started_at = time.process_time(), time.monotonic()
    runner.start()
    try:
        while time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            async with uow_factory() as uow:
                # Announcements first: the tick that marks one Done queues its last card update in the same
                # commit, so the outbox read after it sees that row (on PostgreSQL each statement sees the latest
                # commit; read the other way round, a commit between the two reads stopped the worker early).
                active = await uow.announcements.active(since=clock.now())
                counts = await uow.outbox.status_counts()
            if not counts.get("pending") and not counts.get("sending") and all(a.status == Status.DONE for a in active):
                finished = True
                break
    finally:
        await runner.stop()
        await engine.dispose()
    return {
        "outcomes": dict(outcomes.counts),
        "finished": finished,
        "final_rate": dispatcher.bucket.rate,
        "rate_cuts": dispatcher.adaptive.cuts,
        "cpu_seconds": time.process_time() - cpu_before,
        "started_at": started_at,
        "ended_at": time.monotonic(),
        "ticks": dict(observer.runs),
        "tick_seconds": tick_seconds,
    }


def worker_main() -> int:
    """The same arguments as bench/_delivery.py's worker (`worker_command` builds them)."""
    parser = argparse.ArgumentParser(description="the scheduler's ticks (dispatcher, announcements) for the bench")
    parser.add_argument("worker")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--lease-seconds", type=float, default=300.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--app-rate", type=float)
    parser.add_argument("--profile", help="ignored here")
    args = parser.parse_args()
    quiet()
    result = asyncio.run(
        schedule_until_done(
            Database(args.database_url, args.schema),
            deadline=time.monotonic() + args.timeout,
            app_rate=args.app_rate,
            lease_seconds=args.lease_seconds,
            concurrency=args.concurrency,
        )
    )
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["finished"] else 1


# ------------------------------------------------------------------------------------------------ the bench


async def bench(args: argparse.Namespace) -> int:
    from bot import registry
    from bot.config import Config
    from core.announcements import ticks as announcement_ticks

    args.backend = "PostgreSQL" if args.database_url else "SQLite"
    config, rules = Config(), registry.load_content().announcements.rules
    every = ", ".join(f"{t.name} every {t.every_seconds:g} s" for t in announcement_ticks.TICKS)
    print(f"machine: {machine()}; {load()}")
    print(
        f"an announcement to {args.count:,} staff in one tenant on {args.backend}; {every} (feeds "
        f"{rules.feed_per_tick:,} a tick, at most {rules.queue_window:,} waiting in the outbox); dispatcher every "
        f"1 s, ceiling {args.app_rate or config.send_rate:g}/s (AIMD on 429s), concurrency {args.concurrency}; "
        f"fake connector limit {args.limit:g} requests/s per tenant (429 + Retry-After: 1 above it)"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="qibot-announcements-") as tmp:
        if args.phase in ("A", "both"):
            print("\nphase A: one worker, no crash", flush=True)
            async with fresh_database(args.database_url, Path(tmp), "phase_a") as db:
                ok &= await phase_a(db, args)
        if args.phase in ("B", "both"):
            print(f"\nphase B: SIGKILL the worker at {args.kill_at:.0%}, restart (lease {args.lease_seconds:g} s)")
            async with fresh_database(args.database_url, Path(tmp), "phase_b") as db:
                ok &= await phase_b(db, args)
    print(f"\n{load()}")
    return 0 if ok else 1


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=15_000, help="staff in the audience (default 15000)")
    parser.add_argument("--phase", choices=["A", "B", "both"], default="both")
    parser.add_argument("--app-rate", type=float, default=None, help="dispatcher ceiling (default: Config)")
    parser.add_argument("--limit", type=float, default=50.0, help="connector's requests/s per tenant (50)")
    parser.add_argument("--concurrency", type=int, default=16, help="dispatcher concurrency (default 16)")
    parser.add_argument("--lease-seconds", type=float, default=5.0, help="phase B lease (default 5)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="phase B: kill at this fraction delivered")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per phase (default 2x ideal + 3 min)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (a throw-away schema per phase)")
    args = parser.parse_args(argv)
    if args.timeout is None:
        args.timeout = 2 * args.count / args.limit + 180
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quiet()
    return asyncio.run(bench(args))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        sys.exit(worker_main())
    sys.exit(main())
