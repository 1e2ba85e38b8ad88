"""Integration on SQLite and PostgreSQL: the evidence read methods the measures use, the headcount table and its
constraints, the programme lead role, concurrent imports, and the dashboard's numbers equal to the fakes'."""

import asyncio
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.kernel.roles import grant_role
from core.measures.dashboard import build_dashboard
from core.measures.headcount import import_headcount
from core.measures.model import HeadcountRow
from tests.fakes import FakeUnitOfWork, teams_address
from tests.measures.data import HEADCOUNT_CSV, NOW, small_trust


def numbers(d) -> dict:
    """Everything a reader sees, as text, to compare two dashboards."""
    seen = {}
    for s in d.series:
        seen[(s.measure.id, "months")] = [(p.month, p.text, p.partial) for p in s.points]
        seen[(s.measure.id, "signal")] = (s.signal, s.assurance, s.cumulative and s.cumulative.text)
        if s.chart:
            seen[(s.measure.id, "limits")] = (round(s.chart.mean, 6), round(s.chart.upper_limit, 6))
    for t in d.tables:
        seen[(t.measure.id, "rows")] = [
            (
                r.dimension,
                r.key,
                r.this_year.text,
                r.last_year.text,
                r.change,
                r.cumulative and r.cumulative.text,
                r.headcount,
                r.reach,
                None if r.this_mean is None else round(r.this_mean, 6),
            )
            for r in t.rows
        ]
    seen["equity"] = [(r.label, r.count.text, r.headcount, r.rate) for r in d.equity.by_site_and_group]
    return seen


async def test_the_dashboard_on_a_database_equals_the_fakes(uow_factory, content):
    async with uow_factory() as uow:
        await small_trust(uow, content)
        await import_headcount(uow, text=HEADCOUNT_CSV, content=content, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        on_sql = await build_dashboard(uow, content=content, now=NOW)
    fake = FakeUnitOfWork()
    await small_trust(fake, content)
    await import_headcount(fake, text=HEADCOUNT_CSV, content=content, now=NOW)
    assert numbers(on_sql) == numbers(await build_dashboard(fake, content=content, now=NOW))
    assert on_sql.series[0].cumulative.text == "19" and on_sql.headcount_month == date(2026, 10, 1)


async def test_the_evidence_read_methods(uow_factory, content):
    async with uow_factory() as uow:
        staff = await small_trust(uow, content)
        await uow.commit()
    async with uow_factory() as uow:
        training = await uow.events.training_evidence(courses=("fundamentals",))
        assert len(training) == 19 and training[0][1] == date(2026, 9, 14)
        assert training[0][2:] == ("southend", "nursing_midwifery")
        assert await uow.events.training_evidence(courses=("practitioner",)) == []
        awards = await uow.learning.award_evidence("QI foundations")
        assert [u for u, *_ in awards] == [staff[6].id, staff[1].id, staff[0].id, staff[19].id]  # by date
        registered = await uow.projects.registration_evidence()
        assert [site for _, _, site, _ in registered] == ["broomfield", "southend", "basildon"]  # no draft
        evaluated = await uow.projects.evaluation_evidence()
        assert len(evaluated) == 1 and evaluated[0][3] == "ahp"


async def test_headcount_replaces_its_months_and_keeps_its_constraints(uow_factory):
    rows = [HeadcountRow(date(2026, 10, 1), "southend", "ahp", 7), HeadcountRow(date(2026, 9, 1), "southend", "ahp", 6)]
    async with uow_factory() as uow:
        assert await uow.measures.replace_headcount(rows, now=NOW) == 2
        await uow.measures.replace_headcount([HeadcountRow(date(2026, 10, 1), "basildon", "ahp", 3)], now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.measures.latest_headcount(on_or_before=date(2026, 12, 1)) == (
            date(2026, 10, 1),
            {("basildon", "ahp"): 3},
        )
        assert (await uow.measures.latest_headcount(on_or_before=date(2026, 9, 30)))[1] == {("southend", "ahp"): 6}
        assert await uow.measures.latest_headcount(on_or_before=date(2020, 1, 1)) == (None, {})
        assert await uow.measures.headcount_months() == [date(2026, 9, 1), date(2026, 10, 1)]
    for bad in (
        [HeadcountRow(date(2026, 8, 1), "southend", "ahp", -1)],
        [HeadcountRow(date(2026, 8, 1), "southend", "ahp", 1)] * 2,
    ):
        async with uow_factory() as uow:
            with pytest.raises(IntegrityError):
                await uow.measures.replace_headcount(bad, now=NOW)


async def test_two_imports_at_once_leave_one_whole_file(uow_factory, content):
    first = HEADCOUNT_CSV
    second = "month,site,staff_group,headcount\n2026-10,southend,ahp,9\n2026-10,basildon,ahp,11\n"

    async def run(text):
        async with uow_factory() as uow:
            summary = await import_headcount(uow, text=text, content=content, now=NOW)
            await asyncio.sleep(0.05)  # hold the transaction open so the two overlap
            await uow.commit()
            return summary.rows

    assert sorted(await asyncio.gather(run(first), run(second))) == [2, 5]
    async with uow_factory() as uow:
        _, counts = await uow.measures.latest_headcount(on_or_before=date(2026, 12, 1))
    assert sum(counts.values()) in (200, 20) and len(counts) in (5, 2)  # one file whole, never a mixture
    assert (len(counts) == 5) == (sum(counts.values()) == 200)


async def test_the_programme_lead_role_can_be_granted(uow_factory):
    async with uow_factory() as uow:
        user = (await record_contact(uow, address=teams_address(5), now=NOW)).user
        _, changed = await grant_role(uow, who=user.teams_user_id, role="lead", now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert changed and Role.LEAD in (await uow.users.get(user.id)).roles


async def test_survey_pairs_are_scored_as_the_survey_report_scores_them(uow_factory, content):
    from core.surveys.pairs import matched_pairs
    from core.surveys.scoring import score
    from tests.measures.data import pairs

    async with uow_factory() as uow:
        await small_trust(uow, content)
        # one more person whose "after" declines an item: not scored, so no pair
        await pairs(uow, content, [("southend", "ahp", 2, "prefer_not_to_say")], after="2026-10-11")
        await uow.commit()
    async with uow_factory() as uow:
        found = await matched_pairs(uow, instrument_id="qi_self_efficacy", scoring_id="self_efficacy", content=content)
        responses = await uow.surveys.responses("qi_self_efficacy")
    assert sorted(p.change for p in found) == [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    scale = content.surveys.instrument("qi_self_efficacy")
    scored = [score(scale.scoring[0], scale, r.answers) for r in responses]
    assert scored.count(None) == 1 and sorted(s for s in scored if s is not None) == [2.0] * 8 + [3.0] * 5
