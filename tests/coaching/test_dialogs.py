"""Transcripts: my coaching route, evidence, sign-off and return, promotion, finding a mentor; forged sign-off
cards change nothing."""

import pytest

from core.kernel.model import Role
from dialogs.coaching import reviews
from tests.coaching.data import coaching_state
from tests.dialogs.harness import ROUTER, Chat, card_text, find_action, only_card


async def onboarded(content, n, *, uow=None, site="basildon", admins=frozenset()):
    chat = Chat(content, n=n, uow=uow, admins=admins)
    await chat.press("onboarding.save", site=site, staff_group="ahp", experience="qsir_practitioner")
    return chat


@pytest.fixture
async def trainee(content):
    chat = await onboarded(content, 2)
    await chat.uow.coaching.set_level((await chat.user()).id, "qsir_practitioner", now=chat.clock.now())
    return chat


async def senior_chat(content, trainee, n=10, site="southend"):
    chat = await onboarded(content, n, uow=trainee.uow, site=site)
    await chat.grant(Role.COACH)
    await chat.uow.coaching.set_level((await chat.user()).id, "senior_coach", now=chat.clock.now())
    return chat


def test_my_coaching_route_leads_the_coaching_commands():
    names = [c.name for c in ROUTER.commands]
    assert names.index("my coaching route") < names.index("coaching report")
    assert names.index("my coaching route") < names.index("coaching reviews")


async def test_evidence_sign_off_and_return(content, trainee):
    boss = await senior_chat(content, trainee)
    card = only_card(await trainee.say("my coaching route"))
    text = card_text(card)
    assert "Where you are\nQSIR practitioner" in text and "Next step\nCoach in training" in text
    assert "0 of 3 signed off." in text and "Coaching a live team" in text and "Not started" in text
    form = await trainee.press_button(card, "Add evidence")
    assert "Evidence: QI theory" in card_text(form.card)
    empty = await trainee.press_button(form.card, "Send for sign-off", note="  ", link="none")
    assert empty.commit is False and "Please add your note." in card_text(empty.card)
    sent = await trainee.press_button(form.card, "Send for sign-off", note="I taught PDSA to Ward 7.", link="none")
    assert "Sent for sign-off." in card_text(sent.card) and "Waiting for sign-off" in card_text(sent.card)
    queue = only_card(await boss.say("coaching reviews"))
    assert "User 2**: QI theory" in card_text(queue) and "I taught PDSA to Ward 7." in card_text(queue)
    refused = await boss.press_button(queue, "Return")
    assert refused.commit is False and "Please add your comment." in card_text(refused.card)
    returned = await boss.press_button(
        queue, "Return", **{f"comment_{find_action(queue, 'Return')['data']['evidence_id']}": "Which cycles?"}
    )
    assert "Returned with your comment." in card_text(returned.card) and "Nothing is waiting" in card_text(
        returned.card
    )
    route = only_card(await trainee.say("my coaching route"))
    assert "Returned: Which cycles?" in card_text(route)
    again = await trainee.press_button(route, "Add evidence")
    await trainee.press_button(again.card, "Send for sign-off", note="Two cycles on handover.", link="none")
    queue = only_card(await boss.say("coaching reviews"))
    signed = await boss.press_button(queue, "Sign off")
    assert "Signed off." in card_text(signed.card)
    assert "1 of 3 signed off." in card_text(only_card(await trainee.say("my coaching route")))


async def test_a_forged_sign_off_changes_nothing(content, trainee):
    await senior_chat(content, trainee)
    form = await trainee.press_button(only_card(await trainee.say("my coaching route")), "Add evidence")
    await trainee.press_button(form.card, "Send for sign-off", note="Mine.", link="none")
    evidence_id = next(iter(trainee.uow.db.coaching_evidence))
    coach = await onboarded(content, 11, uow=trainee.uow)
    await coach.grant(Role.COACH)  # a coach, but not senior
    before = coaching_state(trainee.uow)
    for chat in (trainee, coach):
        response = await chat.press(reviews.decide.verb, evidence_id=evidence_id, sign=True)
        assert response.commit is False
    assert "Only a senior coach or mentor" in card_text(coach.cards[-1])
    assert coaching_state(trainee.uow) == before


async def test_finding_a_mentor_and_the_mentor_accepting(content, trainee):
    await trainee.uow.coaching.set_level((await trainee.user()).id, "coach_in_training", now=trainee.clock.now())
    mentor = await senior_chat(content, trainee, n=10, site="southend")
    await senior_chat(content, trainee, n=12, site="basildon")
    route = only_card(await trainee.say("my coaching route"))
    found = await trainee.press_button(route, "Find a mentor")
    text = card_text(found.card)
    assert text.index("User 10") < text.index("User 12")  # another site first
    assert "Southend University Hospital" in text
    asked = await trainee.press_button(found.card, "Ask User 10")
    assert "Asked User 10" in card_text(asked.card)
    request = next(r["message"].card for r in trainee.uow.db.outbox.values() if r["dedupe_key"].endswith(":request"))
    accepted = await mentor.press_button(request, "Accept")
    assert "You are now mentoring User 2." in card_text(accepted.card)
    assert "Your mentor: User 10" in card_text(only_card(await trainee.say("my coaching route")))


async def test_promotion_confirmed_by_an_admin_gives_the_coach_role(content, trainee):
    user = await trainee.user()
    await trainee.uow.coaching.set_level(user.id, "coach_in_training", now=trainee.clock.now())
    boss = await senior_chat(content, trainee)
    admin = await onboarded(content, 20, uow=trainee.uow, admins=frozenset({"aad-20"}))
    await admin.grant(Role.ADMIN)  # stored, so the admins are told
    for competency in content.coaching.level("qi_coach").competencies:
        form = await trainee.press("coaching.evidence_form", competency=competency)
        await trainee.press_button(form.card, "Send for sign-off", note=f"Evidence for {competency}.", link="none")
    for _ in content.coaching.level("qi_coach").competencies:
        await boss.press_button(only_card(await boss.say("coaching reviews")), "Sign off")
    route = only_card(await trainee.say("my coaching route"))
    assert "You have shown everything for QI coach." in card_text(route)
    forward = await trainee.press_button(route, "Put me forward")
    assert "an admin will confirm" in card_text(forward.card)
    queue = only_card(await admin.say("coaching reviews"))
    assert "Promotions to confirm" in card_text(queue)
    done = await admin.press_button(queue, "Confirm promotion")
    assert "Promotion confirmed" in card_text(done.card)
    assert Role.COACH in (await trainee.user()).roles
    assert "coach" in card_text(only_card(await trainee.say("help"))).lower()


async def test_the_coaching_report_is_for_facilitators_and_admins(content, trainee):
    refused = only_card(await trainee.say("coaching report"))
    assert "only for a QI facilitator" in card_text(refused)
    admin = await onboarded(content, 20, uow=trainee.uow, admins=frozenset({"aad-20"}))
    text = card_text(only_card(await admin.say("coaching report")))
    assert "QSIR practitioner: [c]" in text


async def test_the_check_in_card_the_tick_queues_is_valid_and_opens_the_route(content, trainee):
    from datetime import timedelta

    from core.coaching import mentoring
    from dialogs.coaching import CoachingCards
    from tests.dialogs.harness import check_card

    await trainee.uow.coaching.set_level((await trainee.user()).id, "coach_in_training", now=trainee.clock.now())
    mentor = await senior_chat(content, trainee)
    found = await trainee.press_button(only_card(await trainee.say("my coaching route")), "Find a mentor")
    await trainee.press_button(found.card, "Ask User 10")
    request = next(r["message"].card for r in trainee.uow.db.outbox.values() if r["dedupe_key"].endswith(":request"))
    await mentor.press_button(request, "Accept")
    later = trainee.clock.now() + timedelta(weeks=6, days=1)
    await mentoring.check_ins(trainee.uow, content=content, messages=CoachingCards(content), now=later)
    check_ins = [r for r in trainee.uow.db.outbox.values() if ":check_in:" in r["dedupe_key"]]
    assert len(check_ins) == 2
    for row in check_ins:
        check_card(row["message"].card, row["dedupe_key"])
        assert "Time for a mentoring check-in" in card_text(row["message"].card)
    opened = await trainee.press_button(check_ins[0]["message"].card, "My coaching route")
    assert "My coaching route" in card_text(opened.card)
