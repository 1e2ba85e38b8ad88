"""Transcripts: learn (topics, bites), quiz (answer, next, stop, old card), my progress, the faculty report."""

import copy
import re

import pytest

from bot import registry
from core.kernel.suppression import HIDDEN, footnote
from dialogs.kit import card_data
from dialogs.learning import LearningCards
from tests.dialogs.harness import ROUTER, Chat, card_text, find_action, only_card
from tests.learning.data import NOW, small_course


def letter_for(card: dict, option_text: str) -> str:
    """The letter an option has on this card (options are shuffled for every card)."""
    for element in card["body"]:
        if element.get("type") == "ColumnSet" and len(element["columns"]) == 2:
            letter, text = (c["items"][0]["text"] for c in element["columns"])
            if text == option_text:
                return letter.strip("*.")
    raise AssertionError(f"option {option_text!r} not on the card")


@pytest.fixture
async def chat(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="southend", staff_group="ahp", experience="none")
    return chat


async def test_learn_lists_topics_and_walks_through_bites(chat, content):
    topic = content.learning.topics[0]
    card = only_card(await chat.say("learn"))
    text = card_text(card)
    assert "QI basics in two-minute bites" in text and f"1. {topic.title}" in text and "Bites 0/" in text
    bite = await chat.press_button(card, "Open")
    assert topic.bites[0].title in card_text(bite.card) and "In practice:" in card_text(bite.card)
    for _ in range(len(topic.bites) - 1):
        bite = await chat.press_button(bite.card, "Next")
    assert topic.bites[-1].title in card_text(bite.card)
    question = await chat.press_button(bite.card, "Try the questions")
    assert card_text(question.card).count(".**\n") >= 3  # lettered options
    listing = only_card(await chat.say("learn"))
    assert f"Bites {len(topic.bites)}/{len(topic.bites)}" in card_text(listing)


async def test_quiz_answer_shows_right_or_wrong_with_explanation_then_next(chat, content):
    card = only_card(await chat.say("quiz"))
    question = next(q for q in content.learning.questions if q.stem in card_text(card))
    right_letter = letter_for(card, question.options[question.answer])
    result = await chat.press_button(card, right_letter, sure="true")
    text = card_text(result.card)
    assert "Right!" in text and question.explanation in text and question.source in text
    if question.rule_set:
        assert question.rule_set in text
    nxt = await chat.press_button(result.card, "Next")
    second = next(q for q in content.learning.questions if q.stem in card_text(nxt.card))
    wrong = letter_for(nxt.card, second.options[(second.answer + 1) % len(second.options)])
    result2 = await chat.press_button(nxt.card, wrong)
    assert f"Not quite: you chose {wrong}." in card_text(result2.card)
    assert "Comes back" in card_text(result2.card) and "minutes" in card_text(result2.card)
    stop = await chat.press_button(result2.card, "Stop for today")
    assert "See you next time." in card_text(stop.card)


async def test_pressing_an_old_question_card_again_changes_nothing(chat):
    card = only_card(await chat.say("quiz"))
    await chat.press_button(card, "A")
    again = await chat.press_button(card, "B")
    assert "You already answered this question, so nothing was changed." in card_text(again.card)


async def test_five_new_questions_a_day_then_well_done(chat):
    card = only_card(await chat.say("quiz"))
    for _ in range(5):
        result = await chat.press_button(card, "A", sure="true")
        card = (await chat.press_button(result.card, "Next")).card
    assert "That's today's 5 new questions done." in card_text(card)


async def test_my_progress_shows_mastery_streak_and_league(chat, content):
    card = only_card(await chat.say("quiz"))
    await chat.press_button(card, "A")
    text = card_text(only_card(await chat.say("my progress")))
    assert "My QI learning" in text and "1 day" in text and f"0 of {len(content.learning.topics)}" in text
    assert "Practice by site, last 30 days" in text and "Southend University Hospital" in text
    assert "Southend University Hospital\n[c] staff" in text  # one person: no numbers that could identify them
    assert footnote() in text  # the one explanation of "*", as on every card with a hidden count
    assert "right 0/8 · mastered 0" in text or "right 1/8 · mastered 0" in text
    assert "Sam" not in text and "User 1" not in text


async def test_faculty_report_is_for_admins_only(chat, content):
    refused = await chat.press("learning.report")
    assert "only for a QI admin" in card_text(refused.card)
    admin = Chat(content, n=2, uow=chat.uow, admins=frozenset({"aad-2"}))
    report = await admin.press("learning.report")
    assert "Learning report" in card_text(report.card) and "Most-missed questions" in card_text(report.card)


async def test_the_nudge_card_starts_a_quiz(chat, content):
    nudge = LearningCards(content).nudge(3).card
    assert "3 QI questions due, about 2 minutes" in card_text(nudge)
    started = await chat.press(find_action(nudge, "Start")["verb"])
    assert "New question" in card_text(started.card)


LEARNING_STATE = ("cards", "serves", "reviews", "bites", "completions", "awards")


def learning_state(chat: Chat) -> dict:
    return copy.deepcopy({key: value for key, value in chat.uow.db.__dict__.items() if key in LEARNING_STATE})


async def test_buttons_run_the_commands_in_place_of_the_card(chat, content):
    card = only_card(await chat.say("quiz"))
    result = await chat.press_button(card, "A")
    stop = await chat.press_button(result.card, "Stop for today")
    progress = await chat.press_button(stop.card, "My progress")
    assert progress.card is not None and not progress.messages  # the card is replaced, nothing new is sent
    assert "My QI learning" in card_text(progress.card)
    topics = await chat.press_button(progress.card, "All topics")
    assert "QI basics in two-minute bites" in card_text(topics.card) and not topics.messages
    bite = await chat.press_button(topics.card, "Open")
    listing = await chat.press_button(bite.card, "All topics")
    assert f"Bites 1/{len(content.learning.topics[0].bites)}" in card_text(listing.card)


async def test_the_old_again_verbs_are_gone_and_an_old_card_gets_the_menu(chat):
    assert not {"learning.progress", "learning.topics"} & set(ROUTER.actions)
    for verb in ("learning.progress", "learning.topics"):
        old = await chat.press(verb)
        assert "This card is out of date" in card_text(old.card) and "My progress" in card_text(old.card)


def test_the_menu_lists_learn_then_quiz_then_my_progress():
    names = [command.name for command in ROUTER.commands]
    assert names.index("learn") + 1 == names.index("quiz") == names.index("my progress") - 1


async def test_a_forged_or_stale_answer_changes_nothing(chat):
    card = only_card(await chat.say("quiz"))
    serve_id = find_action(card, "A")["data"]["serve_id"]
    before = learning_state(chat)
    for data, says in (
        ({"serve_id": "abc", "option": 0}, card_data.PROBLEM),  # refused by the router before the handler
        ({"serve_id": serve_id, "option": "x"}, "Please choose one of the answers on the card."),
        ({"serve_id": serve_id, "option": 9}, "Please choose one of the answers on the card."),
        ({"serve_id": serve_id, "option": True}, "Please choose one of the answers on the card."),
        ({"serve_id": 2**70, "option": 0}, card_data.PROBLEM),
    ):
        refused = await chat.press("learning.answer", **data)
        assert says in card_text(refused.card) and not refused.commit
        assert learning_state(chat) == before
    other = Chat(chat.content, n=2, uow=chat.uow)
    refused = await other.press("learning.answer", serve_id=serve_id, option=0)
    assert "That question card is not yours." in card_text(refused.card) and learning_state(chat) == before


async def test_a_stale_topic_or_bite_changes_nothing(chat, content):
    before = learning_state(chat)
    gone = await chat.press("learning.topic", topic_id="retired-topic", bite=0)
    assert "no longer in the course" in card_text(gone.card) and not gone.commit
    topic = content.learning.topics[0]
    for bite in (len(topic.bites), "x", -1):
        refused = await chat.press("learning.topic", topic_id=topic.id, bite=bite)
        assert not refused.commit and learning_state(chat) == before
    assert learning_state(chat) == before


async def test_the_certificate_comes_from_the_message_builder_when_the_last_topic_is_done(content):
    course = small_course(content, topics=1, questions=5)
    chat = Chat(course)
    await chat.press("onboarding.save", site="southend", staff_group="ahp", experience="none")
    topic = course.learning.topics[0]
    for index in range(len(topic.bites)):
        await chat.press("learning.topic", topic_id=topic.id, bite=index)
    card = (await chat.press("learning.topic_quiz", topic_id=topic.id)).card
    for _ in range(4):  # 4 of 5 right completes the topic, and so the course
        question = next(q for q in course.learning.questions if q.stem in card_text(card))
        result = await chat.press_button(card, letter_for(card, question.options[question.answer]), sure="true")
        card = (await chat.press_button(result.card, "Next")).card if not result.messages else result.card
    [certificate] = [m.card for m in result.messages]
    expected = registry.messages(course, None)["learning"].certificate(await chat.user(), "QI foundations", NOW)
    assert certificate == expected.card
    assert "Certificate" in card_text(certificate) and f"Topic completed: {topic.title}." in card_text(result.card)


# --- plain words, one way to read a hidden count, escapes that never need the form (issue 10) ----------------------

JARGON = ("fsrs", "stability", "stable", "lapse", "review state", "retrievability", "difficulty", "serve")


async def every_learning_card(chat, content) -> list[dict]:
    """The learning cards a person and an admin see: topics, bites, questions right and wrong, results, stop,
    done, progress, the nudge, the certificate and the faculty report."""
    topic = content.learning.topics[0]
    await chat.say("learn")
    for bite in range(len(topic.bites)):
        await chat.press("learning.topic", topic_id=topic.id, bite=bite)
    for sure, right in (("true", True), ("false", False)):
        question = only_card(await chat.say("quiz"))
        serve = max(chat.uow.db.serves)
        order = chat.uow.db.serves[serve].order
        q = content.learning.question(chat.uow.db.serves[serve].question_id)
        wanted = q.answer if right else (q.answer + 1) % len(q.options)
        await chat.press_button(question, "ABCDEF"[order.index(wanted)], sure=sure)
    await chat.press("learning.stop")
    await chat.say("my progress")
    admin = Chat(content, n=9, uow=chat.uow, admins=frozenset({"aad-9"}))
    await admin.press("learning.report")
    user = await chat.user()
    extra = [LearningCards(content).nudge(3).card, LearningCards(content).certificate(user, "QI foundations", NOW).card]
    return chat.cards + admin.cards + extra


async def test_no_jargon_reaches_staff(chat, content):
    seen = await every_learning_card(chat, content)
    assert len(seen) >= 12
    text = "\n".join(card_text(card) for card in seen).lower()
    assert "mastered" in text and "remember it for more than 10 days at a time" in text
    assert [word for word in JARGON if word in text] == []


async def test_a_hidden_count_reads_the_same_on_every_learning_card_and_in_the_printed_report(chat, content):
    from core.learning.report import learning_report
    from dialogs.learning.report import report_lines

    seen = await every_learning_card(chat, content)  # one person at Southend: every figure about them is hidden
    progress = next(card for card in seen if "My QI learning" in card_text(card))
    report = next(card for card in seen if "Learning report" in card_text(card))
    printed = "\n".join(report_lines(await learning_report(chat.uow, content=content, now=chat.clock.now())))
    for shown in (card_text(progress), card_text(report), printed):
        assert "<5" not in shown and "fewer than 5 staff" not in shown
        assert footnote() in shown  # "*" and the one sentence that explains it
    assert "Southend University Hospital\n" + HIDDEN + " staff" in card_text(progress)


async def test_back_stop_and_not_today_send_no_inputs(chat, content):
    seen = await every_learning_card(chat, content)
    escapes = [
        button
        for card in seen
        for button in card.get("actions", [])
        if button.get("title") in ("Back", "Stop for today", "Not today")
    ]
    assert {button["title"] for button in escapes} == {"Back", "Stop for today", "Not today"}
    assert all(button.get("associatedInputs") == "none" for button in escapes)


async def test_every_refusal_reads_as_a_sentence(chat, content):
    card = only_card(await chat.say("quiz"))
    serve_id = find_action(card, "A")["data"]["serve_id"]
    topic = content.learning.topics[0]
    refused = [
        await chat.press("learning.answer", serve_id=serve_id, option=9),
        await chat.press("learning.answer", serve_id="abc", option=0),
        await Chat(content, n=2, uow=chat.uow).press("learning.answer", serve_id=serve_id, option=0),
        await chat.press("learning.topic", topic_id="retired-topic", bite=0),
        await chat.press("learning.topic", topic_id=topic.id, bite=len(topic.bites)),
        await chat.press("learning.topic", topic_id=topic.id, bite="x"),
    ]
    said = [r.card["body"][0]["text"] for r in refused]
    assert all(not r.commit for r in refused) and len(set(said)) >= 4
    for text in said:
        assert re.fullmatch(r"[A-Z].*[.?!]", text, re.DOTALL), text
        assert not re.match(r"^\W*\w+(?: \w+){0,2}:", text), text  # not "Option: invalid"
