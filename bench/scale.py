"""The bot at a trust's size: five years of synthetic data (storage/scale), then how long each report, turn and
scheduler tick takes, and the bot's resident memory, on SQLite and PostgreSQL.

For each database: a subprocess writes the synthetic trust (`--generate`, as `qibot demo scale` does); another
(`--measure`) composes the bot as bot/app.py does (create_app on that engine, scheduler off, so its memory is the
bot's) and runs, one at a time, through the real router and dialogs with a SQL unit of work per turn (as bot/teams.py
does: record the contact and commit, route, commit or roll back, serialise the card):
  - each report an admin opens (REPORTS below: the admin card and every capability's report), `--runs` times;
  - the people's turns (TURNS below: `my progress`, `my projects`, `book clinic`), `--runs` times each;
  - every registered scheduler tick once on the data as generated (catching up) and once more (steady state);
then prints p50/p95 and the resident memory (VmRSS now, VmHWM peak) against the targets of issue 16.

    .venv/bin/python bench/scale.py                           # full size, SQLite and PostgreSQL
    .venv/bin/python bench/scale.py --scale 0.1 --runs 10     # a tenth of the trust, quicker
    .venv/bin/python bench/scale.py --no-postgres             # SQLite only (--no-sqlite: PostgreSQL only)

PostgreSQL: --database-url (default postgresql://postgres@127.0.0.1:5432/test), in a throw-away schema.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import _common  # noqa: F401 - puts the repository root on sys.path
from _common import load, machine, percentile, postgres_schema, quiet

TARGETS = {"report": 300.0, "turn": 100.0, "tick": 5000.0, "rss": 250.0}  # ms, ms, ms, MB
TODAY = date(2026, 11, 25)  # a Wednesday: ticks run at 10:00 London on it, inside working hours
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

# What an admin opens, as (name, what is sent): text is a typed command, "verb:" a card button. The programme
# dashboard (`measures`) is one more row here once it is merged.
REPORTS: tuple[tuple[str, str], ...] = (
    ("admin card (clinics: staff supported)", "admin"),
    ("learning report", "verb:learning.report"),
    ("projects report", "verb:projects.report"),
    ("sets report", "sets report"),
    ("forum report", "forum report"),
    ("events report", "events report"),
    ("surveys report", "survey report"),
    ("coaching report", "coaching report"),
    ("programme measures (the dashboard card)", "measures"),
)
# The people's turns, as (name, what is sent, who sends it: a query for the busiest such person).
TURNS: tuple[tuple[str, str, str], ...] = (
    ("my progress", "my progress", "learner"),
    ("my projects", "my projects", "lead"),
    ("book clinic", "book clinic", "staff"),
)
WHO = {
    # The learner with the most reviews, the lead with the most data points: the slowest of their kind.
    "learner": "SELECT user_id FROM learning_reviews GROUP BY user_id ORDER BY COUNT(*) DESC, user_id LIMIT 1",
    "lead": (
        "SELECT p.lead_id FROM projects p JOIN project_measures m ON m.project_id = p.id "
        "JOIN measure_points d ON d.measure_id = m.id GROUP BY p.lead_id ORDER BY COUNT(*) DESC, p.lead_id LIMIT 1"
    ),
    "staff": "SELECT id FROM users WHERE site = 'basildon' ORDER BY id LIMIT 1",
    "admin": "SELECT user_id FROM user_roles WHERE role = 'admin' ORDER BY user_id LIMIT 1",
}


# ------------------------------------------------------------------------------------------- the subprocesses


async def generate(url: str, schema: str | None, seed: int, scale: float) -> None:
    from bot import registry
    from core.surveys.pseudonyms import Pseudonyms
    from storage.db import create_engine
    from storage.migrate import upgrade
    from storage.scale import generate_trust

    engine = create_engine(url, schema=schema)
    await upgrade(engine)
    started = time.perf_counter()
    counts = await generate_trust(
        engine,
        registry.load_content(),
        seed=seed,
        scale=scale,
        today=TODAY,
        pseudonym=Pseudonyms(os.environ.get("QIBOT_SURVEY_KEY") or "bench-survey-key-0123456789").of,
        progress=lambda section, seconds: print(json.dumps({"section": section, "s": seconds}), flush=True),
    )
    print(json.dumps({"generated_s": time.perf_counter() - started, "counts": counts}), flush=True)
    await engine.dispose()


class Bench:
    """The bot's composition (as bot/app.py builds it) and one turn through it."""

    def __init__(self, app, engine, now: datetime) -> None:
        from bot import registry
        from bot.links import SignedLinks

        self.registry = registry
        self.content = registry.load_content()
        self.router = registry.router()
        self.links = SignedLinks("http://127.0.0.1", "bench-link-secret-0123456789abcdef")
        self.messages = registry.messages(self.content, self.links)
        self.uow_factory = registry.uow_factory(engine)
        self.engine = engine
        self.app = app
        self.now = now

    async def who(self, kind: str) -> int:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            return (await conn.execute(text(WHO[kind]))).scalar_one()

    async def address(self, user_id: int):
        from sqlalchemy import select

        from core.kernel.model import ConversationAddress
        from storage.tables import conversation_addresses as a
        from storage.tables import users as u

        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(u.c.teams_user_id, a.c.conversation_id, a.c.user_aad_id)
                    .join(a, a.c.user_id == u.c.id)
                    .where(u.c.id == user_id, a.c.conversation_type == "personal")
                )
            ).first()
        return ConversationAddress(
            "msteams", "https://smba.trafficmanager.net/uk/", row.conversation_id, "personal", "tenant-scale",
            "28:qi-companion", "QI Companion", row.teams_user_id, row.user_aad_id, None,
        )  # fmt: skip

    async def turn(self, address, sent: str) -> float:
        """One turn as bot/teams.py runs it; returns its milliseconds (an error is raised, never timed)."""
        from core.kernel.contacts import record_contact
        from core.kernel.roles import effective_roles
        from dialogs.kit.types import Inbound, Turn

        started = time.perf_counter()
        if sent.startswith("verb:"):
            inbound = Inbound(kind="action", verb=sent[5:], data={}, conversation_id=address.conversation_id)
        else:
            inbound = Inbound(kind="message", text=sent, conversation_id=address.conversation_id)
        async with self.uow_factory() as uow:
            contact = await record_contact(uow, address=address, now=self.now)
            await uow.commit()
            user = replace(contact.user, roles=effective_roles(contact.user, frozenset()))
            turn = Turn(
                user=user, inbound=inbound, uow=uow, content=self.content, now=self.now, links=self.links,
                messages=self.messages,
            )  # fmt: skip
            response = await self.router.route(turn)
            if response.commit:
                await uow.commit()
            else:
                await uow.rollback()
        cards = [m.card for m in response.messages if m.card] + ([response.card] if response.card else [])
        if not cards and not any(m.text for m in response.messages):
            raise RuntimeError(f"{sent!r} gave no reply")
        json.dumps(cards)
        return (time.perf_counter() - started) * 1000

    async def ticks(self) -> list[tuple[str, float, float, str, list[int]]]:
        """Each tick twice: times, what the first run did, and the statements each run sent (the figure a loaded
        machine does not change)."""
        from sqlalchemy import event

        sent = [0]

        def count(*_):
            sent[0] += 1

        event.listen(self.engine.sync_engine, "before_cursor_execute", count)
        rows = []
        for spec, messages in self.registry.ticks(self.messages):
            times, outcomes, statements = [], [], []
            for _ in range(2):
                sent[0] = 0
                started = time.perf_counter()
                async with self.uow_factory() as uow:
                    outcomes.append(await spec.work(uow, content=self.content, messages=messages, now=self.now))
                    await uow.commit()
                times.append((time.perf_counter() - started) * 1000)
                statements.append(sent[0])
            rows.append((spec.name, times[0], times[1], str(outcomes[0])[:40], statements))  # first run's outcome
        event.remove(self.engine.sync_engine, "before_cursor_execute", count)
        return rows


def _memory_mb() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def measure(url: str, schema: str | None, runs: int) -> None:
    from bot.app import create_app
    from bot.config import Config
    from bot.serve import settle_heap
    from storage.db import create_engine

    engine = create_engine(url, schema=schema)
    app = create_app(Config(database_url=url, scheduler_enabled=False), engine=engine)
    await settle_heap()  # the collector settings of `qibot serve`, as the bot runs (bench/turns.py does the same)
    tz = __import__("zoneinfo").ZoneInfo("Europe/London")
    bench = Bench(app, engine, datetime.combine(TODAY, datetime.min.time().replace(hour=10), tzinfo=tz).astimezone(UTC))
    admin = await bench.address(await bench.who("admin"))
    for name, sent in REPORTS:
        times = [await bench.turn(admin, sent) for _ in range(runs + 1)][1:]  # the first warms caches
        print(json.dumps({"report": name, "ms": times}), flush=True)
    for name, sent, kind in TURNS:
        person = await bench.address(await bench.who(kind))
        times = [await bench.turn(person, sent) for _ in range(runs + 1)][1:]
        print(json.dumps({"turn": name, "ms": times}), flush=True)
    for name, first, second, outcome, statements in await bench.ticks():
        tick = {"tick": name, "first_ms": first, "second_ms": second, "outcome": outcome, "statements": statements}
        print(json.dumps(tick), flush=True)
    rss, peak = _memory_mb()
    print(json.dumps({"rss_mb": rss, "peak_mb": peak}), flush=True)
    await engine.dispose()


# ----------------------------------------------------------------------------------------------- the driver


async def _child(*args: str, seconds: float) -> list[dict]:
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, *args, stdout=asyncio.subprocess.PIPE)
    lines = []
    async with asyncio.timeout(seconds):
        async for raw in proc.stdout:
            line = raw.decode().strip()
            if line.startswith("{"):
                lines.append(json.loads(line))
                if "section" in lines[-1]:
                    print(f"    {lines[-1]['section']}: {lines[-1]['s']:.1f} s", flush=True)
        await proc.wait()
    if proc.returncode:
        raise RuntimeError(f"{args[0]} failed with exit code {proc.returncode}")
    return lines


def _verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER"


def _print(name: str, generated: dict, lines: list[dict]) -> bool:
    ok = True
    counts = generated["counts"]
    print(f"\n## {name}: generated in {generated['generated_s']:.0f} s")
    print(
        "rows: "
        + ", ".join(
            f"{t} {counts.get(t, 0):,}"
            for t in (
                "users",
                "clinic_bookings",
                "learning_reviews",
                "projects",
                "measure_points",
                "event_training",
                "survey_responses",
                "forum_posts",
            )
        )  # fmt: skip
    )
    print("\n| what | kind | runs | p50 ms | p95 ms | max ms | target | |")
    print("|---|---|---|---|---|---|---|---|")
    for line in lines:
        kind = "report" if "report" in line else "turn" if "turn" in line else None
        if kind:
            ms = line["ms"]
            p95 = percentile(ms, 95)
            ok &= p95 < TARGETS[kind]
            print(
                f"| {line[kind]} | {kind} | {len(ms)} | {percentile(ms, 50):.1f} | {p95:.1f} | {max(ms):.1f} | "
                f"p95 < {TARGETS[kind]:.0f} | {_verdict(p95, TARGETS[kind])} |"
            )
    print("\n| tick | first run ms | second run ms | statements (1st / 2nd) | first run's outcome | target | |")
    print("|---|---|---|---|---|---|---|")
    for line in lines:
        if "tick" in line:
            worst = max(line["first_ms"], line["second_ms"])
            ok &= worst < TARGETS["tick"]
            print(
                f"| {line['tick']} | {line['first_ms']:.0f} | {line['second_ms']:.0f} | "
                f"{' / '.join(str(n) for n in line.get('statements', []))} | {line['outcome']} | < 5000 | "
                f"{_verdict(worst, TARGETS['tick'])} |"
            )
    memory = next(line for line in lines if "rss_mb" in line)
    ok &= memory["peak_mb"] < TARGETS["rss"]
    print(
        f"\nresident memory of the bot's process: {memory['rss_mb']:.0f} MB now, {memory['peak_mb']:.0f} MB peak "
        f"(target < 250 MB: {_verdict(memory['peak_mb'], TARGETS['rss'])})"
    )
    return ok


async def bench(args: argparse.Namespace) -> int:
    print(f"machine: {machine()}; {load()}")
    print(f"synthetic trust: seed {args.seed}, scale {args.scale}, five years to {TODAY}; {args.runs} runs each")
    common = ["--seed", str(args.seed), "--scale", str(args.scale), "--runs", str(args.runs)]
    ok = True
    with tempfile.TemporaryDirectory(prefix="qibot-scale-") as tmp:
        if not args.no_sqlite:
            ok &= await _one("SQLite", f"sqlite+aiosqlite:///{tmp}/scale.db", None, common, args)
    if not args.no_postgres:
        async with postgres_schema(args.database_url) as schema:
            ok &= await _one("PostgreSQL", args.database_url, schema, common, args)
    print(f"\n{load()}")
    print("PASS: every target met" if ok else "FAIL: a target was missed (OVER above)")
    return 0 if ok else 1


async def _one(name: str, url: str, schema: str | None, common: list[str], args) -> bool:
    where = ["--url", url] + (["--schema", schema] if schema else [])
    print(f"\n{name}: generating ...", flush=True)
    generated = (await _child("--generate", *where, *common, seconds=args.timeout))[-1]
    print(f"{name}: measuring ...", flush=True)
    lines = await _child("--measure", *where, *common, seconds=args.timeout)
    return _print(name, generated, lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the full trust (default); 0.1 = a tenth")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each report and turn (default 30)")
    parser.add_argument("--database-url", default=PG_URL, help=f"PostgreSQL (default {PG_URL})")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per subprocess")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    quiet()
    if args.generate:
        asyncio.run(generate(args.url, args.schema, args.seed, args.scale))
        return 0
    if args.measure:
        asyncio.run(measure(args.url, args.schema, args.runs))
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
