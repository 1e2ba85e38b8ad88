"""`quiz`: the questions due now, answering one (right or wrong, the explanation, when it comes back), Next and Stop."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.learning import practice
from core.learning.content import Question
from core.learning.model import Serve
from core.learning.practice import LETTERS, Answer
from core.learning.progress import progress
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn
from dialogs.learning.router import LEARN, MY_PROGRESS, QUIZ, card_topic, command_button, days, router

STALE = "That card is out of date. Type **learn** or **quiz** to carry on."


def when_due(due: datetime, now: datetime) -> str:
    minutes = (due - now).total_seconds() / 60
    if minutes < 60:
        return f"in about {max(1, round(minutes))} minutes"
    if minutes < 36 * 60:
        return "tomorrow" if minutes > 12 * 60 else f"in about {round(minutes / 60)} hours"
    return f"in {round(minutes / 1440)} days"


def walk_topic(turn: Turn) -> str | None:
    """The topic a question card belongs to when the person is walking through one topic, else None."""
    topic_id = turn.inbound.data.get("topic_id")
    return topic_id if isinstance(topic_id, str) and topic_id else None


async def question_or_done(turn: Turn, topic_id: str | None) -> dict:
    """The next question due (served now, with its options shuffled), or the well-done card when there is none."""
    nxt = await practice.next_question(turn.uow, user=turn.user, content=turn.content, now=turn.now, topic_id=topic_id)
    if nxt.question is None:
        return await done_card(turn, nxt.reason, topic_id)
    serve = await practice.serve_question(turn.uow, user=turn.user, question=nxt.question, now=turn.now)
    return question_card(turn.content, nxt.question, serve, nxt.is_review, topic_id)


def _option_row(letter: str, text: str) -> dict:
    """Letter in a narrow column, text beside it, so a wrapped option lines up under its own text."""
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": [
            {"type": "Column", "width": "20px", "items": [{**cards.text(f"**{letter}.**"), "wrap": False}]},
            {"type": "Column", "width": "stretch", "items": [cards.text(text)]},
        ],
    }


def question_card(content: Content, question: Question, serve: Serve, is_review: bool, topic_id: str | None) -> dict:
    topic = content.learning.topic(question.topic_id)
    order = serve.order or tuple(range(len(question.options)))
    options = [_option_row(LETTERS[shown], question.options[index]) for shown, index in enumerate(order)]
    buttons = [
        cards.execute(LETTERS[shown], answer, {"serve_id": serve.id, "option": shown, "topic_id": topic_id})
        for shown in range(len(order))
    ]
    kind = "Review" if is_review else "New question"
    return cards.card(
        cards.text(f"{kind} · {topic.title if topic else ''}", subtle=True, size="Small"),
        {**cards.text(question.stem, size="Medium"), "weight": "Bolder"},
        *options,
        cards.toggle("sure", "I'm sure of my answer", False),
        cards.action_set(*buttons),
    )


@router.command(
    QUIZ,
    title="Quiz",
    description="Today's QI questions: reviews first, then a few new ones",
    aliases=("practice", "practise", "questions", "quiz me"),
)
async def quiz(turn: Turn) -> Response:
    return Response.show(await question_or_done(turn, None))


@router.action("next")
async def next_question(turn: Turn) -> Response:
    return Response(card=await question_or_done(turn, walk_topic(turn)))


@router.action("topic_quiz")
async def topic_quiz(turn: Turn) -> Response:
    return Response(card=await question_or_done(turn, card_topic(turn).id))


@router.action("answer")
async def answer(turn: Turn) -> Response:
    data = turn.inbound.data
    result = await practice.answer_question(
        turn.uow,
        user=turn.user,
        serve_id=card_int(data, "serve_id", stale=STALE),
        option=card_int(data, "option", stale="Please choose one of the answers on the card."),
        sure=str(data.get("sure", "false")).lower() == "true",
        content=turn.content,
        now=turn.now,
    )
    extra: list[OutboundMessage] = []
    if result.awarded:
        extra.append(turn.messages["learning"].certificate(turn.user, result.awarded, turn.now))
    return Response(card=result_card(turn, result, walk_topic(turn)), messages=extra)


def result_card(turn: Turn, result: Answer, topic_id: str | None) -> dict:
    q = result.question
    right = f"{result.letter(q.answer)}. {q.options[q.answer]}"
    if result.already_answered:
        headline = cards.notice("You already answered this question, so nothing was changed.", good=False)
    elif result.correct:
        headline = cards.notice("Right!")
    else:
        headline = cards.notice(f"Not quite: you chose {result.letter(result.chosen)}.", good=False)
    details = [("Answer", right), ("Source", q.source)]
    if q.rule_set:
        details.append(("Rule set", q.rule_set))
    if not result.already_answered:
        details.append(("Comes back", when_due(result.due, turn.now)))
    return cards.card(
        headline,
        cards.text(q.stem, subtle=True),
        cards.text(q.explanation),
        cards.facts(details),
        cards.notice(f"Topic completed: {result.completed_topic.title}.") if result.completed_topic else None,
        actions=[
            cards.execute("Next", next_question, {"topic_id": topic_id}, style="positive"),
            cards.execute("Stop for today", stop, inputs=False),
        ],
    )


async def done_card(turn: Turn, reason: str | None, topic_id: str | None) -> dict:
    mine = await progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    text = {
        "cap": "You have answered today's questions that came back. The rest will wait for tomorrow.",
        "new_cap": f"That's today's {turn.content.learning.rules.daily_new_questions} new questions done. "
        "More tomorrow, or open a topic in **learn** to keep going.",
    }.get(reason or "", "You are all caught up: nothing is due right now.")
    if topic_id:
        text = "No more questions due in this topic right now."
    return cards.card(
        cards.title("Well done"),
        cards.text(text),
        cards.text(f"Streak: {days(mine.streak)}.", subtle=True),
        actions=[command_button("My progress", MY_PROGRESS), command_button("All topics", LEARN)],
    )


@router.action("stop")
async def stop(turn: Turn) -> Response:
    mine = await progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    return Response(
        card=cards.card(
            cards.notice("See you next time."),
            cards.text(
                f"Streak: {days(mine.streak)}. On days you have not "
                "practised I send one reminder when questions are due, at the time you choose in **settings**.",
                subtle=True,
            ),
            actions=[command_button("My progress", MY_PROGRESS)],
        )
    )
