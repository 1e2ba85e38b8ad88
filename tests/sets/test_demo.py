"""The demo set and coaching levels load on both databases, keep the set rules, and loading twice changes nothing."""

from storage.demo import load_demo


async def test_the_demo_set_keeps_the_rules_and_loads_once(uow_factory, content, clock):
    for _ in range(2):
        async with uow_factory() as uow:
            await load_demo(uow, content, now=clock.now())
            await uow.commit()
    async with uow_factory() as uow:
        tom = await uow.users.by_teams_id("demo-coach-broomfield")
        [demo] = await uow.sets.sets_of(tom.id)
        members = await uow.sets.members(demo.id)
        meetings = await uow.sets.meetings(demo.id)
        senior = await uow.users.by_teams_id("demo-coach-basildon")
        level = (await uow.coaching.profile(senior.id)).level
    rules = content.sets.rules
    assert rules.min_members <= len(members) <= rules.max_members
    assert len(meetings) == 6 and meetings[0].starts_at > clock.now() and meetings[0].presenter_name == "Grace Adeyemi"
    assert level == "senior_coach"
