"""The demo data obeys the rules it demonstrates (on both databases): nearly-full sessions, and nobody with more
future bookings than the booking rules allow."""

from storage.demo import load_demo


async def test_demo_bookings_keep_the_booking_rules(uow_factory, content, clock):
    async with uow_factory() as uow:
        await load_demo(uow, content, now=clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        again = await load_demo(uow, content, now=clock.now())  # idempotent
        await uow.commit()
    assert again == 0
    most = content.clinics.rules.max_future_bookings
    async with uow_factory() as uow:
        staff = [await uow.users.by_teams_id(f"demo-staff-{n}") for n in range(1, 9)]
        counts = [await uow.clinics.count_future_confirmed(person.id, now=clock.now()) for person in staff]
        sessions = await uow.clinics.list_sessions(site=None, start=clock.now(), end=clock.now().replace(year=2027))
    assert max(counts) <= most and sum(counts) > 0
    nearly_full = [s for s in sessions if s.capacity > 1 and s.seats_left == 1]
    assert len(nearly_full) >= 4  # the first sessions of each series with room, one seat short of full
