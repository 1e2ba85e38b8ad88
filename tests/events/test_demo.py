"""The demo data (on both databases): a Fundamentals date at each site, a Practitioner cohort, and this year's
celebration day with abstracts from the demo projects; loading it again changes nothing."""

from datetime import timedelta

from core.events.model import AbstractStatus, EventKind
from storage.demo import load_demo


async def test_demo_events_keep_the_rules_and_load_once(uow_factory, content, clock):
    for _ in range(2):
        async with uow_factory() as uow:
            await load_demo(uow, content, now=clock.now())
            await uow.commit()
    async with uow_factory() as uow:
        events = await uow.events.list_events(start=clock.now(), end=clock.now() + timedelta(days=400))
        fundamentals = [e for e in events if e.template == "fundamentals"]
        assert sorted(e.site for e in fundamentals) == ["basildon", "broomfield", "southend"]
        [cohort] = [e for e in events if e.template == "practitioner"]
        assert len(cohort.dates) == 5 and all(d.starts_at.weekday() < 5 for d in cohort.dates)
        [day] = [e for e in events if e.kind == EventKind.CELEBRATION]
        assert day.title == f"Improvement celebration day {day.starts_at.year}"
        submitted = await uow.events.event_abstracts(day.id, status=AbstractStatus.SUBMITTED)
        assert len(submitted) == 2 and all(a.aim and a.changes and a.results for a in submitted)
        assert "Fewer falls at night on Ward 7" in {a.title for a in submitted}
        [yesterday] = await uow.events.list_events(start=clock.now() - timedelta(days=2), end=clock.now())
        booked = await uow.events.event_registrations(yesterday.id)
        assert yesterday.site == "southend" and len(booked) == 2 == yesterday.seats_taken
        assert yesterday.registration_closes_at < yesterday.starts_at < clock.now()
