"""Turn latency and throughput of /api/messages, next to a minimal botbuilder echo bot (the SDK's floor).

Each bot runs in its own subprocess (so the load generator does not share its CPU time): our app built with
create_app on a fresh, migrated SQLite file with the scheduler off, or a botbuilder ActivityHandler echo bot
behind the same CloudAdapter, with the same SDK patches as ours (bot/sdk_patches.py) and the same collector
settings as `qibot serve` (bot/serve.py: settle_heap), so the floor is a fair one.
Both are in development mode (no MicrosoftAppId: no JWT validation, replies sent without a token). This process
runs the load generator and a FakeConnector (no rate limit) that receives the replies, so it can check that every
request got its reply. The bots run side by side and are measured in alternating rounds (--rounds), so a change in
the machine's load falls on all of them alike. It prints, at each concurrency, our CPU per turn, p50 and p99 as
multiples of the echo bot's (issue 16's target: at most 2x), and the CPU ratio of each round.

    .venv/bin/python bench/turns.py                         # 1 and 50 in flight, 200 users
    .venv/bin/python bench/turns.py --concurrency 1 --requests-one 500 --users 50
    .venv/bin/python bench/turns.py --database-url postgresql://postgres@127.0.0.1:5432/test  # + PostgreSQL
    .venv/bin/python bench/turns.py --concurrency 1 --profile /tmp/prof  # + where each server's CPU goes

Loopback only; bounded by --requests and --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
from _common import load, machine, percentile, postgres_schema, quiet
from _turn_servers import Server, Target, serve, start, stop

TENANT = "tenant-bench"


# ---------------------------------------------------------------------------------------------- the load


def teams_message(user: int, activity_id: str, service_url: str, text: str) -> dict:
    """A personal-chat message as Teams posts it (the fields the SDK and our handler read)."""
    return {
        "type": "message",
        "id": activity_id,
        "timestamp": datetime.now(UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": f"29:user-{user}", "aadObjectId": f"aad-{user}", "name": f"User {user}"},
        "recipient": {"id": "28:bot", "name": "QI Companion"},
        "conversation": {"id": f"a:conv-{user}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-GB",
        "text": text,
    }


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    ids: list[tuple[str, int]] = field(default_factory=list)  # (activity id, user)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def non_2xx(self) -> int:
        return self.errors + sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def add(self, other: Run) -> None:
        """Another slice of the same bot's requests."""
        self.latencies_ms += other.latencies_ms
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.ids += other.ids


async def drive(url: str, service_url: str, *, phase: str, total: int, users: int, concurrency: int, text: str) -> Run:
    """`total` requests over `users` users, `concurrency` at a time, each user's requests spread out."""
    import aiohttp

    run = Run()
    counter = iter(range(total))
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            user = i % users
            activity_id = f"{phase}-{i}"
            run.ids.append((activity_id, user))
            body = teams_message(user, activity_id, service_url, text)
            started = time.perf_counter()
            try:
                async with session.post(url, json=body) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                run.errors += 1
                continue
            run.latencies_ms.append((time.perf_counter() - started) * 1000)
            run.statuses[status] = run.statuses.get(status, 0) + 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        run.elapsed = time.perf_counter() - started
    return run


@dataclass
class Figures:
    name: str
    kind: str
    concurrency: int
    run: Run
    missing_replies: int
    users_without_reply: int
    users: int
    server_cpu_s: float
    replies: int
    slice_cpu_ms: list[float] = field(default_factory=list)  # CPU ms per turn in each round

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu_s / max(1, self.run.requests) * 1000

    @property
    def rate(self) -> float:
        return self.run.requests / self.run.elapsed

    def p(self, pct: float) -> float:
        return percentile(self.run.latencies_ms, pct)

    def row(self) -> list[str]:
        lat = self.run.latencies_ms
        return [
            self.name,
            str(self.concurrency),
            str(self.run.requests),
            f"{self.p(50):.1f}",
            f"{self.p(95):.1f}",
            f"{self.p(99):.1f}",
            f"{max(lat) if lat else float('nan'):.1f}",
            f"{self.rate:.0f}",
            f"{self.cpu_ms:.2f}",
            f"{self.run.requests - self.run.non_2xx}/{self.run.requests}",
            f"{self.users - self.users_without_reply}/{self.users}",
        ]


HEADER = ["bot", "in flight", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s", "server CPU ms/req", "2xx"]
HEADER.append("users replied")
TARGET_RATIO = 2.0  # issue 16: a turn's CPU, p50 and p99 at most 2x the echo bot's


def print_ratios(results: list[Figures]) -> bool:
    """Ours against the echo bot at the same concurrency: CPU per turn, p50 and p99 (lower is better)."""
    met = True
    print(f"ratios to the echo bot (target: each at most {TARGET_RATIO:.1f}x):")
    for floor in (f for f in results if f.kind == "echo"):
        for f in (f for f in results if f.kind == "ours" and f.concurrency == floor.concurrency):
            ratios = {
                "CPU/turn": f.cpu_ms / floor.cpu_ms,
                "p50": f.p(50) / floor.p(50),
                "p99": f.p(99) / floor.p(99),
            }
            ok = all(r <= TARGET_RATIO for r in ratios.values())
            met &= ok
            shown = ", ".join(f"{k} x{v:.2f}" for k, v in ratios.items())
            print(
                f"  {f.name}, {f.concurrency} in flight: {shown}; throughput {f.rate / floor.rate:.0%} of the "
                f"echo bot's -> {'within' if ok else 'OVER'} target"
            )
            by_round = [ours / echo for ours, echo in zip(f.slice_cpu_ms, floor.slice_cpu_ms, strict=True)]
            if len(by_round) > 1:
                print(f"    CPU/turn ratio round by round: {', '.join(f'x{r:.2f}' for r in by_round)}")
    return met


async def measure(servers: list[Server], args: argparse.Namespace, level: int) -> list[Figures]:
    """Warm every server, then measure them in alternating slices: each round gives each bot an equal share of
    the requests, in turn (the order reversed every other round), so a change in the machine's load while the
    bench runs falls on both bots alike instead of on whichever happened to run then."""
    requests = args.requests if level > 1 else args.requests_one
    users = min(args.users, requests)
    common = dict(users=users, concurrency=level, text=args.text)
    for server in servers:
        # Warm-up: every user's first contact (creates the user and address), imports, pools, caches.
        warm = await drive(server.url, server.connector.url, phase="warm", total=max(args.warmup, users), **common)
        if warm.non_2xx:
            print(f"  warm-up of {server.target.name}: {warm.non_2xx} requests failed ({warm.statuses})")
        server.connector.received.clear()
        server.signal(signal.SIGUSR1)
    await asyncio.sleep(0.1)
    runs = [Run() for _ in servers]
    slices: list[list[tuple[float, int]]] = [[] for _ in servers]  # (server CPU seconds, requests) of each round
    rounds = max(1, min(args.rounds, requests // max(1, level)))
    for number in range(rounds):
        share = requests // rounds + (1 if number < requests % rounds else 0)
        for i in range(len(servers)) if number % 2 == 0 else reversed(range(len(servers))):
            server = servers[i]
            before = server.cpu_seconds()
            part = await drive(server.url, server.connector.url, phase=f"run{number}", total=share, **common)
            slices[i].append((server.cpu_seconds() - before, part.requests))
            runs[i].add(part)
    await asyncio.sleep(0.2)  # replies are sent inside the turn, but leave a moment for stragglers
    for server in servers:
        server.signal(signal.SIGUSR2)
    if any(server.profiled for server in servers):
        await asyncio.sleep(1.0)
    figures = []
    for server, run, rounds_cpu in zip(servers, runs, slices, strict=True):
        replied = {r.activity.get("replyToId") for r in server.connector.delivered()}
        missing = [(activity_id, user) for activity_id, user in run.ids if activity_id not in replied]
        figures.append(
            Figures(
                server.target.name,
                server.target.kind,
                level,
                run,
                len(missing),
                len({user for _, user in missing}),
                users,
                sum(cpu for cpu, _ in rounds_cpu),
                len(server.connector.delivered()),
                [cpu / max(1, n) * 1000 for cpu, n in rounds_cpu],
            )
        )
    return figures


async def bench(args: argparse.Namespace) -> int:
    levels = [int(c) for c in args.concurrency.split(",")]
    print(f"machine: {machine()}; {load()}")
    print(
        f"load: '{args.text}' messages from up to {args.users} users at {levels} in flight "
        f"({args.requests_one} requests one at a time, {args.requests} otherwise, per bot, in {args.rounds} "
        f"alternating rounds), after at least {args.warmup} warm-up requests; loopback; fake connector without a "
        "rate limit"
    )
    results = []
    profile_dir = Path(args.profile) if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qibot-bench-") as tmp:
        for level in levels:
            targets = [Target("QI Companion (SQLite)", "ours", f"sqlite+aiosqlite:///{tmp}/turns-{level}.db")]
            async with contextlib.AsyncExitStack() as stack:
                if args.database_url:
                    schema = await stack.enter_async_context(postgres_schema(args.database_url))
                    targets.append(Target("QI Companion (PostgreSQL)", "ours", args.database_url, schema))
                targets.append(Target("botbuilder echo bot (floor, same SDK patches)", "echo"))
                servers = []
                for target in targets:
                    profile = None
                    if profile_dir and level == levels[0]:
                        db = "pg" if target.schema else "sqlite"
                        profile = str(profile_dir / f"{target.kind}-{db if target.kind == 'ours' else 'x'}.pstats")
                    server = await start(target, __file__, profile)
                    stack.push_async_callback(stop, server)
                    servers.append(server)
                print(f"running {', '.join(t.name for t in targets)} at {level} in flight ...", flush=True)
                results += await measure(servers, args, level)

    print()
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "|".join("---" for _ in HEADER) + "|")
    for f in results:
        print("| " + " | ".join(f.row()) + " |")
    print()
    ok = True
    for f in results:
        print(
            f"{f.name} ({f.concurrency} in flight): status codes {dict(sorted(f.run.statuses.items()))}, "
            f"client errors {f.run.errors}, replies received {f.replies}, requests without a reply "
            f"{f.missing_replies}"
        )
        ok &= f.run.non_2xx == 0 and f.missing_replies == 0
    met = print_ratios(results)
    if profile_dir:
        from _profile import summary

        for path in sorted(profile_dir.glob("*.pstats")):
            turns = args.requests_one if levels[0] == 1 else args.requests
            print(summary(path, turns=turns))
    print(load())
    verdict = "PASS" if ok else "FAIL"
    print(f"{verdict}: every request got a 2xx and every user got its reply at the connector")
    print(f"{'PASS' if met else 'FAIL'}: CPU, p50 and p99 within {TARGET_RATIO:.1f}x of the echo bot's")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="distinct users (default 200)")
    parser.add_argument("--concurrency", default="1,50", help="requests in flight, comma-separated (default 1,50)")
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per bot (default 3000)")
    parser.add_argument(
        "--requests-one", type=int, default=1000, help="measured requests per bot one at a time (default 1000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="alternating slices the measured requests are split into (default 6)"
    )
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests (at least one per user)")
    parser.add_argument("--text", default="help", help="message text (default: help)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per bot (default 600)")
    parser.add_argument(
        "--database-url", default="", help="also run our bot on this PostgreSQL database (in a throw-away schema)"
    )
    parser.add_argument(
        "--profile", default="", help="write cProfile stats of each server at the first concurrency to this folder"
    )
    parser.add_argument("--serve", choices=["ours", "echo"], help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.database_url, args.schema, args.profile or None))
        return 0
    quiet()
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
