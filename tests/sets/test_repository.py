"""Sets on real databases (SQLite and PostgreSQL): the whole flow through the SQL repository, and concurrent
copies of each action having the effect of one."""

import asyncio
from datetime import timedelta

from core.kernel.errors import DomainError
from core.kernel.model import Role
from core.sets import creation, meetings, membership, reminders
from core.sets.commands import AttendanceMarks, MyActions
from core.sets.model import Mark, SwapStatus
from tests.sets.data import MESSAGES, NOW, details, make_set, person


async def setup(uow_factory, content, *, members=6, **changes):
    async with uow_factory() as uow:
        created, facilitator, people = await make_set(uow, content, members=members, **changes)
        await uow.commit()
    return created, facilitator, people


async def attempt(uow_factory, work):
    """Run `work(uow)` in its own unit of work: its result when it committed, else the refusal's name."""
    async with uow_factory() as uow:
        try:
            result = await work(uow)
        except DomainError as refused:
            return type(refused).__name__
        await uow.commit()
        return result


async def test_a_set_through_the_sql_repository(uow_factory, content):
    created, facilitator, people = await setup(uow_factory, content, meetings=4)
    async with uow_factory() as uow:
        rows = await uow.sets.meetings(created.id)
        assert [m.number for m in rows] == [1, 2, 3, 4] and rows[0].presenter_name == "User 2"
        assert rows[0].starts_at.tzinfo is not None and rows[0].starts_at.hour == 14
        assert [m.name for m in await uow.sets.members(created.id)] == [f"User {n}" for n in range(2, 8)]
        assert [s.id for s in await uow.sets.sets_of(people[0].id)] == [created.id]
        assert [s.id for s in await uow.sets.sets_of(facilitator.id)] == [created.id]
        assert (await uow.sets.get_set(created.id)).facilitator_name == "User 1"
        first = rows[0]
        await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue="Rotas clash.", now=NOW)
        marks = {p.id: Mark.PRESENT for p in people} | {people[0].id: Mark.APOLOGIES}
        saved = await meetings.record_attendance(
            uow,
            user=facilitator,
            command=AttendanceMarks(first.id, marks),
            content=content,
            messages=MESSAGES,
            now=first.ends_at,
        )
        assert saved.missed_turn and saved.next_meeting.presenter_id == people[1].id
        assert await uow.sets.presenter_marks(created.id) == {first.id: Mark.APOLOGIES}
        form = await meetings.save_actions(
            uow,
            user=people[1],
            command=MyActions(first.id, ("one", None, "three")),
            content=content,
            now=first.ends_at,
        )
        assert [(a.slot, a.text) for a in form.actions] == [(1, "one"), (3, "three")]
        await meetings.mark_action_done(uow, user=people[1], action_id=form.actions[0].id, now=first.ends_at)
        form = await meetings.save_actions(
            uow,
            user=people[1],
            command=MyActions(first.id, ("changed", None, None)),
            content=content,
            now=first.ends_at,
        )
        assert [(a.slot, a.text, a.done) for a in form.actions] == [(1, "one", True)]
        second = (await uow.sets.meetings(created.id))[1]
        swap = (
            await meetings.pass_turn(
                uow, user=people[1], meeting_id=second.id, content=content, messages=MESSAGES, now=first.ends_at
            )
        ).swap
        assert await uow.sets.open_swap(second.id, people[1].id, now=NOW) is None  # one in progress at a time
        await meetings.volunteer(uow, user=people[2], swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
        done = await meetings.decide_swap(
            uow, user=facilitator, swap_id=swap.id, accept=True, content=content, messages=MESSAGES, now=NOW
        )
        assert done.swap.status == SwapStatus.CONFIRMED and done.meeting.presenter_name == "User 4"
        assert await membership.leave_set(
            uow, user=people[5], set_id=created.id, content=content, messages=MESSAGES, now=NOW
        )
        assert len(await uow.sets.members(created.id)) == 5
        assert await uow.sets.add_member(created.id, people[5].id, now=NOW)  # back again
        assert not await uow.sets.add_member(created.id, people[5].id, now=NOW)
        queued = await reminders.queue_reminders(
            uow, content=content, messages=MESSAGES, now=second.starts_at - timedelta(days=7, hours=12)
        )
        assert queued == 7  # the week-before reminder for six members and the facilitator
        await uow.commit()


async def test_thirty_presses_of_create_make_one_set_and_tell_each_member_once(uow_factory, content):
    async with uow_factory() as uow:
        facilitator = await person(uow, 1, role=Role.FACILITATOR, content=content)
        people = [await person(uow, n, content=content) for n in range(2, 7)]
        draft = await creation.save_details(
            uow, user=facilitator, set_id=None, details=details(), content=content, now=NOW
        )
        for p in people:
            await uow.sets.add_member(draft.set.id, p.id, now=NOW)
        await uow.commit()

    async def press(uow):
        _, fresh = await creation.create_set(
            uow, user=facilitator, set_id=draft.set.id, content=content, messages=MESSAGES, now=NOW
        )
        return fresh

    outcomes = await asyncio.gather(*(attempt(uow_factory, press) for _ in range(30)))
    assert outcomes.count(True) == 1 and outcomes.count(False) == 29
    async with uow_factory() as uow:
        assert len(await uow.sets.meetings(draft.set.id)) == 6
        assert (await uow.outbox.status_counts()) == {"pending": 5}


async def test_people_racing_for_the_last_places_fill_exactly_eight(uow_factory, content):
    created, facilitator, _ = await setup(uow_factory, content, members=6)
    async with uow_factory() as uow:
        newcomers = [await person(uow, n) for n in range(20, 30)]
        await uow.commit()

    def adding(who):
        async def work(uow):
            draft = await creation.add_member(
                uow,
                user=facilitator,
                set_id=created.id,
                member_id=who.id,
                content=content,
                messages=MESSAGES,
                now=NOW,
            )
            return len(draft.members)

        return work

    outcomes = await asyncio.gather(*(attempt(uow_factory, adding(who)) for who in newcomers))
    assert sum(isinstance(o, int) for o in outcomes) == 2 and outcomes.count("InvalidInput") == 8
    async with uow_factory() as uow:
        assert len(await uow.sets.members(created.id)) == 8


async def test_thirty_volunteers_at_once_give_the_swap_to_one(uow_factory, content):
    created, facilitator, people = await setup(uow_factory, content, members=8)
    async with uow_factory() as uow:
        first = (await uow.sets.meetings(created.id))[0]
        swap = (
            await meetings.pass_turn(
                uow, user=people[0], meeting_id=first.id, content=content, messages=MESSAGES, now=NOW
            )
        ).swap
        await uow.commit()

    def offering(who):
        async def work(uow):
            return (
                await meetings.volunteer(uow, user=who, swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
            ).changed

        return work

    outcomes = await asyncio.gather(*(attempt(uow_factory, offering(people[1 + n % 7])) for n in range(30)))
    assert outcomes.count("InvalidInput") >= 23 and True in outcomes
    async with uow_factory() as uow:
        taken = await uow.sets.get_swap(swap.id)
        counts = await uow.outbox.status_counts()
    assert taken.status == SwapStatus.VOLUNTEERED
    assert counts["pending"] == 8 + 7 + 1  # eight told they were added, seven asked, the facilitator asked once


async def test_thirty_attendance_saves_at_once_store_one_sheet_and_ask_once(uow_factory, content):
    created, facilitator, people = await setup(uow_factory, content, members=5)
    async with uow_factory() as uow:
        first = (await uow.sets.meetings(created.id))[0]
        before = (await uow.outbox.status_counts())["pending"]

    async def save(uow):
        marks = {p.id: Mark.PRESENT for p in people}
        command = AttendanceMarks(first.id, marks)
        return (
            await meetings.record_attendance(
                uow, user=facilitator, command=command, content=content, messages=MESSAGES, now=first.ends_at
            )
        ).next_meeting.presenter_id

    outcomes = await asyncio.gather(*(attempt(uow_factory, save) for _ in range(30)))
    assert set(outcomes) == {people[1].id}
    async with uow_factory() as uow:
        assert await uow.sets.attendance(first.id) == {p.id: Mark.PRESENT for p in people}
        assert (await uow.outbox.status_counts())["pending"] == before + 5
