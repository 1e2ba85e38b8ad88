"""Surveys on SQLite and PostgreSQL: the whole path through the SQL repository, the response tables holding no
person's id, and every action idempotent under concurrency (30 copies have the effect of one)."""

import asyncio
from datetime import timedelta

from sqlalchemy import inspect, select

from core.kernel.model import Role
from core.surveys.answering import save_section
from core.surveys.campaigns import start_campaign, survey_trigger
from core.surveys.commands import CampaignRequest
from core.surveys.delivery import remind_non_responders, send_invitations
from core.surveys.reports import survey_report
from storage.surveys.tables import survey_responses
from tests.surveys.data import NOW, answer_all, confidence, person, section
from tests.surveys.fakes import RecordingSurveyMessages

MESSAGES = RecordingSurveyMessages()


async def people(uow_factory, count, **profile):
    async with uow_factory() as uow:
        found = [await person(uow, n, **profile) for n in range(1, count + 1)]
        await uow.commit()
    return found


async def answer_in_own_turns(uow_factory, content, user, invitation_id, value):
    async with uow_factory() as uow:
        await answer_all(uow, content, user, invitation_id, value, MESSAGES.pseudonyms)
        await uow.commit()


async def trigger(uow_factory, content, user, name, now=NOW):
    async with uow_factory() as uow:
        outcome = await survey_trigger(uow, user_id=user.id, trigger=name, content=content, now=now)
        await uow.commit()
    return outcome


async def open_for(uow_factory, user):
    async with uow_factory() as uow:
        return await uow.surveys.open_invitations(user.id, now=NOW)


async def test_before_and_after_matched_on_the_database_with_no_user_id_in_the_response_tables(
    uow_factory, engine, content
):
    staff = await people(uow_factory, 6)
    for n, user in enumerate(staff):
        await trigger(uow_factory, content, user, "learning_started")
        [before] = await open_for(uow_factory, user)
        await answer_in_own_turns(uow_factory, content, user, before.id, 2)
        await trigger(uow_factory, content, user, "learning_completed")
        after = next(i for i in await open_for(uow_factory, user) if i.id != before.id)
        await answer_in_own_turns(uow_factory, content, user, after.id, 3 + (n % 2))
    async with uow_factory() as uow:
        report = await survey_report(uow, content=content, now=NOW)
    [change] = report.changes
    assert (change.baseline_n.text, change.paired_n.text) == ("6", "6")
    assert change.change.mean_change == 1.5 and change.change.df == 5
    async with engine.connect() as conn:
        columns = await conn.run_sync(
            lambda c: {
                t: {col["name"] for col in inspect(c).get_columns(t)} for t in ("survey_responses", "survey_codes")
            }
        )
        pseudonyms = set((await conn.execute(select(survey_responses.c.pseudonym))).scalars())
    assert not any("user" in name for cols in columns.values() for name in cols)
    assert pseudonyms == {MESSAGES.pseudonyms.of(u.id) for u in staff}


async def test_thirty_simultaneous_triggers_invite_once(uow_factory, content):
    [user] = await people(uow_factory, 1)
    outcomes = await asyncio.gather(*(trigger(uow_factory, content, user, "learning_started") for _ in range(30)))
    assert sum(len(o.invited) for o in outcomes) == 1
    async with uow_factory() as uow:
        assert len(await uow.surveys.campaigns()) == 1
        assert len(await uow.surveys.open_invitations(user.id, now=NOW)) == 1


async def test_thirty_simultaneous_submits_store_one_submitted_response(uow_factory, content):
    [user] = await people(uow_factory, 1)
    await trigger(uow_factory, content, user, "learning_started")
    [invitation] = await open_for(uow_factory, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    async with uow_factory() as uow:
        await save_section(
            uow,
            user=user,
            command=section(invitation.id, 0, confidence(scale, 0, 2)),
            content=content,
            pseudonyms=MESSAGES.pseudonyms,
            now=NOW,
        )
        await uow.commit()

    async def submit():
        async with uow_factory() as uow:
            await save_section(
                uow,
                user=user,
                command=section(invitation.id, 1, confidence(scale, 1, 3)),
                content=content,
                pseudonyms=MESSAGES.pseudonyms,
                now=NOW,
            )
            await uow.commit()

    await asyncio.gather(*(submit() for _ in range(30)))
    async with uow_factory() as uow:
        [response] = await uow.surveys.responses("qi_self_efficacy")
    assert response.submitted and response.answers["lead_change"] == 3


async def test_thirty_presses_of_one_campaign_form_start_one_campaign(uow_factory, content):
    admin, *_ = await people(uow_factory, 4, site="southend")
    async with uow_factory() as uow:
        await uow.users.grant_role(admin.id, Role.ADMIN, now=NOW)
        await uow.commit()
        admin = await uow.users.get(admin.id)
    request = CampaignRequest("scoping", "site", "southend", "2026-12-09", "1", "form-xyz")

    async def press():
        async with uow_factory() as uow:
            started = await start_campaign(uow, user=admin, request=request, content=content, now=NOW)
            await uow.commit()
            return started

    results = await asyncio.gather(*(press() for _ in range(30)))
    assert sum(not r.already for r in results) == 1 and sum(r.invited for r in results) == 4
    async with uow_factory() as uow:
        assert len(await uow.surveys.campaigns()) == 1


async def test_concurrent_ticks_send_each_invitation_and_reminder_once(uow_factory, content):
    staff = await people(uow_factory, 3)
    for user in staff:
        await trigger(uow_factory, content, user, "learning_started")

    async def tick(work, now):
        async with uow_factory() as uow:
            count = await work(uow, content=content, messages=MESSAGES, now=now)
            await uow.commit()
            return count

    sent = await asyncio.gather(*(tick(send_invitations, NOW) for _ in range(10)))
    assert sum(sent) == 3
    later = NOW + timedelta(days=7, hours=1)
    reminded = await asyncio.gather(*(tick(remind_non_responders, later) for _ in range(10)))
    assert sum(reminded) == 3
    again = await asyncio.gather(*(tick(remind_non_responders, later + timedelta(days=7)) for _ in range(10)))
    assert sum(again) == 3
    assert sum(await asyncio.gather(*(tick(remind_non_responders, later + timedelta(days=13)) for _ in range(5)))) == 0


async def test_themes_are_added_once_and_codes_replaced(uow_factory, content):
    [coach] = await people(uow_factory, 1)

    async def add():
        async with uow_factory() as uow:
            theme = await uow.surveys.add_theme("scoping", "Time", by=coach.id, now=NOW)
            await uow.commit()
            return theme.id

    ids = await asyncio.gather(*(add() for _ in range(10)))
    assert len(set(ids)) == 1
    async with uow_factory() as uow:
        other = await uow.surveys.add_theme("scoping", "time", by=coach.id, now=NOW)  # case does not matter
        assert other.id == ids[0] and [t.label for t in await uow.surveys.themes("scoping")] == ["Time"]
