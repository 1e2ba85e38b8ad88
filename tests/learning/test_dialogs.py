"""Transcripts: learn (topics, bites), quiz (answer, next, stop, old card), my progress, the faculty report."""

import pytest

from dialogs.learning import LearningCards
from tests.dialogs.harness import Chat, card_text, find_action, only_card


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
    assert "fewer than 5 staff so far" in text  # one person: no numbers that could identify them
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
