"""The celebration day on fakes: abstracts pre-filled from a project and the word limit, judges and conflicts,
hidden scores, results as means with the number of judges, and the people's choice vote."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.events import abstracts, judging
from core.events.commands import AbstractText, Conflicted, InvalidAnswer, ScoreSheet
from core.events.model import AbstractStatus, Format, RegistrationStatus
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role
from core.projects.model import ProjectStatus
from tests.events.data import DAY, a_project, celebration, event_state, person
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingEventMessages()
ALL_FOURS = {"aim_measurement": 4, "learning": 4, "patient_involvement": 4, "spread": 4, "presentation": 4}


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def submitted(uow, content, lead, event_id, project_id, fmt="poster"):
    view = await abstracts.start_abstract(
        uow, user=lead, event_id=event_id, project_id=project_id, content=content, now=NOW
    )
    a = view.abstract
    text = AbstractText(a.id, a.title, a.aim, a.measures, a.changes, a.results, a.lessons, fmt)
    return (await abstracts.save_abstract(uow, user=lead, text=text, submit=True, content=content, now=NOW)).abstract


async def test_an_abstract_starts_from_the_project_and_is_submitted_within_the_word_limit(uow, content):
    lead = await person(uow, 1, now=NOW)
    await a_project(uow, lead, project_id=7, site="basildon")
    event_id = await celebration(uow)
    [source] = await abstracts.abstract_sources(uow, user=lead, event_id=event_id, now=NOW)
    assert (source.project_id, source.abstract) == (7, None)
    view = await abstracts.start_abstract(uow, user=lead, event_id=event_id, project_id=7, content=content, now=NOW)
    a = view.abstract
    assert a.title == "Fewer falls 7" and a.aim.startswith("Reduce falls at night for patients on Ward 7")
    assert a.measures == "Falls at night (outcome): latest 3 on 16 Nov 2026, 2 points"
    assert a.changes == "Two-hourly toilet rounds (adopted)"  # abandoned changes are left out
    assert (a.results, a.lessons, a.site, a.division) == ("Falls halved.", "Start small.", "basildon", "medicine")
    assert view.can_edit and a.status == AbstractStatus.DRAFT
    long = " ".join(["word"] * 301)
    too_long = AbstractText(a.id, a.title, a.aim, a.measures, a.changes, a.results, long, "poster")
    before = event_state(uow)
    with pytest.raises(InvalidAnswer, match="words; please keep it to 300"):
        await abstracts.save_abstract(uow, user=lead, text=too_long, submit=True, content=content, now=NOW)
    assert event_state(uow) == before
    done = await submitted(uow, content, lead, event_id, 7, fmt="presentation")
    assert done.status == AbstractStatus.SUBMITTED and done.format == Format.PRESENTATION and done.submitted_at == NOW


async def test_abstracts_are_only_for_the_lead_before_the_deadline(uow, content):
    lead, other = await person(uow, 1, now=NOW), await person(uow, 2, now=NOW)
    await a_project(uow, lead, project_id=7, site="basildon")
    await a_project(uow, lead, project_id=8, site="basildon", status=ProjectStatus.SUBMITTED)
    event_id = await celebration(uow)
    assert [s.project_id for s in await abstracts.abstract_sources(uow, user=lead, event_id=event_id, now=NOW)] == [7]
    with pytest.raises(NotAllowed):  # not yet active: no abstract
        await abstracts.start_abstract(uow, user=lead, event_id=event_id, project_id=8, content=content, now=NOW)
    with pytest.raises(NotAllowed):  # someone else's project
        await abstracts.start_abstract(uow, user=other, event_id=event_id, project_id=7, content=content, now=NOW)
    view = await abstracts.start_abstract(uow, user=lead, event_id=event_id, project_id=7, content=content, now=NOW)
    forged = AbstractText(view.abstract.id, "Mine now", None, None, None, None, None, "poster")
    before = event_state(uow)
    with pytest.raises(NotAllowed):
        await abstracts.save_abstract(uow, user=other, text=forged, submit=False, content=content, now=NOW)
    late = DAY - timedelta(days=13)
    with pytest.raises(InvalidInput, match="closed"):
        await abstracts.save_abstract(uow, user=lead, text=forged, submit=False, content=content, now=late)
    assert event_state(uow) == before


async def judges_and_abstracts(uow, content):
    """Two judges (Basildon, Southend), abstracts from Basildon (led by 1) and Southend (led by 2, coached by the
    Southend judge)."""
    admin = await person(uow, 90, now=NOW, site="community")
    admin = replace(admin, roles=admin.roles | {Role.ADMIN})
    basildon_judge = await person(uow, 91, now=NOW, site="basildon")
    southend_judge = await person(uow, 92, now=NOW, site="southend")
    for judge in (basildon_judge, southend_judge):
        await uow.users.grant_role(judge.id, Role.COACH, now=NOW)
    lead1, lead2 = await person(uow, 1, now=NOW, site="basildon"), await person(uow, 2, now=NOW, site="broomfield")
    await a_project(uow, lead1, project_id=7, site="basildon")
    await a_project(uow, lead2, project_id=8, site="broomfield", coach_id=southend_judge.id)
    await a_project(uow, lead2, project_id=9, site="broomfield")
    event_id = await celebration(uow)
    first = await submitted(uow, content, lead1, event_id, 7)
    second = await submitted(uow, content, lead2, event_id, 8)
    third = await submitted(uow, content, lead2, event_id, 9, fmt="presentation")
    await judging.assign_judges(
        uow,
        user=admin,
        event_id=event_id,
        judge_ids=[basildon_judge.id, southend_judge.id],
        content=content,
        messages=MESSAGES,
        now=NOW,
    )
    return admin, basildon_judge, southend_judge, event_id, (first, second, third)


async def score(uow, content, judge, abstract, scores=None, now=NOW):
    sheet = ScoreSheet(abstract.id, scores or ALL_FOURS, "Clear aim")
    return await judging.score_abstract(uow, user=judge, sheet=sheet, content=content, now=now)


async def test_judges_never_score_their_own_sites_team_or_their_own_project(uow, content):
    admin, basildon_judge, southend_judge, event_id, (first, second, third) = await judges_and_abstracts(uow, content)
    assert (
        sorted(r["message"].text for r in uow.db.outbox.values() if r["message"].text.startswith("judge"))
        == [f"judge {event_id}"] * 2
    )
    _, queue = await judging.judge_queue(uow, user=basildon_judge, event_id=event_id)
    assert [item.abstract.id for item in queue] == [second.id, third.id]  # not Basildon's
    _, queue = await judging.judge_queue(uow, user=southend_judge, event_id=event_id)
    assert [item.abstract.id for item in queue] == [first.id, third.id]  # not the project they coach
    before = event_state(uow)
    with pytest.raises(Conflicted, match="own site's team"):  # a forged card for a conflicted abstract
        await score(uow, content, basildon_judge, first)
    with pytest.raises(Conflicted, match="your own project"):
        await score(uow, content, southend_judge, second)
    with pytest.raises(NotAllowed, match="not a judge"):
        await score(uow, content, admin, first)
    assert event_state(uow) == before


async def test_scores_stay_hidden_until_all_are_in_then_means_with_the_number_of_judges(uow, content):
    admin, basildon_judge, southend_judge, event_id, (first, second, third) = await judges_and_abstracts(uow, content)
    await score(uow, content, basildon_judge, second, {**ALL_FOURS, "spread": 2})
    await score(uow, content, basildon_judge, third, {**ALL_FOURS, "presentation": 1})
    await score(uow, content, southend_judge, first, {**ALL_FOURS, "learning": 3})
    _, queue = await judging.judge_queue(uow, user=southend_judge, event_id=event_id)
    assert [item.mine for item in queue if item.abstract.id == third.id] == [None]  # the other judge's is not shown
    early = await judging.results(uow, user=admin, event_id=event_id, content=content, now=NOW)
    assert not early.complete and early.missing == 1 and early.by_format == {"poster": [], "presentation": []}
    with pytest.raises(NotAllowed):
        await judging.results(uow, user=basildon_judge, event_id=event_id, content=content, now=NOW)
    await score(uow, content, southend_judge, third, {**ALL_FOURS, "presentation": 3})
    after = DAY + timedelta(hours=9)  # voting closed
    outcome = await judging.results(uow, user=admin, event_id=event_id, content=content, now=after)
    assert outcome.complete and outcome.missing == 0
    posters = [(r.abstract.id, r.judges, r.mean_total) for r in outcome.by_format["poster"]]
    assert posters == [(first.id, 1, 19.0), (second.id, 1, 18.0)]
    [talk] = outcome.by_format["presentation"]
    assert (talk.judges, talk.mean_total, talk.means["presentation"]) == (2, 18.0, 2.0)


async def test_results_are_announced_once_to_every_attendee_after_all_scores_and_the_vote(uow, content):
    admin, basildon_judge, southend_judge, event_id, (first, second, third) = await judges_and_abstracts(uow, content)
    attendee = await person(uow, 5, now=NOW)
    await uow.events.add_registration(
        event_id=event_id, user_id=attendee.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
    )
    with pytest.raises(InvalidInput, match="still to come"):
        await judging.announce_results(uow, user=admin, event_id=event_id, content=content, messages=MESSAGES, now=NOW)
    for judge, items in ((basildon_judge, (second, third)), (southend_judge, (first, third))):
        for abstract in items:
            await score(uow, content, judge, abstract)
    with pytest.raises(InvalidInput, match="vote is still open"):
        await judging.announce_results(uow, user=admin, event_id=event_id, content=content, messages=MESSAGES, now=DAY)
    after = DAY + timedelta(hours=9)
    assert (
        await judging.announce_results(
            uow, user=admin, event_id=event_id, content=content, messages=MESSAGES, now=after
        )
        == 1
    )
    assert (
        await judging.announce_results(
            uow, user=admin, event_id=event_id, content=content, messages=MESSAGES, now=after
        )
        == 0
    )
    with pytest.raises(InvalidInput, match="announced"):
        await score(uow, content, basildon_judge, second, now=after)


async def test_one_vote_per_attendee_for_a_poster_changeable_until_voting_closes(uow, content):
    _, _, _, event_id, (first, second, third) = await judges_and_abstracts(uow, content)
    voter, stranger = await person(uow, 5, now=NOW), await person(uow, 6, now=NOW)
    await uow.events.add_registration(
        event_id=event_id, user_id=voter.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
    )
    on_the_day = DAY + timedelta(hours=1)

    async def vote(user, abstract, now=on_the_day):
        return await judging.cast_vote(
            uow, user=user, event_id=event_id, abstract_id=abstract.id, content=content, now=now
        )

    before = event_state(uow)
    with pytest.raises(InvalidInput, match="not open"):
        await vote(voter, first, now=NOW)
    with pytest.raises(NotAllowed, match="registered to attend"):
        await vote(stranger, first)
    with pytest.raises(InvalidInput, match="for posters"):
        await vote(voter, third)
    assert event_state(uow) == before
    await vote(voter, first)
    await vote(voter, first)  # voting twice for the same poster changes nothing
    await vote(voter, second)  # a changed mind
    assert await uow.events.vote_counts(event_id) == {second.id: 1}
    with pytest.raises(InvalidInput, match="not open"):
        await vote(voter, first, now=DAY + timedelta(hours=9))
    _, posters, mine, open_ = await judging.ballot(uow, user=voter, event_id=event_id, content=content, now=on_the_day)
    assert [p.id for p in posters] == [first.id, second.id] and mine == second.id and open_
