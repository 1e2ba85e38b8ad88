"""Proactive delivery: N nudges through the outbox Dispatcher and the real BotFrameworkSender (botbuilder's
CloudAdapter.continue_conversation, development mode: no token) to a FakeConnector that allows 50 requests/s
per tenant and answers 429 + Retry-After above that. All users are in one tenant.

Phase A: one dispatcher (in this process) sends everything; figures: elapsed, delivered rate (and as a
         fraction of the 50/s limit), 429s, the busiest second seen by the connector, duplicates, losses.
Phase B: the dispatcher runs in a worker subprocess that is SIGKILLed after --kill-at of the rows are
         delivered (moved to the middle of that dispatcher batch, so that sends are in flight); a second
         worker (short lease, so the dead worker's claims are reclaimed) finishes the job.
         The connector stays in this process and sees both workers. Checks: nothing lost, and duplicates are
         no more than the sends in flight at the kill (rows still 'sending' in the database whose message the
         connector had already accepted: sent, but the outcome never recorded).

Each message's text carries its outbox dedupe key, so the connector can count deliveries per row.

    .venv/bin/python bench/delivery.py                      # 14,000 nudges, SQLite, phases A and B (~14 min)
    .venv/bin/python bench/delivery.py --count 500          # quick
    .venv/bin/python bench/delivery.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
from _common import load, machine, postgres_schema, quiet

TENANT = "tenant-bench"
KEY_PREFIX = "bench:"
DEV_AUTH = dict(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")


# ------------------------------------------------------------------------------------------------ database


def engine_for(url: str, schema: str | None):
    from storage.db import create_engine

    return create_engine(url, schema=schema)


async def seed(url: str, schema: str | None, *, count: int, users: int, service_url: str) -> float:
    """Users, their personal conversation addresses and `count` outbox rows due now. Returns seconds taken."""
    from core.kernel.clock import SystemClock
    from core.kernel.model import OutboundMessage
    from storage.migrate import upgrade
    from storage.uow import SqlUnitOfWorkFactory
    from tests.fakes import teams_address

    started = time.perf_counter()
    engine = engine_for(url, schema)
    try:
        await upgrade(engine)
        uow_factory = SqlUnitOfWorkFactory(engine)
        now = SystemClock().now()
        ids: list[tuple[int, int]] = []  # (user id, address id) per bench user
        async with uow_factory() as uow:
            for n in range(users):
                address = teams_address(n, service_url=service_url, tenant=TENANT)
                user = await uow.users.add(
                    teams_user_id=address.user_teams_id,
                    aad_object_id=address.user_aad_id,
                    tenant_id=TENANT,
                    name=address.user_name,
                    now=now,
                )
                stored = await uow.addresses.upsert(user.id, address, now=now)
                ids.append((user.id, stored.id))
                if n % 1000 == 999:
                    await uow.commit()
            for i in range(count):
                user_id, address_id = ids[i % users]
                key = f"{KEY_PREFIX}{i}"
                added = await uow.outbox.add(
                    dedupe_key=key,
                    user_id=user_id,
                    address_id=address_id,
                    category="bench",
                    message=OutboundMessage(text=f"Your QI nudge {key}"),
                    due_at=now,
                    counts_to_budget=False,
                    now=now,
                )
                assert added, key
                if i % 1000 == 999:
                    await uow.commit()
            await uow.commit()
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def outbox_state(url: str, schema: str | None) -> tuple[dict[str, int], dict[str, str]]:
    """Status counts, and the status of every row by dedupe key."""
    from sqlalchemy import select

    from storage.tables import outbox

    engine = engine_for(url, schema)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(outbox.c.dedupe_key, outbox.c.status))).all()
    finally:
        await engine.dispose()
    status = {key: state for key, state in rows}
    return dict(Counter(status.values())), status


# -------------------------------------------------------------------------------------------------- worker


@dataclass
class Outcomes:
    counts: Counter = field(default_factory=Counter)

    def delivered(self, outcome: str, latency_seconds: float | None = None) -> None:
        self.counts[outcome] += 1


async def dispatch_all(
    url: str,
    schema: str | None,
    *,
    app_rate: float,
    lease_seconds: float,
    concurrency: int,
    batch_size: int | None,
    deadline: float,
) -> dict:
    """Run the dispatcher as the scheduler does (drain up to 20 batches a tick, a tick a second) until no row
    is pending or sending, or the deadline passes. Returns the outcome counts."""
    from types import SimpleNamespace

    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    from bot.sender import BotFrameworkSender
    from core.kernel.clock import SystemClock
    from scheduler.dispatcher import Dispatcher
    from storage.uow import SqlUnitOfWorkFactory

    engine = engine_for(url, schema)
    outcomes = Outcomes()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(SimpleNamespace(**DEV_AUTH)))
    uow_factory = SqlUnitOfWorkFactory(engine)
    dispatcher = Dispatcher(
        uow_factory,
        BotFrameworkSender(adapter, app_id=""),
        SystemClock(),
        app_rate=app_rate,
        lease_seconds=lease_seconds,
        concurrency=concurrency,
        batch_size=batch_size,
        observer=outcomes,
    )
    finished = False
    try:
        while time.monotonic() < deadline:
            if await dispatcher.drain(max_batches=20):
                continue
            async with uow_factory() as uow:
                counts = await uow.outbox.status_counts()
            if not counts.get("pending") and not counts.get("sending"):
                finished = True
                break
            await asyncio.sleep(1.0)  # the scheduler's tick
    finally:
        await engine.dispose()
    return {"outcomes": dict(outcomes.counts), "finished": finished}


def worker_main(args: argparse.Namespace) -> int:
    quiet()
    result = asyncio.run(
        dispatch_all(
            args.database_url,
            args.schema,
            app_rate=args.app_rate,
            lease_seconds=args.lease_seconds,
            concurrency=args.concurrency,
            batch_size=args.batch_size,
            deadline=time.monotonic() + args.timeout,
        )
    )
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["finished"] else 1


# ------------------------------------------------------------------------------------------------ analysis


def key_of(received) -> str | None:
    words = (received.text or "").split()
    return words[-1] if words and words[-1].startswith(KEY_PREFIX) else None


def busiest_second(times: list[float]) -> int:
    """The most events in any 1-second sliding window."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclass
class Tally:
    """What the connector saw, incrementally (the received list only grows)."""

    connector: object
    seen: int = 0
    accepted: Counter = field(default_factory=Counter)
    throttled: int = 0
    other: int = 0

    def update(self) -> int:
        received = self.connector.received
        for r in received[self.seen :]:
            if 200 <= r.status < 300:
                self.accepted[key_of(r)] += 1
            elif r.status == 429:
                self.throttled += 1
            else:
                self.other += 1
        self.seen = len(received)
        return sum(self.accepted.values())


@dataclass
class Report:
    label: str
    count: int
    elapsed: float
    tally: Tally
    statuses: dict[str, int]
    row_status: dict[str, str]
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return [f"{KEY_PREFIX}{i}" for i in range(self.count)]

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for key, n in self.tally.accepted.items() if n > 1)

    @property
    def duplicated_keys(self) -> set[str]:
        return {key for key, n in self.tally.accepted.items() if n > 1}

    @property
    def lost(self) -> list[str]:
        return [key for key in self.keys if not self.tally.accepted.get(key)]

    def figures(self, limit: float) -> list[tuple[str, str]]:
        received = self.tally.connector.received
        ok_times = [r.at for r in received if 200 <= r.status < 300]
        delivered = len(ok_times)
        span = (max(ok_times) - min(ok_times)) if len(ok_times) > 1 else float("nan")
        steady = (delivered - 1) / span if span and span == span else float("nan")
        rate = delivered / self.elapsed
        return [
            ("rows", f"{self.count:,}"),
            ("elapsed (first claim to last row final)", f"{self.elapsed:.1f} s"),
            ("delivered (2xx at the connector)", f"{delivered:,}"),
            ("delivered rate, whole phase", f"{rate:.1f}/s ({rate / limit:.0%} of the {limit:g}/s limit)"),
            ("delivered rate, first to last delivery", f"{steady:.1f}/s ({steady / limit:.0%} of the limit)"),
            (
                "busiest second at the connector (all requests / accepted)",
                f"{busiest_second([r.at for r in received])} / {busiest_second(ok_times)}",
            ),
            ("429s received", f"{self.tally.throttled:,}"),
            ("other non-2xx", f"{self.tally.other:,}"),
            ("duplicates (extra deliveries of a row)", f"{self.duplicates:,}"),
            ("losses (rows never delivered)", f"{len(self.lost):,}"),
            ("final outbox status", ", ".join(f"{k} {v:,}" for k, v in sorted(self.statuses.items()))),
        ]


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}\n")
    print("| figure | value |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


# ------------------------------------------------------------------------------------------------- phases


@dataclass
class Database:
    url: str
    schema: str | None = None


async def progress(
    tally: Tally,
    count: int,
    started: float,
    stop: asyncio.Event,
    every: float = 30.0,
) -> None:
    while not stop.is_set():
        try:
            async with asyncio.timeout(every):
                await stop.wait()
        except TimeoutError:
            done = tally.update()
            elapsed = time.monotonic() - started
            print(
                f"  {elapsed:6.0f} s: {done:,}/{count:,} delivered ({done / elapsed:.1f}/s), {tally.throttled} 429s",
                flush=True,
            )


async def phase_a(db: Database, args: argparse.Namespace) -> Report:
    from tests.fake_connector import FakeConnector

    connector = FakeConnector(rate_limit=args.limit)
    await connector.start()
    try:
        seconds = await seed(db.url, db.schema, count=args.count, users=args.users, service_url=connector.url)
        print(f"  seeded {args.users:,} users and {args.count:,} outbox rows in {seconds:.1f} s", flush=True)
        tally, stop = Tally(connector), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(progress(tally, args.count, started, stop))
        result = await dispatch_all(
            db.url,
            db.schema,
            app_rate=args.app_rate,
            lease_seconds=300.0,
            concurrency=args.concurrency,
            batch_size=args.batch_size,
            deadline=started + args.timeout,
        )
        elapsed = time.monotonic() - started
        stop.set()
        await ticker
        tally.update()
        if not result["finished"]:
            print(f"  phase A did not finish within --timeout {args.timeout:.0f} s")
    finally:
        await connector.stop()
    statuses, row_status = await outbox_state(db.url, db.schema)
    return Report("A", args.count, elapsed, tally, statuses, row_status, result["outcomes"])


def worker_command(db: Database, args: argparse.Namespace, *, timeout: float) -> list[str]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--database-url",
        db.url,
        "--app-rate",
        str(args.app_rate),
        "--lease-seconds",
        str(args.lease_seconds),
        "--concurrency",
        str(args.concurrency),
        "--timeout",
        str(timeout),
    ]
    if db.schema:
        command += ["--schema", db.schema]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    return command


@dataclass
class KillReport:
    report: Report
    delivered_at_kill: int
    sending_at_kill: int
    in_flight: set[str]
    killed_after: float
    second_worker: dict


def crashing_connector(limit: float):
    """The FakeConnector, plus: when the N-th message is accepted, SIGKILL the worker before answering it.

    So the crash lands mid-send: that message reached the connector, but its sender never learns so."""
    from tests.fake_connector import FakeConnector

    class CrashingConnector(FakeConnector):
        victim: int | None = None
        kill_after: int = 0
        accepted: int = 0
        killed_at: float | None = None

        async def _post(self, request):
            response = await super()._post(request)
            if 200 <= response.status < 300:
                self.accepted += 1
                if self.victim is not None and self.accepted >= self.kill_after:
                    os.kill(self.victim, signal.SIGKILL)
                    self.victim, self.killed_at = None, time.monotonic()
            return response

    return CrashingConnector(rate_limit=limit)


async def phase_b(db: Database, args: argparse.Namespace) -> KillReport:
    connector = crashing_connector(args.limit)
    await connector.start()
    try:
        seconds = await seed(db.url, db.schema, count=args.count, users=args.users, service_url=connector.url)
        print(f"  seeded {args.users:,} users and {args.count:,} outbox rows in {seconds:.1f} s", flush=True)
        tally, stop = Tally(connector), asyncio.Event()
        started = time.monotonic()
        ticker = asyncio.create_task(progress(tally, args.count, started, stop))
        first = await asyncio.create_subprocess_exec(
            *worker_command(db, args, timeout=args.timeout), stdout=asyncio.subprocess.PIPE
        )
        # Kill in the middle of the batch holding the --kill-at point (claimed rows wait for tokens), and while
        # a message is being accepted (so at least one send is in flight).
        batch = args.batch_size or max(10, int(args.app_rate * 5))
        connector.kill_after = min(args.count - 1, int(args.count * args.kill_at) // batch * batch + batch // 2)
        connector.victim = first.pid
        try:
            async with asyncio.timeout(args.timeout):
                await first.wait()
        except TimeoutError:
            first.kill()
            raise TimeoutError("the first worker did not reach the kill point in time") from None
        if connector.killed_at is None:
            raise RuntimeError(f"the first worker exited ({first.returncode}) before it could be killed")
        killed_after = connector.killed_at - started
        # Requests the dead worker had already written may still be read from the socket: let them land.
        await asyncio.sleep(1.0)
        delivered_at_kill = tally.update()
        accepted_at_kill = set(tally.accepted)
        statuses, row_status = await outbox_state(db.url, db.schema)
        sending = {key for key, state in row_status.items() if state == "sending"}
        in_flight = sending & accepted_at_kill
        print(
            f"  killed the first worker after {killed_after:.1f} s: {delivered_at_kill:,} delivered, "
            f"{len(sending)} rows 'sending' (claimed), of which {len(in_flight)} already accepted by the "
            f"connector (in flight); outbox: {statuses}",
            flush=True,
        )

        remaining = max(60.0, args.timeout - (time.monotonic() - started))
        second = await asyncio.create_subprocess_exec(
            *worker_command(db, args, timeout=remaining), stdout=asyncio.subprocess.PIPE
        )
        out, _ = await second.communicate()
        elapsed = time.monotonic() - started
        stop.set()
        await ticker
        tally.update()
        lines = [line for line in out.decode().splitlines() if line.startswith("RESULT ")]
        second_result = json.loads(lines[-1][len("RESULT ") :]) if lines else {"finished": False}
        if not second_result.get("finished"):
            print(f"  the second worker did not finish (exit code {second.returncode})")
    finally:
        await connector.stop()
    statuses, row_status = await outbox_state(db.url, db.schema)
    report = Report("B", args.count, elapsed, tally, statuses, row_status, second_result.get("outcomes", {}))
    return KillReport(report, delivered_at_kill, len(sending), in_flight, killed_after, second_result)


async def with_database(args: argparse.Namespace, tmp: Path, name: str, phase):
    if args.database_url:
        async with postgres_schema(args.database_url) as schema:
            return await phase(Database(args.database_url, schema), args)
    return await phase(Database(f"sqlite+aiosqlite:///{tmp}/{name}.db"), args)


async def bench(args: argparse.Namespace) -> int:
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {machine()}; {load()}")
    print(
        f"{args.count:,} nudges to {args.users:,} users in one tenant on {backend}; dispatcher app_rate "
        f"{args.app_rate:g}/s, conversation_rate 7/s, concurrency {args.concurrency}; fake connector limit "
        f"{args.limit:g} requests/s per tenant (429 + Retry-After: 1 above it)"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="qibot-delivery-") as tmp:
        if args.phase in ("A", "both"):
            print("\nphase A: one dispatcher, no crash", flush=True)
            a = await with_database(args, Path(tmp), "phase_a", phase_a)
            print_table(f"Phase A ({backend}, {args.count:,} nudges)", a.figures(args.limit))
            print(f"\ndispatcher outcomes: {a.outcomes}")
            no_loss, no_dup = not a.lost, a.duplicates == 0
            print(f"{'PASS' if no_loss else 'FAIL'}: phase A no losses ({len(a.lost)} lost)")
            print(f"{'PASS' if no_dup else 'FAIL'}: phase A no duplicates without a crash ({a.duplicates})")
            ok &= no_loss and no_dup
        if args.phase in ("B", "both"):
            print(
                f"\nphase B: worker subprocess SIGKILLed at {args.kill_at:.0%}, a second worker finishes "
                f"(lease {args.lease_seconds:g} s)",
                flush=True,
            )
            b = await with_database(args, Path(tmp), "phase_b", phase_b)
            r = b.report
            rows = r.figures(args.limit) + [
                ("killed after", f"{b.killed_after:.1f} s, {b.delivered_at_kill:,} delivered"),
                ("rows 'sending' (claimed) at the kill", f"{b.sending_at_kill:,}"),
                ("in flight at the kill (claimed, already accepted by the connector)", f"{len(b.in_flight)}"),
                ("dispatcher concurrency (upper bound on in flight)", f"{args.concurrency}"),
            ]
            print_table(f"Phase B ({backend}, {args.count:,} nudges, crash at {args.kill_at:.0%})", rows)
            print(f"\nsecond worker outcomes: {r.outcomes}")
            stray = r.duplicated_keys - b.in_flight
            no_loss = not r.lost
            bounded = r.duplicates <= len(b.in_flight) and not stray and len(b.in_flight) <= args.concurrency
            print(f"{'PASS' if no_loss else 'FAIL'}: phase B no losses ({len(r.lost)} lost)")
            print(
                f"{'PASS' if bounded else 'FAIL'}: phase B duplicates <= in flight "
                f"({r.duplicates} <= {len(b.in_flight)} <= concurrency {args.concurrency}; "
                f"{len(stray)} duplicated rows that were not in flight)"
            )
            ok &= no_loss and bounded
    print(f"\n{load()}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=14_000, help="outbox rows (default 14000)")
    parser.add_argument("--users", type=int, default=0, help="distinct users (default: one per row)")
    parser.add_argument("--phase", choices=["A", "B", "both"], default="both")
    parser.add_argument(
        "--app-rate", type=float, default=None, help="dispatcher's app-wide rate (default: Config().send_rate)"
    )
    parser.add_argument("--limit", type=float, default=50.0, help="connector's requests/s per tenant (50)")
    parser.add_argument("--concurrency", type=int, default=16, help="dispatcher concurrency (default 16)")
    parser.add_argument("--batch-size", type=int, default=None, help="dispatcher batch (default app_rate*5)")
    parser.add_argument("--lease-seconds", type=float, default=5.0, help="phase B lease (default 5)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="phase B: kill at this fraction delivered")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds allowed per phase (default: twice the ideal time + 2 min)"
    )
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL to run on (a throw-away schema per phase) instead of SQLite"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app_rate is None:
        from bot.config import Config

        args.app_rate = Config().send_rate
    if args.worker:
        return worker_main(args)
    args.users = args.users or args.count
    if args.timeout is None:
        args.timeout = 2 * args.count / args.app_rate + 120
    quiet()
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
