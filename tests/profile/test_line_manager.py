"""Line managers as people give them in their profile: the transcript, refusals, the SQL constraints on both
databases; sets refuse a member together with their line manager, and mentor matching never proposes one's own
line."""

import pytest
from sqlalchemy.exc import IntegrityError

from core.coaching import mentoring
from core.kernel.contacts import record_contact
from core.kernel.errors import InvalidInput
from core.kernel.model import Role
from core.profile.services import line_of, save_line_manager
from core.sets import creation
from tests.coaching.data import NOW as COACHING_NOW
from tests.coaching.data import person as coaching_person
from tests.coaching.data import senior
from tests.dialogs.harness import Chat, card_text, find_action
from tests.fakes import FakeUnitOfWork, teams_address
from tests.sets.data import MESSAGES, NOW, details, make_set, person, set_state


async def test_a_person_finds_and_saves_their_line_manager_and_can_clear_it(content):
    manager_chat = Chat(content, n=2)
    await manager_chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    chat = Chat(content, n=1, uow=manager_chat.uow)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    profile = (await chat.say("profile")).messages[0].card
    assert "Line manager" in card_text(profile) and "not given" in card_text(profile)
    search = (await chat.press_button(profile, "Line manager")).card
    short = await chat.press_button(search, "Search", name="U")
    assert "at least 2 letters" in card_text(short.card)
    manager = await manager_chat.user()
    found = (await chat.press_button(search, "Search", name="user")).card
    me = await chat.user()
    assert me.name not in card_text(found) and manager.name in card_text(found)  # never oneself
    assert find_action(found, "My line manager")["data"] == {"manager_id": manager.id}
    saved = (await chat.press_button(found, "My line manager")).card
    assert f"Line manager saved: {manager.name}" in card_text(saved)
    assert await chat.uow.users.line_manager(me.id) == manager.id
    forged = await chat.press("profile.line_choose", manager_id=me.id)  # a forged card naming oneself
    assert "cannot be your own line manager" in card_text(forged.card)
    assert await chat.uow.users.line_manager(me.id) == manager.id
    back = await manager_chat.press("profile.line_choose", manager_id=me.id)  # the other way round as well
    assert "has said you are their line manager" in card_text(back.card)
    cleared = (await chat.press("profile.line_clear")).card
    assert "No line manager recorded" in card_text(cleared) and await chat.uow.users.line_manager(me.id) is None


async def test_a_set_refuses_a_member_with_their_line_manager_already_in_it(content):
    uow = FakeUnitOfWork()
    facilitator = await person(uow, 1, role=Role.FACILITATOR, content=content)
    people = [await person(uow, n, content=content) for n in range(2, 9)]
    await save_line_manager(uow, user=people[5], manager_id=people[0].id, now=NOW)  # 7 reports to 2
    draft = await creation.save_details(uow, user=facilitator, set_id=None, details=details(), content=content, now=NOW)

    async def add(member):
        return await creation.add_member(
            uow, user=facilitator, set_id=draft.set.id, member_id=member.id, content=content, messages=MESSAGES, now=NOW
        )

    for member in people[:5]:
        await add(member)
    before = set_state(uow)
    with pytest.raises(InvalidInput, match=f"{people[0].name} is the line manager of {people[5].name}"):
        await add(people[5])
    assert set_state(uow) == before
    await add(people[6])
    # A line manager given after both joined is caught when the set is created.
    await save_line_manager(uow, user=people[6], manager_id=people[1].id, now=NOW)
    with pytest.raises(InvalidInput, match=f"{people[1].name} is the line manager of {people[6].name}"):
        await creation.create_set(
            uow, user=facilitator, set_id=draft.set.id, content=content, messages=MESSAGES, now=NOW
        )
    assert not (await creation.draft(uow, user=facilitator, set_id=draft.set.id, content=content)).set.active


async def test_the_facilitator_is_not_a_members_line_manager_either(content):
    uow = FakeUnitOfWork()
    _, facilitator, members = await make_set(uow, content, members=5)
    outsider = await person(uow, 20, content=content)
    await save_line_manager(uow, user=outsider, manager_id=facilitator.id, now=NOW)
    with pytest.raises(InvalidInput, match="line manager"):
        await creation.add_member(
            uow, user=facilitator, set_id=_.id, member_id=outsider.id, content=content, messages=MESSAGES, now=NOW
        )


async def test_mentor_matching_never_proposes_ones_line_manager_or_a_report(content):
    uow = FakeUnitOfWork()
    trainee = await coaching_person(uow, 2, content, level="qsir_practitioner", site="basildon", group="ahp")
    manager = await senior(uow, 10, content, site="southend", group="medical_dental")
    report = await senior(uow, 11, content, site="broomfield", group="medical_dental")
    good = await senior(uow, 12, content, site="southend", group="admin_clerical")
    before = [c.user_id for c in await mentoring.propose_mentors(uow, user=trainee, content=content)]
    assert set(before) == {manager.id, report.id, good.id}
    await save_line_manager(uow, user=trainee, manager_id=manager.id, now=COACHING_NOW)
    await save_line_manager(uow, user=report, manager_id=trainee.id, now=COACHING_NOW)
    assert await line_of(uow, trainee.id) == {manager.id, report.id}
    assert [c.user_id for c in await mentoring.propose_mentors(uow, user=trainee, content=content)] == [good.id]


async def test_line_managers_on_a_real_database(uow_factory):
    async with uow_factory() as uow:
        a, b, c = [(await record_contact(uow, address=teams_address(n), now=NOW)).user for n in (1, 2, 3)]
        await uow.users.set_line_manager(a.id, b.id, now=NOW)
        await uow.users.set_line_manager(c.id, b.id, now=NOW)
        await uow.users.set_line_manager(a.id, c.id, now=NOW)  # changed: one manager per person
        assert await uow.users.line_manager(a.id) == c.id
        assert await uow.users.reports_of(b.id) == [c.id]
        assert await uow.users.line_pairs([a.id, b.id, c.id]) == [(a.id, c.id), (c.id, b.id)]
        assert await uow.users.line_pairs([a.id, b.id]) == []
        await uow.users.set_line_manager(a.id, None, now=NOW)
        assert await uow.users.line_manager(a.id) is None
        await uow.commit()
    with pytest.raises(IntegrityError):  # the database refuses being one's own manager
        async with uow_factory() as uow:
            await uow.users.set_line_manager(b.id, b.id, now=NOW)
            await uow.commit()
