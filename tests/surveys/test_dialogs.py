"""Transcripts of the survey flows: the invitation, section cards with Finish later and resume, refused answers
and forged or closed cards (nothing changes), `my surveys`, the admins' report and campaign form, and theming."""

import copy

from bot import registry
from core.kernel.model import Role
from core.surveys.campaigns import survey_trigger
from core.surveys.delivery import send_invitations
from dialogs.surveys import answer, campaign, report, themes
from dialogs.surveys.wording import PRIVACY
from tests.dialogs.harness import Chat, FakeLinks, card_text, find_action, only_card
from tests.fakes import FakeUnitOfWork


def state(chat) -> dict:
    return copy.deepcopy({k: v for k, v in chat.uow.db.__dict__.items() if k != "ids" and v != {}})


async def onboarded(content, n=1, uow=None, site="basildon", group="ahp", admins=frozenset()):
    chat = Chat(content, n=n, uow=uow, admins=admins)
    await chat.press("onboarding.save", site=site, staff_group=group, experience="none")
    return chat


async def invitation_card(chat, trigger="learning_started"):
    user = await chat.user()
    await survey_trigger(chat.uow, user_id=user.id, trigger=trigger, content=chat.content, now=chat.clock.now())
    messages = registry.messages(chat.content, FakeLinks())["surveys"]
    await send_invitations(chat.uow, content=chat.content, messages=messages, now=chat.clock.now())
    await chat.uow.commit()
    rows = [r for r in chat.uow.db.outbox.values() if r["dedupe_key"].startswith("surveys:inv:")]
    return rows[-1]["message"].card


def scale_answers(card, value="3"):
    return {i["id"]: value for i in card["body"] if i.get("id", "").startswith("q_")}


async def test_the_before_survey_across_sections_with_finish_later_and_resume(content):
    chat = await onboarded(content)
    invite = await invitation_card(chat)
    assert "Your confidence with QI" in card_text(invite) and PRIVACY in card_text(invite)
    first = (await chat.press_button(invite, "Start")).card
    text = card_text(first)
    assert "Part 1 of 2: Planning and measuring" in text and PRIVACY in text
    assert "Write an improvement aim" in text and "1 Not confident" in text
    assert not any(i.get("isRequired") for i in first["body"])  # Finish later is never blocked by the client
    second = (await chat.press_button(first, "Next", **scale_answers(first, "2"))).card
    assert "Part 2 of 2" in card_text(second)
    assert find_action(second, "Back")["associatedInputs"] == "none"
    saved = (await chat.press_button(second, "Finish later", q_pdsa_plan="4")).card
    assert "Saved" in card_text(saved) and "Part 2 of 2" in card_text(saved)
    mine = only_card(await chat.say("my surveys"))
    assert "Started: it opens where you stopped" in card_text(mine)
    resumed = (await chat.press_button(mine, "Continue")).card
    assert "Part 2 of 2" in card_text(resumed)
    assert next(i for i in resumed["body"] if i.get("id") == "q_pdsa_plan")["value"] == "4"
    done = (await chat.press_button(resumed, "Submit", **scale_answers(resumed, "4"))).card
    assert "your answers are in" in card_text(done)
    [response] = await chat.uow.surveys.responses("qi_self_efficacy")
    assert response.answers["smart_aim"] == 2 and response.answers["lead_change"] == 4
    again = (await chat.press_button(done, "Change my answers")).card
    assert "Part 1 of 2" in card_text(again) and "Save changes" not in card_text(again)
    assert find_action(again, "Next")


async def test_an_answer_off_the_scale_comes_back_with_the_message_by_it_and_changes_nothing(content):
    chat = await onboarded(content)
    first = (await chat.press_button(await invitation_card(chat), "Start")).card
    before = state(chat)
    response = await chat.press_button(first, "Next", **{**scale_answers(first), "q_run_chart": "9"})
    assert not response.commit and state(chat) == before
    body = response.card["body"]
    index = next(i for i, e in enumerate(body) if e.get("id") == "q_run_chart")
    assert "Please answer with one of 1, 2, 3, 4." in body[index + 1]["text"]
    assert body[index]["value"] == "9"  # what was typed stays on the card
    missing = await chat.press_button(first, "Next", **{**scale_answers(first), "q_measures": ""})
    assert not missing.commit and "Please answer this question." in card_text(missing.card)


async def test_a_forged_card_for_someone_elses_survey_is_refused_and_changes_nothing(content):
    uow = FakeUnitOfWork()
    owner, intruder = await onboarded(content, 1, uow), await onboarded(content, 2, uow)
    invite = await invitation_card(owner)
    invitation_id = find_action(invite, "Start")["data"]["invitation_id"]
    before = state(intruder)
    for verb, data in (
        (answer.open_.verb, {"invitation_id": invitation_id}),
        (answer.next_section.verb, {"invitation_id": invitation_id, "section": 0, "q_smart_aim": "1"}),
        (answer.later.verb, {"invitation_id": invitation_id, "section": 0}),
        (answer.show.verb, {"invitation_id": invitation_id, "section": 1}),
    ):
        refused = await intruder.press(verb, **data)
        assert not refused.commit and "not yours" in card_text(refused.card)
    assert state(intruder) == before


async def test_a_closed_survey_says_so_and_changes_nothing(content):
    chat = await onboarded(content)
    first = (await chat.press_button(await invitation_card(chat), "Start")).card
    chat.clock.advance(days=22)
    before = state(chat)
    refused = await chat.press_button(first, "Next", **scale_answers(first))
    assert not refused.commit and "This survey closed on" in card_text(refused.card)
    assert state(chat) == before
    assert "No surveys for you right now" in card_text(only_card(await chat.say("my surveys")))


async def test_the_admin_report_shows_the_matched_change_chart_and_downloads(content):
    uow = FakeUnitOfWork()
    for n in range(1, 7):
        chat = await onboarded(content, n, uow)
        for trigger, value in (("learning_started", "2"), ("learning_completed", "3")):
            card = (await chat.press_button(await invitation_card(chat, trigger), "Start")).card
            card = (await chat.press_button(card, "Next", **scale_answers(card, value))).card
            await chat.press_button(card, "Submit", **scale_answers(card, value))
    admin = await onboarded(content, 9, uow, admins=frozenset({"aad-9"}))
    card = only_card(await admin.say("survey report"))
    text = card_text(card)
    assert "Your confidence with QI: Micro-learning, before and after" in text
    assert "Matched pairs" in text and "6" in text and "2.00 → 3.00" in text and "+1.00" in text
    assert "Items (Wilcoxon signed-rank, Holm-corrected p)" in text and "By legacy trust" in text
    image = next(b for b in card["body"] if b["type"] == "Image")
    assert image["url"].endswith(".png") and "u" in image["url"]
    downloads = {a["title"]: a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"}
    assert downloads["Download CSV"].endswith(".csv") and downloads["Download XLSX"].endswith(".xlsx")
    staff = await onboarded(content, 10, uow)
    refused = await staff.say("survey report")
    assert "only for a QI admin" in card_text(only_card(refused))
    assert not (await staff.press(report.refresh.verb)).commit


async def test_five_pairs_in_five_staff_groups_are_not_broken_down_by_group(content):
    uow = FakeUnitOfWork()
    groups = ("ahp", "nursing_midwifery", "medical_dental", "admin_clerical", "estates_ancillary")
    for n, group in enumerate(groups, start=1):
        chat = await onboarded(content, n, uow, group=group)
        for trigger, value in (("learning_started", "2"), ("learning_completed", "3")):
            card = (await chat.press_button(await invitation_card(chat, trigger), "Start")).card
            card = (await chat.press_button(card, "Next", **scale_answers(card, value))).card
            await chat.press_button(card, "Submit", **scale_answers(card, value))
    admin = await onboarded(content, 9, uow, admins=frozenset({"aad-9"}))
    text = card_text(only_card(await admin.say("survey report")))
    assert "Matched pairs" in text and "5" in text  # the headline n is shown...
    by_group = text[text.index("By staff group") :]
    assert report.WITHHELD in by_group  # ...so every group of 1 would be pinned: the breakdown is withheld
    assert not any(content.organisation.label("staff_groups", g) in by_group for g in groups)
    assert "Basildon" in text[text.index("By site") : text.index("By legacy trust")]  # 5 at one site: shown


async def test_an_admin_starts_a_survey_from_the_form_once(content):
    uow = FakeUnitOfWork()
    admin = await onboarded(content, 1, uow, admins=frozenset({"aad-1"}))
    for n in (2, 3):
        await onboarded(content, n, uow, site="southend")
    form = (await admin.press(campaign.form.verb)).card
    assert "Start a survey" in card_text(form)
    bad = await admin.press_button(
        form, "Start", instrument="scoping", audience="site:southend", closes_on="2026-11-20"
    )
    assert not bad.commit and "after today" in card_text(bad.card)
    done = await admin.press_button(
        form, "Start", instrument="scoping", audience="site:southend", closes_on="2026-12-09"
    )
    assert "Started: QI across the trust, 2 people invited" in card_text(done.card)
    twice = await admin.press_button(
        form, "Start", instrument="scoping", audience="site:southend", closes_on="2026-12-09"
    )
    assert "already started from this form" in card_text(twice.card)
    assert len(await uow.surveys.campaigns()) == 1


async def test_a_coach_themes_free_text_one_answer_at_a_time_without_names(content):
    uow = FakeUnitOfWork()
    admin = await onboarded(content, 1, uow, admins=frozenset({"aad-1"}))
    writer = await onboarded(content, 2, uow)
    form = (await admin.press(campaign.form.verb)).card
    await admin.press_button(form, "Start", instrument="scoping", audience="everyone", closes_on="2026-12-09")
    messages = registry.messages(content, FakeLinks())["surveys"]
    await send_invitations(uow, content=content, messages=messages, now=writer.clock.now())
    [invitation] = await uow.surveys.open_invitations((await writer.user()).id, now=writer.clock.now())
    card = (await writer.press(answer.open_.verb, invitation_id=invitation.id)).card
    card = (
        await writer.press_button(card, "Next", q_understanding_level="3", q_meaning="Making care safer, bit by bit")
    ).card
    card = (await writer.press_button(card, "Next", q_prior_training="none", q_confidence_overall="40")).card
    card = (await writer.press_button(card, "Next", q_help_areas="time")).card
    await writer.press_button(card, "Submit", q_staff_group="ahp", q_site="basildon")
    coach = await onboarded(content, 3, uow)
    await coach.grant(Role.COACH)
    listing = only_card(await coach.say("theme answers"))
    assert "QI across the trust" in card_text(listing)
    theming = (await coach.press(themes.next_answer.verb, instrument="scoping")).card
    text = card_text(theming)
    assert "Making care safer, bit by bit" in text and "not shown (fewer than 5)" in text
    assert "User 2" not in text  # no names
    tagged = (await coach.press_button(theming, "Save and next", new_theme="Safety")).card
    assert "Every answer is themed" in card_text(tagged)
    counts = (await coach.press_button(tagged, "Theme counts")).card
    assert "Safety" in card_text(counts) and "[c]" in card_text(counts)
    staff = await onboarded(content, 4, uow)
    assert not (await staff.press(themes.next_answer.verb, instrument="scoping")).commit


async def test_a_theme_of_five_people_in_five_staff_groups_is_not_broken_down_by_group(content):
    uow = FakeUnitOfWork()
    admin = await onboarded(content, 1, uow, admins=frozenset({"aad-1"}))
    groups = ("ahp", "nursing_midwifery", "medical_dental", "admin_clerical", "estates_ancillary")
    writers = [await onboarded(content, n, uow) for n in range(2, 7)]
    form = (await admin.press(campaign.form.verb)).card
    await admin.press_button(form, "Start", instrument="scoping", audience="everyone", closes_on="2026-12-09")
    messages = registry.messages(content, FakeLinks())["surveys"]
    await send_invitations(uow, content=content, messages=messages, now=admin.clock.now())
    for writer, group in zip(writers, groups, strict=True):
        [invitation] = await uow.surveys.open_invitations((await writer.user()).id, now=writer.clock.now())
        card = (await writer.press(answer.open_.verb, invitation_id=invitation.id)).card
        card = (await writer.press_button(card, "Next", q_understanding_level="3", q_meaning="Safer care")).card
        card = (await writer.press_button(card, "Next", q_prior_training="none", q_confidence_overall="40")).card
        card = (await writer.press_button(card, "Next", q_help_areas="time")).card
        await writer.press_button(card, "Submit", q_staff_group=group, q_site="basildon")
    coach = await onboarded(content, 9, uow)
    await coach.grant(Role.COACH)
    card = (await coach.press(themes.next_answer.verb, instrument="scoping")).card
    card = (await coach.press_button(card, "Save and next", new_theme="Safety")).card
    while "Every answer is themed" not in card_text(card):
        [theme] = [i for i in card["body"] if i.get("id") == "theme_ids"]
        card = (await coach.press_button(card, "Save and next", theme_ids=theme["choices"][0]["value"])).card
    text = card_text((await coach.press_button(card, "Theme counts")).card)
    assert "**Safety**: 5" in text  # the theme's own count is shown...
    assert themes.WITHHELD_BY_GROUP in text  # ...so five groups of one would be pinned: no breakdown
    assert not any(content.organisation.label("staff_groups", g) in text for g in groups)
