"""Triggers and delivery on fakes: once per trigger, the after survey only for people asked before, the
follow-up 3 months on at 09:00 London time across both clock changes, the micro-learning tick, invitations
through the nudge gate once, reminders to non-responders only and at most 2, and an admin's campaign."""

from datetime import UTC, datetime, timedelta

import pytest

from core.kernel.errors import NotAllowed
from core.kernel.model import Preferences, Role
from core.learning.model import LearningCard
from core.surveys.answering import save_section
from core.surveys.campaigns import add_months, start_campaign, survey_trigger
from core.surveys.commands import CampaignRequest, InvalidAnswer
from core.surveys.delivery import learning_triggers, remind_non_responders, send_invitations
from tests.surveys.data import NOW, confidence, person, section


async def invitations(uow):
    """Every invitation the fake database holds, sent or not, open or closed."""
    return sorted(uow.db.__dict__.get("surveys_invitations", {}).values(), key=lambda i: i.id)


def outbox(uow):
    return sorted(uow.db.outbox.values(), key=lambda r: r["id"])


async def test_a_trigger_invites_once_however_often_it_fires(uow, content):
    user = await person(uow, 1)
    first = await survey_trigger(uow, user_id=user.id, trigger="learning_started", content=content, now=NOW)
    again = await survey_trigger(
        uow, user_id=user.id, trigger="learning_started", content=content, now=NOW + timedelta(hours=1)
    )
    assert first.invited == ["learning_before"] and again.invited == [] and again.skipped == ["learning_before"]
    [invitation] = await uow.surveys.open_invitations(user.id, now=NOW)
    assert invitation.closes_at == NOW + timedelta(days=21)
    assert len(await uow.surveys.campaigns()) == 1


async def test_the_after_survey_needs_a_before_and_brings_its_follow_up(uow, content):
    never_before, learner = await person(uow, 1), await person(uow, 2)
    skipped = await survey_trigger(uow, user_id=never_before.id, trigger="learning_completed", content=content, now=NOW)
    assert skipped.invited == [] and set(skipped.skipped) == {"learning_after", "learning_follow_up"}
    await survey_trigger(
        uow, user_id=learner.id, trigger="learning_started", content=content, now=NOW - timedelta(days=10)
    )
    done = await survey_trigger(uow, user_id=learner.id, trigger="learning_completed", content=content, now=NOW)
    assert done.invited == ["learning_after", "learning_follow_up"]
    campaigns = {c.id: c for c in await uow.surveys.campaigns()}
    waves = {campaigns[i.campaign_id].wave: i for i in await invitations(uow) if i.user_id == learner.id}
    assert set(waves) == {"before", "after", "follow_up"}
    assert waves["follow_up"].opens_at == datetime(2027, 2, 25, 9, tzinfo=UTC)  # GMT: 09:00 London is 09:00 UTC


@pytest.mark.parametrize(
    "completed, follow_up",
    [
        (datetime(2026, 1, 10, 12, tzinfo=UTC), datetime(2026, 4, 10, 8, tzinfo=UTC)),  # into BST (29 March)
        (datetime(2026, 7, 29, 12, tzinfo=UTC), datetime(2026, 10, 29, 9, tzinfo=UTC)),  # out of BST (25 October)
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), datetime(2027, 2, 28, 9, tzinfo=UTC)),  # 30 Nov -> 28 Feb
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), datetime(2026, 10, 1, 8, tzinfo=UTC)),  # 00:30 BST is 1 July
    ],
)
def test_the_follow_up_is_three_months_on_at_nine_london_time_across_clock_changes(content, completed, follow_up):
    assert add_months(completed, 3, content) == follow_up


async def test_the_follow_up_is_sent_only_once_it_is_due(uow, content, messages):
    learner = await person(uow, 1)
    await survey_trigger(uow, user_id=learner.id, trigger="learning_started", content=content, now=NOW)
    await survey_trigger(uow, user_id=learner.id, trigger="learning_completed", content=content, now=NOW)
    assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 2  # before and after
    later = datetime(2027, 2, 25, 9, 5, tzinfo=UTC)  # a Thursday, in working hours
    assert await send_invitations(uow, content=content, messages=messages, now=later - timedelta(days=1)) == 0
    assert await send_invitations(uow, content=content, messages=messages, now=later) == 1
    assert [r["dedupe_key"] for r in outbox(uow)][-1].startswith("surveys:inv:")
    assert all(r["category"] == "surveys" and r["counts_to_budget"] for r in outbox(uow))


async def test_the_micro_learning_tick_sends_before_on_starting_and_after_on_completing(uow, content, messages):
    starter, finisher, old_hand = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    award = content.learning.rules.award
    for user, started in (
        (starter, NOW - timedelta(days=2)),
        (finisher, NOW - timedelta(days=30)),
        (old_hand, NOW - timedelta(days=200)),
    ):
        await uow.learning.save_card(
            LearningCard(
                user.id, "q1", state=2, step=None, stability=1.0, difficulty=5.0, due=NOW, last_review=started
            ),
            now=started,
        )
        await uow.learning.add_review(user_id=user.id, now=started, new_card=True)
    # the finisher was asked before (by an earlier run) and completed yesterday; the old hand completed long ago
    await survey_trigger(
        uow, user_id=finisher.id, trigger="learning_started", content=content, now=NOW - timedelta(days=30)
    )
    await uow.learning.award(finisher.id, award, now=NOW - timedelta(days=1))
    await uow.learning.award(old_hand.id, award, now=NOW - timedelta(days=150))
    assert await learning_triggers(uow, content=content, messages=messages, now=NOW) == 3  # before; after + follow-up
    assert await learning_triggers(uow, content=content, messages=messages, now=NOW + timedelta(hours=1)) == 0
    campaigns = {c.id: c for c in await uow.surveys.campaigns()}
    asked = {(i.user_id, campaigns[i.campaign_id].wave) for i in await invitations(uow)}
    assert asked == {
        (starter.id, "before"),
        (finisher.id, "before"),
        (finisher.id, "after"),
        (finisher.id, "follow_up"),
    }
    [before] = [i for i in await invitations(uow) if i.user_id == starter.id]
    assert before.opens_at == NOW - timedelta(days=2)  # the window runs from when they started


async def test_invitations_go_through_the_gate_once_and_respect_opt_outs(uow, content, messages):
    keen, opted_out = await person(uow, 1), await person(uow, 2)
    await uow.preferences.save(Preferences(user_id=opted_out.id, opted_out=frozenset({"surveys"})), now=NOW)
    for user in (keen, opted_out):
        await survey_trigger(uow, user_id=user.id, trigger="learning_started", content=content, now=NOW)
    assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 1
    assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 0
    [row] = outbox(uow)
    assert row["user_id"] == keen.id and row["message"].text.startswith("invitation qi_self_efficacy")


async def test_reminders_go_to_non_responders_only_spread_over_the_window_and_at_most_two(uow, content, messages):
    responder, drafter, silent = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    for user in (responder, drafter, silent):
        await survey_trigger(uow, user_id=user.id, trigger="learning_started", content=content, now=NOW)
    await send_invitations(uow, content=content, messages=messages, now=NOW)
    scale = content.surveys.instrument("qi_self_efficacy")
    [inv_r] = await uow.surveys.open_invitations(responder.id, now=NOW)
    [inv_d] = await uow.surveys.open_invitations(drafter.id, now=NOW)
    kw = dict(content=content, pseudonyms=messages.pseudonyms, now=NOW)
    await save_section(uow, user=responder, command=section(inv_r.id, 0, confidence(scale, 0, 2)), **kw)
    await save_section(uow, user=responder, command=section(inv_r.id, 1, confidence(scale, 1, 2)), **kw)
    await save_section(uow, user=drafter, command=section(inv_d.id, 0, confidence(scale, 0, 2), later=True), **kw)
    # 21 days, 2 reminders: due after 7 and 14 days
    assert await remind_non_responders(uow, content=content, messages=messages, now=NOW + timedelta(days=6)) == 0
    sent = []
    for day in (7, 8, 14, 15, 20):
        when = NOW + timedelta(days=day, hours=1)
        sent.append(await remind_non_responders(uow, content=content, messages=messages, now=when))
    assert sent == [2, 0, 2, 0, 0]
    reminders = [r for r in outbox(uow) if ":reminder:" in r["dedupe_key"]]
    assert sorted(r["user_id"] for r in reminders) == sorted([drafter.id, silent.id] * 2)
    assert {r["dedupe_key"].rsplit(":", 1)[1] for r in reminders} == {"1", "2"}


def request(**overrides) -> CampaignRequest:
    values = dict(
        instrument_id="scoping",
        audience="site",
        audience_value="southend",
        closes_on="2026-12-09",
        reminders="2",
        form_token="form-1",
    )
    return CampaignRequest(**{**values, **overrides})


async def test_an_admin_starts_a_campaign_for_an_audience_once_per_form(uow, content):
    admin = await person(uow, 1)
    await uow.users.grant_role(admin.id, Role.ADMIN, now=NOW)
    admin = await uow.users.get(admin.id)
    southend = [await person(uow, n, site="southend") for n in (2, 3)]
    await person(uow, 4, site="basildon")
    started = await start_campaign(uow, user=admin, request=request(), content=content, now=NOW)
    assert started.invited == 2 and not started.already
    assert started.campaign.closes_at == datetime(2026, 12, 10, 0, tzinfo=UTC)  # the end of 9 Dec in London
    again = await start_campaign(uow, user=admin, request=request(), content=content, now=NOW)
    assert again.already and again.campaign.id == started.campaign.id
    assert {i.user_id for i in await invitations(uow)} == {u.id for u in southend}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"instrument_id": "nope"}, "instrument_id"),
        ({"audience": "planet"}, "audience"),
        ({"audience_value": "mars"}, "audience_value"),
        ({"closes_on": "soon"}, "closes_on"),
        ({"closes_on": "2026-11-25"}, "closes_on"),
        ({"closes_on": "2027-06-01"}, "closes_on"),
        ({"reminders": "3"}, "reminders"),
    ],
)
async def test_a_bad_campaign_form_is_refused_by_its_field(uow, content, change, field):
    admin = await person(uow, 1)
    await uow.users.grant_role(admin.id, Role.ADMIN, now=NOW)
    with pytest.raises(InvalidAnswer) as refused:
        await start_campaign(
            uow, user=await uow.users.get(admin.id), request=request(**change), content=content, now=NOW
        )
    assert refused.value.field == field
    assert await uow.surveys.campaigns() == []


async def test_only_an_admin_starts_a_campaign(uow, content):
    with pytest.raises(NotAllowed):
        await start_campaign(uow, user=await person(uow, 1), request=request(), content=content, now=NOW)
