"""How long the programme dashboard takes on five years of a 15,000-staff trust (issue 16: every report p95 under
300 ms). Writes a deterministic synthetic trust with bulk SQL into a fresh database (SQLite file or a PostgreSQL
schema), then times `build_dashboard` (the numbers: every query and all the counting and suppression) and the
full page (the numbers plus four charts and eight icons drawn with matplotlib, and the HTML).

    .venv/bin/python bench/measures.py
    .venv/bin/python bench/measures.py --database-url postgresql://postgres@127.0.0.1:5432/test --runs 20
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import registry  # noqa: E402
from core.measures.dashboard import build_dashboard  # noqa: E402
from core.measures.model import HeadcountRow  # noqa: E402
from core.surveys.model import Audience  # noqa: E402
from dialogs.measures.html import dashboard_html  # noqa: E402
from storage.db import create_engine, normalise_url  # noqa: E402
from storage.events.tables import event_training  # noqa: E402
from storage.learning.tables import learning_awards  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.projects.tables import project_evaluations, projects  # noqa: E402
from storage.surveys.tables import survey_responses  # noqa: E402
from storage.tables import users  # noqa: E402

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
START = datetime(2021, 12, 1, tzinfo=UTC)  # five years
SITES = ("basildon", "broomfield", "southend", "community")
SITE_WEIGHTS = (0.34, 0.30, 0.30, 0.06)
GROUPS = (
    "nursing_midwifery",
    "clinical_support",
    "admin_clerical",
    "medical_dental",
    "ahp",
    "scientific_technical",
    "estates_ancillary",
    "healthcare_scientists",
    "students",
)
GROUP_WEIGHTS = (0.30, 0.20, 0.20, 0.12, 0.07, 0.04, 0.04, 0.02, 0.01)


def when(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.uniform(0, (NOW - START).total_seconds()))


async def bulk(conn, table, rows, chunk=2000):
    for i in range(0, len(rows), chunk):
        await conn.execute(insert(table), rows[i : i + chunk])


async def populate(engine, content, *, staff: int, seed: int) -> None:
    rng = random.Random(seed)
    people = [(rng.choices(SITES, SITE_WEIGHTS)[0], rng.choices(GROUPS, GROUP_WEIGHTS)[0]) for _ in range(staff)]
    async with engine.begin() as conn:
        await bulk(
            conn,
            users,
            [
                {
                    "teams_user_id": f"29:bench-{n}",
                    "aad_object_id": f"aad-bench-{n}",
                    "tenant_id": "t",
                    "name": None,
                    "site": s,
                    "staff_group": g,
                    "experience": "none",
                    "onboarded_at": START,
                    "created_at": START,
                    "updated_at": START,
                }
                for n, (s, g) in enumerate(people)
            ],
        )
        ids = [i for (i,) in await conn.execute(text("SELECT id FROM users ORDER BY id"))]
    uows = registry.uow_factory(engine)
    async with uows() as uow:
        events = []
        for month in range(60):  # one course a month for five years
            day = START + timedelta(days=30 * month + 10)
            events.append(
                await uow.events.add_event(
                    template="fundamentals",
                    kind="course",
                    title="QSIR Fundamentals",
                    site="basildon",
                    venue="Centre",
                    online_url=None,
                    capacity=200,
                    registration_closes_at=day,
                    abstracts_close_at=None,
                    voting_closes_at=None,
                    created_by=None,
                    dates=[(day, day + timedelta(hours=7))],
                    now=START,
                )
            )
        scale = content.surveys.instrument("qi_self_efficacy")
        campaigns = {
            wave: await uow.surveys.add_campaign(
                instrument_id=scale.id,
                instrument_version=scale.version,
                wave=wave,
                series="qsir_course",
                rule_id=None,
                opens_at=START,
                closes_at=NOW + timedelta(days=30),
                reminders=0,
                audience=Audience.EVERYONE,
                audience_value=None,
                created_by=None,
                form_token=f"bench-{wave}",
                now=START,
            )
            for wave in ("before", "after")
        }
        await uow.commit()
    items = [item.id for section in scale.sections for item in section.items]
    trained = rng.sample(ids, 5000)
    async with engine.begin() as conn:
        training = []
        for user_id in trained:
            month = rng.randrange(60)
            training.append(
                {
                    "user_id": user_id,
                    "event_id": events[month],
                    "course": "fundamentals",
                    "completed_on": (START + timedelta(days=30 * month + 10)).date(),
                    "created_at": NOW,
                }
            )
        await bulk(conn, event_training, training)
        await bulk(
            conn,
            learning_awards,
            [{"user_id": u, "award": "QI foundations", "awarded_at": when(rng)} for u in rng.sample(ids, 9000)],
        )
        leads = [rng.choice(ids) for _ in range(2000)]
        await bulk(
            conn,
            projects,
            [
                {
                    "lead_id": lead,
                    "status": "active",
                    "wizard_step": 6,
                    "title": f"Project {n}",
                    "site": people[lead - ids[0]][0],
                    "submitted_at": when(rng),
                    "created_at": START,
                    "updated_at": NOW,
                    "needs_coach": False,
                }
                for n, lead in enumerate(leads)
            ],
        )
        project_ids = [i for (i,) in await conn.execute(text("SELECT id FROM projects ORDER BY id"))]
        await bulk(
            conn,
            project_evaluations,
            [
                {
                    "project_id": p,
                    "results": "r",
                    "decision": "adopt",
                    "sustain": "s",
                    "lessons": "l",
                    "submitted_at": when(rng),
                }
                for p in rng.sample(project_ids, 800)
            ],
        )
        responses = []
        for n in range(10_000):  # 10,000 people answered before; 8,000 of them after: 18,000 responses
            site, group = rng.choice(people)
            before_at = when(rng)
            before = rng.randint(1, 3)
            responses.append(
                _response(campaigns["before"], scale, items, f"p{n}", "before", before, site, group, before_at)
            )
            if n < 8000:
                later = min(4, before + rng.choice((0, 1, 1, 2)))
                after_at = min(NOW - timedelta(hours=1), before_at + timedelta(days=60))
                responses.append(
                    _response(campaigns["after"], scale, items, f"p{n}", "after", later, site, group, after_at)
                )
        await bulk(conn, survey_responses, responses)
    async with uows() as uow:
        heads = {}
        for s, g in people:
            heads[(s, g)] = heads.get((s, g), 0) + 1
        await uow.measures.replace_headcount(
            [HeadcountRow(date(2026, 10, 1), s, g, n) for (s, g), n in heads.items()], now=NOW
        )
        await uow.commit()


def _response(campaign, scale, items, pseudonym, wave, value, site, group, at):
    return {
        "campaign_id": campaign.id,
        "pseudonym": pseudonym,
        "instrument_id": scale.id,
        "instrument_version": scale.version,
        "series": "qsir_course",
        "wave": wave,
        "status": "submitted",
        "section": 0,
        "answers": dict.fromkeys(items, value),
        "site": site,
        "staff_group": group,
        "experience": "none",
        "started_at": at,
        "updated_at": at,
        "submitted_at": at,
    }


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--staff", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the dashboard's runs to FILE")
    args = parser.parse_args()
    content = registry.load_content()
    admin = None
    if args.database_url:
        url = normalise_url(args.database_url)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(url, schema=schema)
    else:
        engine = create_engine(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db")
    try:
        await upgrade(engine)
        began = time.perf_counter()
        await populate(engine, content, staff=args.staff, seed=args.seed)
        print(f"{engine.dialect.name}: synthetic trust written in {time.perf_counter() - began:.1f} s")
        numbers, pages = [], []
        uows = registry.uow_factory(engine)
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        for _ in range(args.runs):
            async with uows() as uow:
                began = time.perf_counter()
                d = await build_dashboard(uow, content=content, now=NOW)
                numbers.append(1000 * (time.perf_counter() - began))
            began = time.perf_counter()
            dashboard_html(d, organisation="Trust", links={})
            pages.append(numbers[-1] + 1000 * (time.perf_counter() - began))
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
            pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
        trained = d.series[0]
        print(f"  staff trained: {trained.cumulative.text} people in all; {d.equity.overall:.1f}% of staff reached")
        print(
            f"  first open, every chart drawn: numbers {numbers[0]:.0f} ms, full page {pages[0]:.0f} ms; later opens "
            "reuse a chart whose series is unchanged (dialogs/measures/charts.py)"
        )
        for name, times in (("dashboard numbers", numbers), ("full page (numbers, charts, HTML)", pages)):
            print(
                f"  {name}: p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms "
                f"({args.runs} runs)"
            )
    finally:
        await engine.dispose()
        if admin is not None:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
