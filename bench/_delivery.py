"""The delivery kit shared by the benchmarks that send outbox rows (bench/delivery.py, and announcements): run the
real dispatcher in this process or in a worker subprocess (this file's `worker` entry point) that can be
SIGKILLed, and count what the fake connector accepted, per outbox row."""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import json
import os
import signal
import sys
import time
import types
from collections.abc import Callable

from _common import Database, outbox_state, percentile, quiet

DEV_AUTH = dict(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")


@dataclasses.dataclass
class Outcomes:
    """The dispatcher's DeliveryObserver: counts outcomes."""

    counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def delivered(self, outcome: str, latency_seconds: float | None = None) -> None:
        self.counts[outcome] += 1


def bench_dispatcher(
    uow_factory,
    *,
    app_rate: float | None = None,
    lease_seconds: float = 300.0,
    concurrency: int = 16,
    batch_size: int | None = None,
    observer=None,
):
    """The dispatcher as the app wires it (create_app: SDK patches, BotFrameworkSender on a CloudAdapter in
    development mode, Config's rates)."""
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    from bot import sdk_patches
    from bot.config import Config
    from bot.sender import BotFrameworkSender
    from core.kernel.clock import SystemClock
    from scheduler.dispatcher import Dispatcher

    sdk_patches.apply()
    config = Config()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(types.SimpleNamespace(**DEV_AUTH)))
    return Dispatcher(
        uow_factory,
        BotFrameworkSender(adapter, app_id=""),
        SystemClock(),
        app_rate=app_rate or config.send_rate,
        conversation_rate=config.conversation_rate,
        lease_seconds=lease_seconds,
        concurrency=concurrency,
        batch_size=batch_size,
        observer=observer,
    )


async def dispatch_until_done(
    db: Database,
    *,
    deadline: float,
    app_rate: float | None = None,
    lease_seconds: float = 300.0,
    concurrency: int = 16,
    batch_size: int | None = None,
) -> dict:
    """The dispatcher (`bench_dispatcher`) as the scheduler runs it (drain up to 20 batches a tick, a tick a
    second), until no row is pending or sending or the deadline passes. Returns outcomes and the final rate."""
    from bot.registry import uow_factory as sql_uow_factory

    engine = db.engine()
    outcomes = Outcomes()
    uow_factory = sql_uow_factory(engine)
    dispatcher = bench_dispatcher(
        uow_factory,
        app_rate=app_rate,
        lease_seconds=lease_seconds,
        concurrency=concurrency,
        batch_size=batch_size,
        observer=outcomes,
    )
    finished = False
    cpu_before, started_at = time.process_time(), time.monotonic()
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
    return {
        "outcomes": dict(outcomes.counts),
        "finished": finished,
        "final_rate": dispatcher.bucket.rate,
        "rate_cuts": dispatcher.adaptive.cuts,
        "cpu_seconds": time.process_time() - cpu_before,
        # CLOCK_MONOTONIC is system-wide on Linux: the parent can compare these with its own clock.
        "started_at": started_at,
        "ended_at": time.monotonic(),
    }


def worker_command(
    db: Database, *, timeout: float, lease_seconds=300.0, concurrency=16, app_rate=None, script: str = __file__
) -> list:
    """The command line of a dispatcher worker subprocess: this file's `worker` entry point, or another script's
    that takes the same arguments (bench/announcements.py: the dispatcher and the announcements' tick)."""
    command = [sys.executable, script, "worker", "--database-url", db.url, "--timeout", str(timeout)]
    command += ["--lease-seconds", str(lease_seconds), "--concurrency", str(concurrency)]
    if db.schema:
        command += ["--schema", db.schema]
    if app_rate:
        command += ["--app-rate", str(app_rate)]
    if os.environ.get("QIBOT_BENCH_PROFILE"):
        command += ["--profile", os.environ["QIBOT_BENCH_PROFILE"]]
    return command


def busiest_second(times: list[float]) -> int:
    """The most events in any 1-second sliding window."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclasses.dataclass
class Tally:
    """What the connector saw, per outbox row (`key_of` reads a row's dedupe key from a received activity),
    incrementally (the received list only grows)."""

    connector: object
    key_of: Callable
    seen: int = 0
    accepted: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    throttled: int = 0
    updates: int = 0  # accepted PUTs (a message updated in place, e.g. a progress card)
    other: int = 0

    def update(self) -> int:
        received = self.connector.received
        for r in received[self.seen :]:
            if 200 <= r.status < 300:
                if r.method == "PUT":
                    self.updates += 1
                else:
                    self.accepted[self.key_of(r)] += 1
            elif r.status == 429:
                self.throttled += 1
            else:
                self.other += 1
        self.seen = len(received)
        return sum(self.accepted.values())

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.accepted.values() if n > 1)

    def duplicated_keys(self) -> set:
        return {key for key, n in self.accepted.items() if n > 1}

    def lost(self, keys) -> list:
        return [key for key in keys if not self.accepted.get(key)]

    def rates(self, limit: float, elapsed: float) -> list[tuple[str, str]]:
        received = self.connector.received
        ok = [r.at for r in received if 200 <= r.status < 300]
        span = (max(ok) - min(ok)) if len(ok) > 1 else 0.0
        steady = (len(ok) - 1) / span if span else float("nan")
        rate = len(ok) / elapsed
        per_window = collections.Counter(int((t - ok[0]) // 30) for t in ok)  # 30 s windows from the first delivery
        last = max(per_window, default=0)
        windows = sorted(n for k, n in per_window.items() if k != last) or [0]  # the last, partial one left out
        return [
            ("elapsed (first claim to every row final)", f"{elapsed:.1f} s"),
            ("delivered (2xx at the connector)", f"{len(ok):,}"),
            ("achieved rate, whole run", f"{rate:.1f}/s = {rate / limit:.1%} of the {limit:g}/s limit"),
            ("achieved rate, first to last delivery", f"{steady:.1f}/s = {steady / limit:.1%} of the limit"),
            (
                "30 s windows: median / best rate (how fast it goes when the machine gives it CPU)",
                f"{percentile(windows, 50) / 30:.1f}/s / {windows[-1] / 30:.1f}/s = "
                f"{percentile(windows, 50) / 30 / limit:.0%} / {windows[-1] / 30 / limit:.0%} of the limit",
            ),
            (
                "busiest second at the connector (all requests / accepted)",
                f"{busiest_second([r.at for r in received])} / {busiest_second(ok)}",
            ),
            ("429s received", f"{self.throttled:,}"),
            ("other non-2xx", f"{self.other:,}"),
        ]


def crashing_connector(limit: float):
    """The FakeConnector, plus: when the N-th message is accepted, SIGKILL the victim process before answering.

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


@dataclasses.dataclass
class CrashRun:
    """What `kill_and_restart` saw."""

    elapsed: float
    killed_after: float
    delivered_at_kill: int
    sending_at_kill: int
    in_flight: set
    second_worker: dict


async def run_worker(db: Database, *, seconds: float, **worker) -> dict:
    """A dispatcher worker subprocess, to the end: what it reports (outcomes, finished, its CPU seconds)."""
    process = await asyncio.create_subprocess_exec(
        *worker_command(db, timeout=seconds, **worker), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith("RESULT ")]
    result = json.loads(lines[-1][len("RESULT ") :]) if lines else {"finished": False}
    if not result.get("finished"):
        print(f"  the worker did not finish (exit code {process.returncode})")
    return result


async def kill_and_restart(db: Database, connector, tally: Tally, *, kill_after: int, seconds: float, **worker):
    """A dispatcher worker subprocess is SIGKILLed when the connector accepts message `kill_after`; a second
    worker finishes the job. In flight at the kill = rows still 'sending' whose message the connector had already
    accepted (sent, outcome never recorded): the only rows that may be delivered twice."""
    started = time.monotonic()
    first = await asyncio.create_subprocess_exec(
        *worker_command(db, timeout=seconds, **worker), stdout=asyncio.subprocess.PIPE
    )
    connector.kill_after, connector.victim = kill_after, first.pid
    try:
        async with asyncio.timeout(seconds):
            await first.wait()
    except TimeoutError:
        first.kill()
        raise TimeoutError("the first worker did not reach the kill point in time") from None
    if connector.killed_at is None:
        raise RuntimeError(f"the first worker exited ({first.returncode}) before it could be killed")
    killed_after = connector.killed_at - started
    await asyncio.sleep(1.0)  # requests the dead worker had already written may still be read: let them land
    delivered_at_kill = tally.update()
    accepted_at_kill = set(tally.accepted)
    statuses, row_status = await outbox_state(db)
    sending = {key for key, state in row_status.items() if state == "sending"}
    in_flight = sending & accepted_at_kill
    print(
        f"  SIGKILLed the worker after {killed_after:.1f} s: {delivered_at_kill:,} delivered, {len(sending)} rows "
        f"'sending' (claimed), {len(in_flight)} of them already accepted by the connector (in flight); "
        f"outbox: {statuses}",
        flush=True,
    )
    result = await run_worker(db, seconds=max(60.0, seconds - (time.monotonic() - started)), **worker)
    return CrashRun(time.monotonic() - started, killed_after, delivered_at_kill, len(sending), in_flight, result)


async def report_progress(tally: Tally, count: int, started: float, stop: asyncio.Event, every: float = 30.0):
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


def _worker_main() -> int:
    parser = argparse.ArgumentParser(description="a dispatcher worker for the delivery benchmarks")
    parser.add_argument("worker")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--lease-seconds", type=float, default=300.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--app-rate", type=float)
    parser.add_argument("--profile", help="write a CPU profile (cProfile, process time) to this file")
    args = parser.parse_args()
    quiet()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    result = asyncio.run(
        dispatch_until_done(
            Database(args.database_url, args.schema),
            deadline=time.monotonic() + args.timeout,
            app_rate=args.app_rate,
            lease_seconds=args.lease_seconds,
            concurrency=args.concurrency,
        )
    )
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if result["finished"] else 1


if __name__ == "__main__":
    sys.exit(_worker_main())
