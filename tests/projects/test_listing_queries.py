"""The project listings the ticks read (stale projects, recently completed ones), on SQLite and PostgreSQL: each
project whole (team, measures, rebases) as `get` gives it, in a few statements for all of them, not three a
project (issue 16: the stale-project and story ticks listed ~2,000 projects on the five-year trust)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from core.forum import stories
from core.kernel.model import OutboundMessage
from core.measurement import Rebase
from core.projects import services as svc
from core.projects.model import ProjectStatus
from tests.projects.data import MESSAGES, NOW, approved, person

LATER = NOW + timedelta(days=45)  # every project has had no update for 45 days: stale


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


async def register(uow_factory, content, first: int, count: int, *, completed: int = 0) -> list[int]:
    """`count` approved projects, each with its own lead, the team and three measures; the first one's outcome
    measure rebased; the first `completed` of them completed."""
    ids = []
    async with uow_factory() as uow:
        coach = await uow.users.get(1)  # the coach each test makes first
        for n in range(first, first + count):
            lead = await person(uow, n)
            project = await approved(uow, content, lead, coach, now=NOW + timedelta(minutes=n))
            ids.append(project.id)
        outcome = (await uow.projects.get(ids[0])).measures[0]
        await uow.projects.add_rebase(outcome.id, Rebase(date(2026, 9, 1), "new pathway"), by=None, now=NOW)
        for pid in ids[:completed]:
            assert await uow.projects.mark_closed(pid, ProjectStatus.COMPLETED, now=LATER - timedelta(days=3))
        await uow.commit()
    return ids


async def counted(statements, work):
    statements.clear()
    result = await work()
    return result, len(statements)


async def test_the_listings_give_each_project_whole_in_a_few_statements(uow_factory, content, statements):
    async with uow_factory() as uow:
        await person(uow, 1, coach=True)
        await uow.commit()
    await register(uow_factory, content, 2, 2, completed=1)
    async with uow_factory() as uow:
        few, few_cost = await counted(statements, lambda: uow.projects.stale(updated_before=LATER - timedelta(days=30)))
        done, done_cost = await counted(statements, lambda: uow.projects.completed_since(LATER - timedelta(days=14)))
    await register(uow_factory, content, 10, 12, completed=3)
    async with uow_factory() as uow:
        many, many_cost = await counted(
            statements, lambda: uow.projects.stale(updated_before=LATER - timedelta(days=30))
        )
        completed, completed_cost = await counted(
            statements, lambda: uow.projects.completed_since(LATER - timedelta(days=14))
        )
        assert len(few) == 1 and len(many) == 1 + 9 and len(done) == 1 and len(completed) == 4
        assert many_cost == few_cost <= 4 and completed_cost == done_cost <= 4
        # Each one as `get` gives it, in the listing's order: last changed first; completed in submission order.
        assert many == [await uow.projects.get(p.id) for p in many]
        assert [p.updated_at for p in many] == sorted((p.updated_at for p in many), reverse=True)
        assert completed == [await uow.projects.get(p.id) for p in completed]
        rows = await uow.projects.report_rows()  # what completed_since was built from before issue 16
        assert [p.id for p in completed] == [
            r["id"]
            for r in rows
            if r["status"] == ProjectStatus.COMPLETED.value and r["updated_at"] >= LATER - timedelta(days=14)
        ]
        rebased = [m for p in many + completed for m in p.measures if m.rebases]
        assert [m.rebases for m in rebased] == [(Rebase(date(2026, 9, 1), "new pathway"),)] * 2  # ids[0] and 10
        assert all(len(p.measures) == 3 and len(p.team) == 2 for p in many + completed)


async def test_the_ticks_asked_again_cost_the_same_for_two_projects_or_twenty(uow_factory, content, statements):
    async with uow_factory() as uow:
        await person(uow, 1, coach=True)
        await uow.commit()

    async def ticks():
        async with uow_factory() as uow:
            stale, stale_cost = await counted(
                statements, lambda: svc.nudge_stale(uow, content=content, messages=MESSAGES, now=LATER)
            )
            offered, offer_cost = await counted(
                statements, lambda: stories.offer_stories(uow, content=content, messages=forum_messages(), now=LATER)
            )
            await uow.commit()
        return stale, offered, stale_cost + offer_cost

    await register(uow_factory, content, 2, 2, completed=1)
    assert (await ticks())[:2] == (1, 1)
    _, _, small = await ticks()  # nothing new: one lead nudged, one story offered already
    await register(uow_factory, content, 10, 18, completed=2)
    stale, offered, _ = await ticks()
    assert (stale, offered) == (16, 2)
    assert await ticks() == (0, 0, small)


class _Offers:
    def story_offer(self, project_id, title):
        return OutboundMessage(text=f"share {project_id}: {title}")


def forum_messages():
    return _Offers()
