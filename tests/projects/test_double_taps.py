"""A double-tap acts once, on SQLite and PostgreSQL (issue 9.4): thirty simultaneous copies of "register
project", of accepting someone to the team, of one PDSA card and of one data card each have the effect of one
(unique keys and the card's nonce, not locks in memory). Submit and approve: tests/projects/test_repository.py."""

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, func, select, text

from core.kernel.errors import DomainError
from core.projects import services as svc
from core.projects.commands import DataPoint, Pdsa
from storage.migrate import downgrade, upgrade
from storage.projects.tables import measure_points, pdsa_cycles, project_members, projects
from storage.tables import UTC_DT
from tests.projects.data import NOW, approved, person

COPIES = 30


async def attempt(uow_factory, work):
    """One copy of the request, in its own unit of work, committed as the bot commits a turn."""
    async with uow_factory() as uow:
        try:
            result = await work(uow)
        except DomainError as refused:
            return type(refused).__name__
        await uow.commit()
        return result


async def race(uow_factory, work) -> list:
    return await asyncio.gather(*(attempt(uow_factory, work) for _ in range(COPIES)))


async def count(engine, table, *where) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(table).where(*where))


async def live_project(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach, colleague = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
        project = await approved(uow, content, lead, coach)
        await uow.commit()
    return lead, coach, colleague, project


async def test_thirty_copies_of_register_project_make_one_draft(uow_factory, engine):
    async with uow_factory() as uow:
        lead = await person(uow, 1)
        await uow.commit()

    async def register(uow):
        draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
        return draft.id

    ids = await race(uow_factory, register)
    assert len(set(ids)) == 1, ids  # every copy is shown the same draft
    assert await count(engine, projects, projects.c.lead_id == lead.id) == 1


async def test_a_returned_project_and_a_new_draft_live_side_by_side(uow_factory, engine, content):
    """The one-draft rule is for new drafts: a project returned for changes is a draft again, and its lead may
    still have (or start) a new one."""
    lead, coach, _, _ = await live_project(uow_factory, content)
    async with uow_factory() as uow:
        second, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
        await uow.projects.save(replace(second, title="Second"), now=NOW)
        assert await uow.projects.mark_submitted(second.id, now=NOW)
        assert await uow.projects.mark_returned(second.id, comment="More", wizard_step=6, now=NOW)
        third = await uow.projects.create_draft(lead.id, now=NOW)
        assert third.id != second.id and await uow.projects.create_draft(lead.id, now=NOW) == third
        await uow.commit()
    assert await count(engine, projects, projects.c.lead_id == lead.id, projects.c.status == "draft") == 2


async def test_thirty_copies_of_accept_to_the_team_add_one_member(uow_factory, engine, content):
    lead, _, colleague, project = await live_project(uow_factory, content)

    async def accept(uow):
        updated = await svc.accept_member(
            uow, user=lead, project_id=project.id, member_id=colleague.id, role="Nurse", now=NOW
        )
        return colleague.id in updated.member_ids

    assert await race(uow_factory, accept) == [True] * COPIES
    rows = await count(engine, project_members, project_members.c.user_id == colleague.id)
    assert rows == 1


async def test_thirty_copies_of_one_pdsa_card_log_one_cycle(uow_factory, engine, content):
    lead, _, _, project = await live_project(uow_factory, content)
    planned = Pdsa("Huddle at 20:00", "Fewer falls")

    async def log(uow):
        cycle = await svc.log_pdsa(uow, user=lead, project_id=project.id, cycle=planned, now=NOW, nonce="card-one-1")
        return "logged" if cycle else "already"

    outcomes = await race(uow_factory, log)
    assert outcomes.count("logged") == 1 and outcomes.count("already") == COPIES - 1
    assert await count(engine, pdsa_cycles, pdsa_cycles.c.project_id == project.id) == 1
    # Another card (another nonce) is another cycle.
    assert await attempt(uow_factory, lambda uow: log_other(uow, lead, project.id, planned)) is not None
    assert await count(engine, pdsa_cycles, pdsa_cycles.c.project_id == project.id) == 2


async def log_other(uow, lead, project_id, cycle):
    return await svc.log_pdsa(uow, user=lead, project_id=project_id, cycle=cycle, now=NOW, nonce="card-two-2")


async def test_thirty_copies_of_completing_a_cycle_decide_it_once(uow_factory, engine, content):
    lead, _, _, project = await live_project(uow_factory, content)
    async with uow_factory() as uow:
        cycle = await svc.log_pdsa(uow, user=lead, project_id=project.id, cycle=Pdsa("Huddle", "Fewer"), now=NOW)
        await uow.commit()

    async def complete(uow):
        done = await svc.complete_pdsa(
            uow, user=lead, project_id=project.id, cycle_id=cycle.id, do="Ran", study="Fewer", act="adopt", now=NOW
        )
        return done.act

    assert await race(uow_factory, complete) == ["adopt"] * COPIES  # the same card again is not an error
    async with engine.connect() as conn:
        row = (await conn.execute(select(pdsa_cycles).where(pdsa_cycles.c.id == cycle.id))).mappings().one()
    assert (row["do"], row["study"], row["act"]) == ("Ran", "Fewer", "adopt")


async def test_thirty_copies_of_one_data_card_save_one_value_and_a_late_copy_changes_nothing(
    uow_factory, engine, content
):
    lead, _, _, project = await live_project(uow_factory, content)
    measure = project.measures[0]
    day = date(2026, 11, 2)

    def save(value, nonce):
        async def work(uow):
            point = DataPoint(measure.id, day, value)
            await svc.add_data(uow, user=lead, point=point, project_id=project.id, now=NOW, nonce=nonce)
            return "saved"

        return work

    assert await race(uow_factory, save(5, "data-card-1")) == ["saved"] * COPIES
    points = (measure_points.c.measure_id == measure.id,)
    assert await count(engine, measure_points, *points) == 1
    assert await attempt(uow_factory, save(7, "data-card-2")) == "saved"  # a new card corrects the value
    assert await attempt(uow_factory, save(5, "data-card-1")) == "saved"  # the first card, retried late
    async with uow_factory() as uow:
        assert await uow.projects.points(measure.id) == [(day, 7.0)]


async def insert(conn, table, **values) -> int:
    marks = ", ".join(f":{key}" for key in values)
    stmt = text(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks}) RETURNING id").bindparams(
        *(bindparam(key, type_=UTC_DT) for key, value in values.items() if isinstance(value, datetime))
    )
    return (await conn.execute(stmt, values)).scalar_one()


async def test_the_migration_removes_the_copies_racing_taps_left(engine):
    """Databases from before the unique indexes may hold a lead's extra empty drafts and repeated team rows: the
    migration keeps the draft someone typed into (and every other project) and one row per person."""
    await downgrade(engine, "0009-1")  # back to the revision before 0009
    when = datetime(2026, 11, 1, tzinfo=UTC)
    common = {"needs_coach": False, "created_at": when, "updated_at": when}
    async with engine.begin() as conn:
        user_id = await insert(conn, "users", teams_user_id="t-1", created_at=when, updated_at=when)
        drafts = [
            await insert(conn, "projects", lead_id=user_id, status="draft", wizard_step=1, title=title, **common)
            for title in (None, "Typed into", None)
        ]
        other = await insert(
            conn,
            "projects",
            lead_id=user_id,
            status="submitted",
            wizard_step=6,
            title="Other",
            submitted_at=when,
            **common,
        )
        for _ in range(3):
            await insert(
                conn, "project_members", project_id=other, name="Sam", role="Nurse", position=0, user_id=user_id
            )
        await insert(conn, "project_members", project_id=other, name="Typed", role="Porter", position=1)
    await upgrade(engine)
    async with engine.connect() as conn:
        kept = (await conn.execute(select(projects.c.id, projects.c.title).order_by(projects.c.id))).all()
        members = (await conn.execute(select(project_members.c.name))).scalars().all()
    assert [tuple(row) for row in kept] == [(drafts[1], "Typed into"), (other, "Other")]
    assert sorted(members) == ["Sam", "Typed"]
