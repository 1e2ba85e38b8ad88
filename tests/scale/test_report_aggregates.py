"""Issue 16, point 5, on a seeded hundredth of the synthetic trust, SQLite and PostgreSQL: the numbers stored for the
forum report are the SLA clock's own, the report gives the same figures with them as when it times every question
itself (the old computation), and the events report's three queries give what its query per event gave."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time

from sqlalchemy import text

from bot import registry
from core.events import reports as events_reports
from core.events.model import AbstractStatus, EventKind, Mark, RegistrationStatus
from core.forum.escalation import answer_timing, working_seconds
from core.forum.reports import forum_report
from core.kernel.roles import effective_roles
from tests.scale.test_synthetic_trust import TODAY, _generate, _one

NOW = datetime.combine(TODAY, time(10), tzinfo=UTC)


ADMIN = "SELECT user_id FROM user_roles WHERE role = 'admin' ORDER BY user_id LIMIT 1"


async def _admin(uow, user_id: int):
    user = await uow.users.get(user_id)
    return replace(user, roles=effective_roles(user, frozenset()))


async def test_the_forum_reports_stored_numbers_are_the_clocks_and_give_the_same_report(engine, content):
    await _generate(engine, content)
    admin_id = await _one(engine, ADMIN)
    factory = registry.uow_factory(engine)
    async with factory() as uow:
        start = datetime(2000, 1, 1, tzinfo=UTC)
        questions = await uow.forum.question_timings(start=start, end=NOW)
        answered = [p for p in questions if p.first_answer_at]
        closed = [p for p in questions if p.closed_at]
        assert len(answered) > 20 and len(closed) > 10
        for post in answered:
            assert (post.first_answer_working_s, post.answered_in_time) == answer_timing(
                post.posted_at, post.first_answer_at, content
            )
        for post in closed:
            assert post.closed_working_s == working_seconds(post.posted_at, post.closed_at, content)
        assert all(p.first_answer_working_s is None for p in questions if not p.first_answer_at)
        assert {p.answered_in_time for p in answered} == {True, False}  # both kinds are in the trust
        admin = await _admin(uow, admin_id)
        stored = await forum_report(uow, user=admin, content=content, now=NOW)
    async with engine.begin() as conn:  # as before migration 0017: the report times every question itself
        await conn.execute(
            text(
                "UPDATE forum_posts SET first_answer_working_s = NULL, answered_in_time = NULL, "
                "closed_working_s = NULL"
            )
        )
    async with factory() as uow:
        timed = await forum_report(uow, user=admin, content=content, now=NOW)
    assert stored == timed
    assert any(row.first_answer for row in stored.by_site)  # medians are in it, not only counts


async def _events_report_one_event_at_a_time(uow, now):
    """The events report's attendance as it was computed before issue 16: three queries per past event."""
    people, completed, abstracts = {}, set(), Counter()
    for event in await uow.events.list_events(start=now - events_reports.PERIOD, end=now):
        if event.ends_at > now:
            continue
        attended = {m.registration_id for m in await uow.events.marks(event.id) if m.mark == Mark.ATTENDED}
        confirmed = await uow.events.event_registrations(event.id, statuses=(RegistrationStatus.CONFIRMED,))
        for r in confirmed:
            if r.id in attended:
                people[r.user_id] = (r.user_site or "not set", r.user_staff_group or "not set")
        trained = await uow.events.trained_at(event.id)
        completed |= {r.user_id for r in confirmed if r.user_id in trained}
        if event.kind == EventKind.CELEBRATION:
            for a in await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED):
                abstracts[(a.site or "not set", a.division or "not set")] += 1
    return events_reports.attendance_breakdowns(people, completed & set(people)), abstracts


async def test_the_events_report_gives_what_its_query_per_event_gave(engine, content):
    await _generate(engine, content, scale=0.05)  # a hundredth has too few past courses to show a figure
    admin_id = await _one(engine, ADMIN)
    async with registry.uow_factory(engine)() as uow:
        admin = await _admin(uow, admin_id)
        report = await events_reports.events_report(uow, user=admin, content=content, now=NOW)
        attended, past_abstracts = await _events_report_one_event_at_a_time(uow, NOW)
    assert report.attended == attended
    assert report.attended["site"].total.value and report.attended["site"].total.value >= 5
    assert all(report.abstracts.get(key, 0) >= n for key, n in past_abstracts.items())
