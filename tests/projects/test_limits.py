"""Fixed limits and rebasing, stored and used (issue 9.8): the team of a live project fixes a measure's XmR limits
on a baseline of at least 12 points, or rebases them at a date with a reason; the chart and the card's words
follow (trial, fixed, rebased). The chart page passes them to the drawing: tests/projects/test_chart_links.py."""

from datetime import date, timedelta

import pytest

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.measurement import Rebase
from core.projects import services as svc
from core.projects.commands import ChartSetting, DataPoint, InvalidField
from core.projects.model import Measure
from dialogs.projects.limits import describe, in_brief
from tests.dialogs.harness import card_inputs, card_text, find_action
from tests.fakes import FakeUnitOfWork
from tests.projects.data import NOW, approved, onboarded_chats, person, registered, unchanged

FLAT = [5, 4, 6, 5, 4, 6, 5, 4, 6, 5, 4, 6]
START = date(2026, 5, 4)


def weeks(n: int) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(n)]


@pytest.fixture
async def uow():
    return FakeUnitOfWork()


async def xmr_measure(uow, content, values, *, lead=None, coach=None):
    lead = lead or await person(uow, 1)
    coach = coach or await person(uow, 2, coach=True)
    project = await approved(uow, content, lead, coach)
    measure = project.measures[0]
    await svc.set_chart(uow, user=lead, setting=ChartSetting(measure.id, "xmr", "increase"), now=NOW)
    for day, value in zip(weeks(len(values)), values, strict=True):
        await svc.add_data(uow, user=lead, point=DataPoint(measure.id, day, value), project_id=project.id, now=NOW)
    return lead, coach, project, measure


async def test_the_team_fixes_the_limits_on_a_baseline_of_at_least_12_points(uow, content):
    lead, coach, project, measure = await xmr_measure(uow, content, FLAT + [9, 9.5])
    for baseline, words in (
        (11, "at least 12"),
        (15, "at most the 14 points"),
        (12.5, "number of points"),
        (None, "e.g."),
    ):
        async with unchanged(uow, InvalidField, words) as refused:
            await svc.fix_limits(uow, user=lead, measure_id=measure.id, fix_after=baseline)
        assert refused.value.field == "fix_after"
    fixed = await svc.fix_limits(uow, user=coach, measure_id=measure.id, fix_after=12.0)
    assert fixed.measure.fix_after == 12 and (await uow.projects.measure(measure.id)).fix_after == 12
    last = fixed.chart.segments[-1]
    assert last.fixed and last.baseline == 12 and [p.kind for p in fixed.chart.points[-2:]] == ["improvement"] * 2
    unfixed = await svc.unfix_limits(uow, user=lead, measure_id=measure.id)
    assert unfixed.measure.fix_after is None and not unfixed.chart.segments[-1].fixed


async def test_the_team_rebases_at_a_date_with_a_reason(uow, content):
    lead, _, project, measure = await xmr_measure(uow, content, FLAT + [v + 10 for v in FLAT])
    days = weeks(24)
    for on, reason, field in (
        (None, "New pathway", "on"),
        (days[0], "New pathway", "on"),  # the first point: nothing before it to break from
        (days[-1] + timedelta(days=1), "New pathway", "on"),  # after the last point
        (days[12], "  ", "reason"),
    ):
        async with unchanged(uow, InvalidField) as refused:
            await svc.rebase(uow, user=lead, measure_id=measure.id, on=on, reason=reason, now=NOW)
        assert refused.value.field == field
    rebased = await svc.rebase(uow, user=lead, measure_id=measure.id, on=days[12], reason=" New pathway ", now=NOW)
    assert rebased.measure.rebases == (Rebase(days[12], "New pathway"),)
    assert [s.reason for s in rebased.chart.segments] == [None, "New pathway"]
    assert all(p.kind == "common_cause" for p in rebased.chart.points)  # each stretch judged on its own limits
    again = await svc.rebase(uow, user=lead, measure_id=measure.id, on=days[12], reason="Stroke pathway", now=NOW)
    assert again.measure.rebases == (Rebase(days[12], "Stroke pathway"),)  # one a date: the reason is replaced
    removed = await svc.remove_rebase(uow, user=lead, measure_id=measure.id, on=days[12])
    assert removed.measure.rebases == () and len(removed.chart.segments) == 1


async def test_a_measure_is_rebased_at_most_12_times(uow, content):
    lead, _, _, measure = await xmr_measure(uow, content, FLAT + FLAT)
    for day in weeks(24)[1:13]:
        await svc.rebase(uow, user=lead, measure_id=measure.id, on=day, reason="Change", now=NOW)
    async with unchanged(uow, InvalidInput, "at most 12"):
        await svc.rebase(uow, user=lead, measure_id=measure.id, on=weeks(24)[20], reason="Change", now=NOW)


async def test_only_the_team_of_a_live_project_sets_the_limits_of_an_xmr_chart(uow, content):
    lead, coach, project, measure = await xmr_measure(uow, content, FLAT)
    other = await person(uow, 3)
    async with unchanged(uow, NotAllowed):
        await svc.fix_limits(uow, user=other, measure_id=measure.id, fix_after=12)
    async with unchanged(uow, NotAllowed):
        await svc.limits_view(uow, user=other, measure_id=measure.id)
    async with unchanged(uow, NotFound):
        await svc.fix_limits(uow, user=lead, measure_id=999_999, fix_after=12)
    run = project.measures[1]
    async with unchanged(uow, InvalidInput, "XmR chart"):
        await svc.fix_limits(uow, user=lead, measure_id=run.id, fix_after=12)
    draft = await registered(uow, content, await person(uow, 4), coach)
    async with unchanged(uow, NotFound):  # someone else's draft: its measure does not exist for them
        await svc.limits_view(uow, user=other, measure_id=draft.measures[0].id)
    await svc.close(uow, user=lead, project_id=project.id, completed=False, now=NOW)
    async with unchanged(uow, InvalidInput, "updates are for approved"):
        await svc.rebase(uow, user=lead, measure_id=measure.id, on=weeks(12)[5], reason="Late", now=NOW)


def test_the_words_say_which_limits_a_chart_shows():
    def chart(values, **settings):
        measure = Measure(1, 1, "outcome", "Falls", "x", chart="xmr", **settings)
        return svc.measure_xmr(measure, list(zip(weeks(len(values)), values, strict=True)))

    trial = chart(FLAT[:8])
    assert "Trial limits: 8 points, fewer than 12" in describe(trial, weeks(8), None)[0]
    assert in_brief(trial) == "Trial limits: 8 points, fewer than 12."
    fixed = chart(FLAT + [5, 6], fix_after=12)
    (line,) = describe(fixed, weeks(14), 12)
    assert "Fixed on its first 12 points: the 2 later points are judged against them." in line
    assert in_brief(fixed) == "Limits fixed on a baseline of 12 points."
    waiting = chart(FLAT, fix_after=12)  # fixed, but no later point yet
    assert "To be fixed on its first 12 points" in describe(waiting, weeks(12), 12)[0]
    rebased = chart(FLAT + FLAT, rebases=(Rebase(weeks(24)[12], "New pathway"),))
    first, second = describe(rebased, weeks(24), None)
    assert first.startswith("From 4 May 2026: mean 5, limits") and "From all 12 points" in first
    assert second.startswith("Rebased from 27 Jul 2026 (New pathway): mean 5")
    assert in_brief(rebased) == "Rebased 1x. Limits from all 12 points, not fixed yet."


# --- transcripts ---------------------------------------------------------------------------------------------


async def test_fix_and_rebase_from_the_project_card(content):
    uow = FakeUnitOfWork()
    lead, coach, other = await onboarded_chats(content, uow)
    _, _, project, measure = await xmr_measure(
        uow, content, FLAT + [9, 9.5], lead=await lead.user(), coach=await coach.user()
    )
    card = (await lead.press("projects.open", project_id=project.id)).card
    assert "higher is better. Limits from all 14 points, not fixed yet." in card_text(card)
    limits = (await lead.press_button(card, "Limits")).card
    assert "From all 14 points" in card_text(limits) and card_inputs(limits)["fix_after"] == 14
    refused = await lead.press_button(limits, "Fix the limits", fix_after=5)
    assert refused.commit is False and "at least 12 points" in card_text(refused.card)
    assert card_inputs(refused.card)["fix_after"] == 5  # what was typed stays, with the message by it
    limits = (await lead.press_button(limits, "Fix the limits", fix_after=12)).card
    text = card_text(limits)
    assert "Limits fixed on the first 12 points." in text and "the 2 later points are judged against them" in text
    image = next(e for e in limits["body"] if e.get("type") == "Image")["url"]
    limits = (await lead.press_button(limits, "Rebase from this date", on="", reason="Night checks")).card
    assert "Please give the date the change started." in card_text(limits)
    on = (START + timedelta(weeks=12)).isoformat()
    limits = (await lead.press_button(limits, "Rebase from this date", on=on, reason="Night checks")).card
    text = card_text(limits)
    assert "Rebased from 27 Jul 2026 (Night checks)" in text and "Trial limits: 2 points" in text
    assert next(e for e in limits["body"] if e.get("type") == "Image")["url"] != image  # a new picture
    limits = (await lead.press_button(limits, "Remove")).card
    assert "Rebased from" not in card_text(limits) and "Rebase removed." in card_text(limits)
    limits = (await lead.press_button(limits, "Stop fixing")).card
    assert "From all 14 points" in card_text(limits)
    card = (await lead.press_button(limits, "Back")).card
    assert find_action(card, "Limits")

    outsider = (await other.press("projects.open", project_id=project.id)).card
    assert "Limits" not in [b.get("title") for b in outsider.get("actions", [])] and "Fix the limits" not in str(
        outsider
    )
    before = other.snapshot()
    crafted = await other.press("projects.fix_limits", measure_id=measure.id, fix_after=12)
    assert crafted.commit is False and other.snapshot() == before
    assert "Only the project's lead" in card_text(crafted.card)
