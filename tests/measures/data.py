"""A small trust whose measures are worked out by hand (the figures are in the tests), built through the owning
capabilities' repositories, so the same story runs on the fakes and on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.kernel.contacts import record_contact
from core.projects.commands import Evaluation
from core.surveys.model import Audience
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # November 2026 is the incomplete month; October the last complete
PEOPLE = (
    *[("southend", "nursing_midwifery")] * 6,  # p1-p6
    *[("basildon", "nursing_midwifery")] * 6,  # p7-p12
    *[("broomfield", "ahp")] * 6,  # p13-p18
    ("southend", "medical_dental"),  # p19
    ("southend", "medical_dental"),  # p20
)
HEADCOUNT_CSV = """month,site,staff_group,headcount
2026-10,southend,nursing_midwifery,40
2026-10,southend,medical_dental,20
2026-10,basildon,nursing_midwifery,30
2026-10,Broomfield Hospital (Chelmsford),Allied health professionals,60
2026-10,broomfield,nursing_midwifery,50
"""


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


async def people(uow) -> list:
    found = []
    for n, (site, group) in enumerate(PEOPLE, start=1):
        user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
        await uow.users.save_profile(user.id, site=site, staff_group=group, experience="none", now=NOW)
        found.append(await uow.users.get(user.id))
    return found


async def course(uow, *, on: date) -> int:
    return await uow.events.add_event(
        template="fundamentals",
        kind="course",
        title="QSIR Fundamentals",
        site="basildon",
        venue="Education Centre",
        online_url=None,
        capacity=40,
        registration_closes_at=at(on.isoformat()),
        abstracts_close_at=None,
        voting_closes_at=None,
        created_by=None,
        dates=[(at(on.isoformat()), at(on.isoformat()).replace(hour=17))],
        now=datetime(2024, 1, 1, tzinfo=UTC),
    )


async def project(uow, lead, *, submitted: str | None, evaluated: str | None = None) -> int:
    draft = await uow.projects.create_draft(lead.id, now=at("2024-01-01"))
    draft.title, draft.site = f"Project of {lead.id}", lead.site
    await uow.projects.save(draft, now=at("2024-01-01"))
    if submitted:
        await uow.projects.mark_submitted(draft.id, now=at(submitted))
    if evaluated:
        evaluation = Evaluation("Better", "adopt", "Owned by the ward", None, "Test small")
        await uow.projects.save_evaluation(draft.id, evaluation, now=at(evaluated))
    return draft.id


async def pairs(uow, content, rows: list[tuple[str, str, int, int | str]], *, after: str) -> None:
    """Matched self-efficacy responses: (site, staff group, before score, after score) a person."""
    scale = content.surveys.instrument("qi_self_efficacy")
    campaigns = {}
    for wave in ("before", "after"):
        campaigns[wave] = await uow.surveys.add_campaign(
            instrument_id=scale.id,
            instrument_version=scale.version,
            wave=wave,
            series="qsir_course",
            rule_id=None,
            opens_at=at("2026-01-01"),
            closes_at=at("2027-01-01"),
            reminders=0,
            audience=Audience.EVERYONE,
            audience_value=None,
            created_by=None,
            form_token=f"t-{wave}-{after}",
            now=at("2026-01-01"),
        )
    items = [item.id for section in scale.sections for item in section.items]
    for n, (site, group, before, later) in enumerate(rows):
        for wave, value, when in (("before", before, "2026-06-01"), ("after", later, after)):
            response = await uow.surveys.start_response(campaigns[wave], f"pseudo-{after}-{n}", now=at(when))
            await uow.surveys.save_response(
                response.id,
                answers=dict.fromkeys(items, value),
                section=0,
                site=site,
                staff_group=group,
                experience="none",
                now=at(when),
            )
            await uow.surveys.submit_response(response.id, now=at(when))


async def small_trust(uow, content) -> list:
    """Training: p1-p6 a course in Sep 2026; p7-p19 a course in Oct 2026. The award: p1 in Oct 2026 (so p1 counts
    in Sep and in Oct, once in all), p2 in Sep 2026 (the same month as the course: once), p7 in Oct 2025 (last
    year), p20 in Nov 2026 (the incomplete month). Projects: p1's in Sep 2026, p7's in Oct 2026, p13's in Oct 2025
    evaluated in Oct 2026, p2's draft never submitted. Self-efficacy: 6 pairs in Oct 2026, 5 at Southend."""
    staff = await people(uow)
    sep, oct_ = await course(uow, on=date(2026, 9, 14)), await course(uow, on=date(2026, 10, 12))
    for person in staff[:6]:
        await uow.events.add_training(
            user_id=person.id, event_id=sep, course="fundamentals", completed_on=date(2026, 9, 14), now=NOW
        )
    for person in staff[6:19]:
        await uow.events.add_training(
            user_id=person.id, event_id=oct_, course="fundamentals", completed_on=date(2026, 10, 12), now=NOW
        )
    for n, day in ((0, "2026-10-20"), (1, "2026-09-30"), (6, "2025-10-03"), (19, "2026-11-02")):
        await uow.learning.award(staff[n].id, "QI foundations", now=at(day))
    await project(uow, staff[0], submitted="2026-09-10")
    await project(uow, staff[6], submitted="2026-10-05")
    await project(uow, staff[12], submitted="2025-10-20", evaluated="2026-10-15")
    await project(uow, staff[1], submitted=None)
    rows = [("southend", "nursing_midwifery", 2, 3)] * 5 + [("basildon", "nursing_midwifery", 2, 2)]
    await pairs(uow, content, rows, after="2026-10-10")
    return staff
