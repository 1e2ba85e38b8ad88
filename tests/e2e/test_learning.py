"""End to end in the Microsoft 365 Agents Playground: micro-learning, as a person would use it.

On a fresh database: onboard, `learn`, open the first topic and step through its bites to "Try the questions",
then `quiz`: answer the first question right (sure), the second wrong, "Stop for today", `my progress` (a
one-day streak), and `quiz` again for a new question. The right answer is looked up in the content pack by the
stem shown on the card, as a test cannot know which question the scheduler picks. Screenshots of each step go to
test-artifacts/e2e/learning-NN-step.png."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.async_api import Locator, expect

from bot import registry
from core.learning.content import Question, Topic
from tests.e2e.conftest import Chat, open_chat

pytestmark = pytest.mark.e2e

SITE = "Southend University Hospital"
LETTERS = "ABCD"
# A sure, right answer is rated Good or Easy: it comes back in days. An unsure one is Hard: in minutes.
IN_DAYS = re.compile(r"Comes back\s*(tomorrow|in \d+ days)")


async def test_learn_quiz_and_progress_in_the_playground(playground_url: str, tmp_path: Path) -> None:
    async with open_chat("learning-") as chat:
        await _learn_and_practise(chat, playground_url, tmp_path / "e2e.db")


def _squash(text: str) -> str:
    return " ".join(text.split())


async def _question_on(card: Locator, questions: tuple[Question, ...]) -> Question:
    """The question whose stem the card shows (exactly one)."""
    shown = _squash(await card.inner_text())
    found = [q for q in questions if _squash(q.stem) in shown]
    assert len(found) == 1, (shown, [q.id for q in found])
    return found[0]


async def _letters(card: Locator, question: Question) -> dict[int, str]:
    """Option index in the content -> the letter it has on this card (the bot shuffles options per card)."""
    shown = _squash(await card.inner_text())
    letters = {}
    for index, option in enumerate(question.options):
        match = re.search(r"([A-D])\.\s*" + re.escape(_squash(option)), shown)
        assert match, (option, shown)
        letters[index] = match.group(1)
    assert sorted(letters.values()) == list(LETTERS[: len(question.options)]), letters
    return letters


async def _expect_question_card(card: Locator, question: Question, topic: Topic) -> dict[int, str]:
    await expect(card).to_contain_text(f"New question · {topic.title}")
    letters = await _letters(card, question)
    for letter in letters.values():
        await expect(card.get_by_role("button", name=letter, exact=True)).to_be_visible()
    await expect(card.get_by_role("button", name=re.compile(r"^[A-Z]$"))).to_have_count(len(question.options))
    await expect(card.get_by_role("checkbox", name="I'm sure of my answer")).not_to_be_checked()
    return letters


def _answers(database: Path) -> list[tuple[str, bool, bool]]:
    """(question id, correct, sure) of each answer recorded, oldest first, read straight from the bot's SQLite."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT question_id, correct, sure FROM learning_reviews ORDER BY answered_at").fetchall()
    return [(question_id, bool(correct), bool(sure)) for question_id, correct, sure in rows]


async def _learn_and_practise(chat: Chat, url: str, database: Path) -> None:
    content = registry.load_content()
    questions = content.learning.questions
    topic = min(content.learning.topics, key=lambda t: t.order)

    # Install and onboard.
    await chat.page.goto(url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", SITE)
    await chat.choose(welcome, "Your staff group", "Allied health professionals")
    await chat.choose(welcome, "Your QI experience", "None yet")
    await welcome.get_by_role("button", name="Save and start").click()
    saved = await chat.card_saying(0, "Thanks, you are all set.", SITE)
    await chat.shot("onboarded", saved)

    # `learn`: every topic with its progress and an Open button; nothing done yet.
    await chat.say("learn")
    topics = await chat.card_saying(
        1, "QI basics in two-minute bites", f"0 of {len(content.learning.topics)} topics completed", "streak 0 days"
    )
    for t in content.learning.topics:
        await expect(topics).to_contain_text(f"{t.order}. {t.title}")
    await expect(topics.get_by_role("button", name="Open")).to_have_count(len(content.learning.topics))
    await chat.shot("topics-top", topics, align="start")  # taller than the chat pane
    await chat.shot("topics-end", topics, align="end")

    # Open the first topic and step through its bites: Next replaces the card with the next bite, the last
    # bite offers "Try the questions" instead.
    await topics.get_by_role("button", name="Open").first.click()
    for index, bite in enumerate(topic.bites):
        card = await chat.card_saying(1, f"{topic.title} · {index + 1} of {len(topic.bites)}", bite.title)
        await expect(card).to_contain_text(_squash(bite.text))
        await expect(card).to_contain_text(f"In practice: {_squash(bite.example)}")
        await expect(card.get_by_role("button", name="Back")).to_have_count(1 if index else 0)
        await chat.shot(f"bite-{index + 1}", card)
        if index < len(topic.bites) - 1:
            await card.get_by_role("button", name="Next").click()
    await expect(card.get_by_role("button", name="Next")).to_have_count(0)
    await expect(card.get_by_role("button", name="Try the questions")).to_be_visible()

    # `quiz`: a new question card. Say "I'm sure", then press the right letter.
    await chat.say("quiz")
    quiz = await chat.card_saying(2, "New question")
    first = await _question_on(quiz, questions)
    letters = await _expect_question_card(quiz, first, topic)
    await chat.shot("question", quiz)
    sure = quiz.get_by_role("checkbox", name="I'm sure of my answer")
    await sure.check()
    await expect(sure).to_be_checked()
    await chat.shot("question-sure", quiz)
    await quiz.get_by_role("button", name=letters[first.answer], exact=True).click()

    # The answer replaces the card: right, the explanation, the answer and its source, and when it comes back.
    right = f"{letters[first.answer]}. {first.options[first.answer]}"
    result = await chat.card_saying(
        2, "Right!", _squash(first.explanation), "Answer", right, "Source", first.source, "Comes back"
    )
    if first.rule_set:
        await expect(result).to_contain_text(first.rule_set)
    await expect(result).to_contain_text(IN_DAYS)  # the toggle reached the server: sure, not Hard (minutes)
    await expect(result).not_to_contain_text("New question")
    await expect(result.get_by_role("button", name=LETTERS[0], exact=True)).to_have_count(0)
    await chat.shot("right", result)

    # Next replaces it with the next question; answer it wrongly (not sure).
    await result.get_by_role("button", name="Next").click()
    quiz = await chat.card_saying(2, "New question")
    await expect(quiz).not_to_contain_text("Right!")
    second = await _question_on(quiz, questions)
    assert second.id != first.id, second.id
    letters = await _expect_question_card(quiz, second, content.learning.topic(second.topic_id))
    await chat.shot("second-question", quiz)
    wrong = (second.answer + 1) % len(second.options)
    await quiz.get_by_role("button", name=letters[wrong], exact=True).click()
    right = f"{letters[second.answer]}. {second.options[second.answer]}"
    result = await chat.card_saying(
        2, f"Not quite: you chose {letters[wrong]}.", _squash(second.explanation), right, second.source
    )
    await expect(result).to_contain_text(re.compile(r"Comes back\s*in about 10 minutes"))  # Again
    await chat.shot("wrong", result)
    assert _answers(database) == [(first.id, True, True), (second.id, False, False)]

    # Stop for today.
    await result.get_by_role("button", name="Stop for today").click()
    stopped = await chat.card_saying(2, "See you next time.", "Streak: 1 day.")
    await expect(stopped).not_to_contain_text("Not quite")
    await chat.shot("stopped", stopped)

    # `my progress`: a one-day streak, no topic completed yet, mastery per topic and practice by site.
    await chat.say("my progress")
    progress = await chat.card_saying(
        3, "My QI learning", "Streak", "1 day", "Topics completed", "Mastery by topic", "Practice by site"
    )
    await expect(progress).to_contain_text(f"0 of {len(content.learning.topics)}")
    await expect(progress).to_contain_text(content.learning.rules.award)
    for t in content.learning.topics:
        await expect(progress).to_contain_text(t.title)
    await expect(progress).to_contain_text(re.compile(r"right 1/\d+ · mastered 0"))
    await expect(progress).to_contain_text(re.compile(rf"{re.escape(SITE)}\s*\[c\] staff"))
    await chat.shot("progress", progress, align="start")

    # `quiz` again: a new card with a question not asked before (the wrong one is not due for 10 minutes).
    await chat.say("quiz")
    again = await chat.card_saying(4, "New question")
    third = await _question_on(again, questions)
    assert third.id not in (first.id, second.id), third.id
    await _expect_question_card(again, third, content.learning.topic(third.topic_id))
    await chat.shot("quiz-again", again)
