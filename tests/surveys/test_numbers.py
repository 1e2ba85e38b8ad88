"""The survey answers kept as numbers (migration 0018), on SQLite and PostgreSQL: the numeric answers follow every
submission and change, drafts are not counted, a stored score is used only while its definition and the answers
it came from are current, and reports opened at once store each score once; the scored responses kept in memory
are used only while the version of the answers they were read at is current (migration 0019)."""

import asyncio
import json
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update

from core.surveys import scoring
from core.surveys.answering import save_section
from core.surveys.reports import survey_report
from core.surveys.scoring import scoring_key
from storage.migrate import downgrade, upgrade
from storage.surveys.numbers import SqlSurveyNumbers
from storage.surveys.tables import survey_answer_versions, survey_scores, survey_values
from tests.surveys.data import NOW, answer_all, confidence, person, section
from tests.surveys.test_repository import MESSAGES, answer_in_own_turns, open_for, people, trigger

ITEMS = 10  # the self-efficacy survey's scale items, all in its score


async def _before_and_after(uow_factory, content, staff, after_value=3):
    for user in staff:
        await trigger(uow_factory, content, user, "learning_started")
        [before] = await open_for(uow_factory, user)
        await answer_in_own_turns(uow_factory, content, user, before.id, 2)
        await trigger(uow_factory, content, user, "learning_completed")
        after = next(i for i in await open_for(uow_factory, user) if i.id != before.id)
        await answer_in_own_turns(uow_factory, content, user, after.id, after_value)


async def _a_draft(uow_factory, content):
    """A seventh person starts the "before" survey and saves its first section for later."""
    async with uow_factory() as uow:
        late = await person(uow, 7)
        await uow.commit()
    await trigger(uow_factory, content, late, "learning_started")
    [draft] = await open_for(uow_factory, late)
    scale = content.surveys.instrument("qi_self_efficacy")
    async with uow_factory() as uow:
        command = section(draft.id, 0, confidence(scale, 0, 4), later=True)
        await save_section(uow, user=late, command=command, content=content, pseudonyms=MESSAGES.pseudonyms, now=NOW)
        await uow.commit()


async def _report(uow_factory, content):
    async with uow_factory() as uow:
        report = await survey_report(uow, content=content, now=NOW)
        await uow.commit()
    return report


async def _scalar(engine, stmt):
    async with engine.connect() as conn:
        return (await conn.execute(stmt)).scalar()


async def test_the_numbers_follow_each_submission_and_change_and_drafts_do_not_count(uow_factory, engine, content):
    staff = await people(uow_factory, 6)
    await _before_and_after(uow_factory, content, staff)
    # a seventh person stops half way through: a draft, counted nowhere
    await _a_draft(uow_factory, content)
    assert await _scalar(engine, select(func.count()).select_from(survey_values)) == 12 * ITEMS
    report = await _report(uow_factory, content)
    [change] = report.changes
    assert change.change.mean_change == 1.0 and change.paired_n.text == "6"
    before_wave = next(w for w in report.waves if w.campaign.wave == "before")
    assert before_wave.responses.text == "6" and {m for _, m in before_wave.item_means} == {2.0}
    assert await _scalar(engine, select(func.count()).select_from(survey_scores)) == 12

    # one person changes their "after" answers from 3 to 4 while the survey is open
    after = max(await open_for(uow_factory, staff[0]), key=lambda i: i.id)
    await answer_in_own_turns(uow_factory, content, staff[0], after.id, 4)
    assert await _scalar(engine, select(func.count()).select_from(survey_values)) == 12 * ITEMS
    assert await _scalar(engine, select(func.sum(survey_values.c.value))) == (6 * 2 + 5 * 3 + 4) * ITEMS
    report = await _report(uow_factory, content)
    [change] = report.changes
    assert change.change.mean_change == (5 * 1 + 2) / 6
    after_wave = next(w for w in report.waves if w.campaign.wave == "after")
    scale = content.surveys.instrument("qi_self_efficacy")
    assert dict(after_wave.item_means)[scale.items[0].text] == (5 * 3 + 4) / 6


async def test_a_stored_score_of_another_definition_or_older_answers_is_never_used(uow_factory, engine, content):
    staff = await people(uow_factory, 6)
    await _before_and_after(uow_factory, content, staff)
    first = await _report(uow_factory, content)
    async with engine.begin() as conn:  # as if computed with another definition, or from answers since changed
        await conn.execute(update(survey_scores).where(survey_scores.c.response_id % 2 == 0).values(scoring_key="x"))
        await conn.execute(
            update(survey_scores)
            .where(survey_scores.c.response_id % 2 == 1)
            .values(revision=survey_scores.c.revision - 1, score=99.0, items=[99] * ITEMS)
        )
    scoring._KEPT.clear()  # as a fresh process (a restart, the other replica) reads them
    again = await _report(uow_factory, content)
    assert again.changes[0].change == first.changes[0].change and again.changes[0].items == first.changes[0].items
    scale = content.surveys.instrument("qi_self_efficacy")
    key = scoring_key(scale, scale.scoring[0])
    async with engine.connect() as conn:
        stored = (await conn.execute(select(survey_scores.c.scoring_key, survey_scores.c.score))).all()
    assert {k for k, _ in stored} == {key} and {s for _, s in stored} == {2.0, 3.0}  # replaced, not added


async def test_reports_opened_at_once_store_each_score_once(uow_factory, engine, content):
    staff = await people(uow_factory, 6)
    await _before_and_after(uow_factory, content, staff)
    reports = await asyncio.gather(*[_report(uow_factory, content) for _ in range(8)])
    assert len({r.changes[0].change for r in reports}) == 1
    assert await _scalar(engine, select(func.count()).select_from(survey_scores)) == 12


async def test_the_migration_keeps_the_numeric_answers_of_submitted_responses_only(engine):
    await downgrade(engine, "0017")
    when = datetime(2026, 11, 1, 9, tzinfo=UTC).replace(tzinfo=None)
    answers = {"smart_aim": 3, "measures": "prefer_not_to_say", "run_chart": 2.5, "comment": "fine", "flag": True}
    async with engine.begin() as conn:
        campaign = (
            await conn.execute(
                text(
                    "INSERT INTO survey_campaigns (instrument_id, instrument_version, wave, opens_at, reminders,"
                    " created_at) VALUES ('qi_self_efficacy', 1, 'campaign', :w, 0, :w) RETURNING id"
                ),
                {"w": when},
            )
        ).scalar_one()
        for pseudonym, status in (("p1", "submitted"), ("p2", "draft")):
            await conn.execute(
                text(
                    "INSERT INTO survey_responses (campaign_id, pseudonym, instrument_id, instrument_version, wave,"
                    " status, answers, started_at, updated_at) VALUES (:c, :p, 'qi_self_efficacy', 1, 'campaign',"
                    " :s, :a, :w, :w)"
                ),
                {"c": campaign, "p": pseudonym, "s": status, "a": json.dumps(answers), "w": when},
            )
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(survey_values.c.item_id, survey_values.c.value))).all()
    assert sorted(rows) == [("run_chart", 2.5), ("smart_aim", 3.0)]
    async with engine.connect() as conn:  # 0019: an instrument with submitted responses has a version of them
        versions = (await conn.execute(select(survey_answer_versions))).all()
    assert [v.instrument_id for v in versions] == ["qi_self_efficacy"] and len(versions[0].version) == 32


def _count_reads(monkeypatch) -> list[int]:
    """How many times the scored responses are read from the database."""
    reads: list[int] = []
    read = SqlSurveyNumbers.scores

    async def counted(self, *args, **kwargs):
        reads.append(1)
        return await read(self, *args, **kwargs)

    monkeypatch.setattr(SqlSurveyNumbers, "scores", counted)
    return reads


async def test_the_scored_responses_are_read_again_only_once_an_answer_is_submitted_or_changed(
    uow_factory, content, monkeypatch
):
    staff = await people(uow_factory, 6)
    await _before_and_after(uow_factory, content, staff)
    first = await _report(uow_factory, content)
    reads = _count_reads(monkeypatch)
    assert await _report(uow_factory, content) == first and reads == []

    # A seventh person's draft, and a change that is rolled back, change no answer a report counts.
    await _a_draft(uow_factory, content)
    after = max(await open_for(uow_factory, staff[0]), key=lambda i: i.id)
    async with uow_factory() as uow:
        await answer_all(uow, content, staff[0], after.id, 1, MESSAGES.pseudonyms)
        await uow.rollback()
    assert (await _report(uow_factory, content)).changes == first.changes and reads == []  # one more invited

    # One person changes their "after" answers: the next report reads them again, then keeps them.
    await answer_in_own_turns(uow_factory, content, staff[0], after.id, 4)
    changed = await _report(uow_factory, content)
    assert changed.changes[0].change.mean_change == (5 * 1 + 2) / 6 and len(reads) == 1
    assert await _report(uow_factory, content) == changed and len(reads) == 1


async def test_reports_read_while_people_answer_never_keep_older_answers(uow_factory, engine, content):
    staff = await people(uow_factory, 10)
    await _before_and_after(uow_factory, content, staff[:5])
    # Five more people answer their "after" surveys while the report is opened again and again.
    afters = []
    for user in staff[5:]:
        await trigger(uow_factory, content, user, "learning_started")
        [before] = await open_for(uow_factory, user)
        await answer_in_own_turns(uow_factory, content, user, before.id, 2)
        await trigger(uow_factory, content, user, "learning_completed")
        afters.append(next(i for i in await open_for(uow_factory, user) if i.id != before.id))

    async def reports():
        for _ in range(6):
            await _report(uow_factory, content)
            await asyncio.sleep(0)

    answers = [answer_in_own_turns(uow_factory, content, u, a.id, 4) for u, a in zip(staff[5:], afters, strict=True)]
    await asyncio.gather(reports(), reports(), *answers)
    kept = await _report(uow_factory, content)
    scoring._KEPT.clear()
    fresh = await _report(uow_factory, content)
    assert kept == fresh and fresh.changes[0].paired_n.text == "10"
    assert fresh.changes[0].change.mean_change == (5 * 1 + 5 * 2) / 10
    assert await _scalar(engine, select(func.count()).select_from(survey_answer_versions)) == 1
