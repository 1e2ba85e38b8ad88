"""Answering on fakes: section by section, drafts and resuming, answers checked on the server, prefer not to say,
forged and closed cards refused with nothing changed, and responses stored under the pseudonym only."""

import copy
import dataclasses
from datetime import timedelta

import pytest

from core.kernel.errors import NotAllowed
from core.surveys.answering import open_survey, open_surveys, save_section, show_section
from core.surveys.campaigns import survey_trigger
from core.surveys.commands import InvalidAnswer, SurveyClosed
from core.surveys.content import DECLINED
from core.surveys.model import Response, SectionView, SurveyDone
from core.surveys.pseudonyms import Pseudonyms
from tests.surveys.data import NOW, confidence, person, section


async def invited(uow, content, user, trigger="learning_started", now=NOW):
    await survey_trigger(uow, user_id=user.id, trigger=trigger, content=content, now=now)
    [invitation] = await uow.surveys.open_invitations(user.id, now=now)
    return invitation


def db(uow):
    """The fake database's contents (an empty table the fake made on first read counts as nothing)."""
    return copy.deepcopy({k: v for k, v in uow.db.__dict__.items() if k != "ids" and v != {}})


async def test_two_sections_then_submitted_under_the_pseudonym_with_no_user_id(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    first = await open_survey(uow, invitation_id=invitation.id, **kw)
    assert isinstance(first, SectionView) and first.index == 0 and first.first
    second = await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 2)), **kw)
    assert isinstance(second, SectionView) and second.index == 1 and second.last
    done = await save_section(uow, command=section(invitation.id, 1, confidence(scale, 1, 3)), **kw)
    assert isinstance(done, SurveyDone) and not done.changed
    [response] = await uow.surveys.responses("qi_self_efficacy")
    assert response.pseudonym == Pseudonyms("k" * 32).of(user.id) != str(user.id)
    assert response.submitted and response.wave == "before" and response.series == "micro_learning"
    assert response.answers == {
        **dict.fromkeys(confidence(scale, 0, 2), 2),
        **dict.fromkeys(confidence(scale, 1, 3), 3),
    }
    assert (response.site, response.staff_group) == ("basildon", "nursing_midwifery")
    assert "user_id" not in {f.name for f in dataclasses.fields(Response)}


async def test_finish_later_keeps_a_draft_and_opening_again_resumes_where_it_stopped(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 4)), **kw)
    part = {"pdsa_plan": "3"}  # one of five: fine for a draft
    saved = await save_section(uow, command=section(invitation.id, 1, part, later=True), **kw)
    assert saved.index == 1 and saved.notice.startswith("Saved")
    response = await uow.surveys.response(invitation.campaign_id, messages.pseudonyms.of(user.id))
    assert not response.submitted and response.section == 1 and response.answers["pdsa_plan"] == 3
    again = await open_survey(uow, invitation_id=invitation.id, **kw)
    assert again.index == 1 and again.answers["pdsa_plan"] == 3 and again.answers["smart_aim"] == 4
    [mine] = await open_surveys(uow, **kw)
    assert mine.status == "draft"


async def test_back_shows_an_earlier_section_with_its_answers(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 1)), **kw)
    back = await show_section(uow, invitation_id=invitation.id, index=0, **kw)
    assert back.index == 0 and back.answers["run_chart"] == 1


@pytest.mark.parametrize(
    "answers, field, words",
    [
        ({"smart_aim": "5"}, "smart_aim", "one of 1, 2, 3, 4"),
        ({"smart_aim": "0"}, "smart_aim", "one of 1, 2, 3, 4"),
        ({"smart_aim": "two"}, "smart_aim", "one of 1, 2, 3, 4"),
        ({"smart_aim": DECLINED}, "smart_aim", "no 'prefer not to say'"),
        ({}, "smart_aim", "Please answer this question"),
    ],
)
async def test_an_answer_off_the_scale_or_missing_is_refused_by_its_item(uow, content, messages, answers, field, words):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    full = {**confidence(scale, 0, 2), **answers}
    if not answers:
        full.pop("smart_aim")
    before = db(uow)
    with pytest.raises(InvalidAnswer) as refused:
        await save_section(
            uow,
            user=user,
            command=section(invitation.id, 0, full),
            content=content,
            pseudonyms=messages.pseudonyms,
            now=NOW,
        )
    assert refused.value.field == field and words in refused.value.message
    assert db(uow) == before


async def test_choices_text_limits_and_prefer_not_to_say_where_allowed(uow, content, messages):
    user = await person(uow, 1)
    campaign_inv = await _scoping_invitation(uow, content, user)
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    for answers, field in (
        ({"understanding_level": "3", "tools_used": ("pdsa", "teleport")}, "tools_used"),
        ({"understanding_level": "3", "meaning": "x" * 501}, "meaning"),
    ):
        with pytest.raises(InvalidAnswer) as refused:
            await save_section(uow, command=section(campaign_inv.id, 0, answers), **kw)
        assert refused.value.field == field
    await save_section(uow, command=section(campaign_inv.id, 0, {"understanding_level": "3"}), **kw)
    await save_section(
        uow, command=section(campaign_inv.id, 1, {"prior_training": ("none",), "confidence_overall": DECLINED}), **kw
    )
    with pytest.raises(InvalidAnswer, match="at most 3") as refused:
        await save_section(
            uow, command=section(campaign_inv.id, 2, {"help_areas": ("aims", "charts", "time", "people")}), **kw
        )
    await save_section(uow, command=section(campaign_inv.id, 2, {"help_areas": ("time", "aims")}), **kw)
    with pytest.raises(InvalidAnswer, match="either"):
        await save_section(
            uow, command=section(campaign_inv.id, 3, {"staff_group": (DECLINED,), "site": ("basildon", DECLINED)}), **kw
        )
    done = await save_section(
        uow, command=section(campaign_inv.id, 3, {"staff_group": DECLINED, "site": "southend"}), **kw
    )
    assert isinstance(done, SurveyDone)
    [response] = await uow.surveys.responses("scoping")
    assert response.answers["confidence_overall"] == DECLINED and response.answers["help_areas"] == ["aims", "time"]
    # the survey's own answers are what the reports group by: declined is "not recorded", not the profile's
    assert (response.site, response.staff_group) == ("southend", None)


async def _scoping_invitation(uow, content, user):
    campaign = await uow.surveys.add_campaign(
        instrument_id="scoping",
        instrument_version=1,
        wave="campaign",
        series=None,
        rule_id=None,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=14),
        reminders=0,
        audience=None,
        audience_value=None,
        created_by=None,
        form_token="t1",
        now=NOW,
    )
    await uow.surveys.add_invitations(campaign.id, [user.id], opens_at=NOW, closes_at=NOW + timedelta(days=14), now=NOW)
    return await uow.surveys.invitation_for(campaign.id, user.id)


async def test_submitting_with_an_earlier_section_incomplete_goes_back_to_it(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    await save_section(uow, command=section(invitation.id, 0, {"smart_aim": "2"}, later=True), **kw)
    view = await save_section(uow, command=section(invitation.id, 1, confidence(scale, 1, 3)), **kw)
    assert isinstance(view, SectionView) and view.index == 0 and "Nearly done" in view.notice
    assert await uow.surveys.responses("qi_self_efficacy") == []


async def test_a_forged_card_for_another_persons_survey_is_refused_and_changes_nothing(uow, content, messages):
    owner, other = await person(uow, 1), await person(uow, 2)
    invitation = await invited(uow, content, owner)
    scale = content.surveys.instrument("qi_self_efficacy")
    before = db(uow)
    for call in (
        open_survey(
            uow, user=other, invitation_id=invitation.id, content=content, pseudonyms=messages.pseudonyms, now=NOW
        ),
        save_section(
            uow,
            user=other,
            command=section(invitation.id, 0, confidence(scale, 0, 1)),
            content=content,
            pseudonyms=messages.pseudonyms,
            now=NOW,
        ),
    ):
        with pytest.raises(NotAllowed):
            await call
    assert db(uow) == before


async def test_answers_can_change_until_the_window_closes_then_nothing_changes(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms)
    await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 1)), now=NOW, **kw)
    await save_section(uow, command=section(invitation.id, 1, confidence(scale, 1, 1)), now=NOW, **kw)
    later = NOW + timedelta(days=20)
    assert isinstance(await open_survey(uow, invitation_id=invitation.id, now=later, **kw), SurveyDone)
    changed = await save_section(
        uow, command=section(invitation.id, 0, confidence(scale, 0, 4), later=True), now=later, **kw
    )
    assert isinstance(changed, SurveyDone) and changed.changed
    [response] = await uow.surveys.responses("qi_self_efficacy")
    assert response.submitted and response.answers["smart_aim"] == 4 and response.answers["pdsa_plan"] == 1
    # a submitted response stays complete: Finish later cannot leave a required answer out
    with pytest.raises(InvalidAnswer):
        await save_section(uow, command=section(invitation.id, 0, {"smart_aim": "4"}, later=True), now=later, **kw)
    closed = invitation.closes_at
    before = db(uow)
    with pytest.raises(SurveyClosed, match="closed on"):
        await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 2)), now=closed, **kw)
    with pytest.raises(SurveyClosed):
        await open_survey(uow, invitation_id=invitation.id, now=closed, **kw)
    assert db(uow) == before
    assert await open_surveys(uow, now=closed, **kw) == []


async def test_thirty_double_taps_on_submit_store_one_response(uow, content, messages):
    user = await person(uow, 1)
    invitation = await invited(uow, content, user)
    scale = content.surveys.instrument("qi_self_efficacy")
    kw = dict(user=user, content=content, pseudonyms=messages.pseudonyms, now=NOW)
    await save_section(uow, command=section(invitation.id, 0, confidence(scale, 0, 2)), **kw)
    for _ in range(30):
        await save_section(uow, command=section(invitation.id, 1, confidence(scale, 1, 2)), **kw)
    assert len(await uow.surveys.responses("qi_self_efficacy")) == 1
