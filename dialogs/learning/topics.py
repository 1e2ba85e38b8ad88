"""`learn`: the topics with each one's progress, and a topic's bites (Next / Back), then its questions."""

from __future__ import annotations

from core.learning.content import Topic
from core.learning.progress import progress, see_bite
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn
from dialogs.learning.quiz import STALE, next_question, topic_quiz
from dialogs.learning.router import LEARN, MY_PROGRESS, card_topic, command_button, days, router


async def topics_card(turn: Turn) -> dict:
    mine = await progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    rows = [
        cards.list_row(
            [
                cards.text(f"**{item.topic.order}. {item.topic.title}**{' ✓' if item.completed_at else ''}"),
                cards.text(
                    f"Bites {item.bites_seen}/{len(item.topic.bites)} · right {item.answered_right}/"
                    f"{len(item.topic.questions)} · mastery {item.mastery:.0%}",
                    subtle=True,
                    size="Small",
                ),
            ],
            [cards.execute("Open", open_topic, {"topic_id": item.topic.id, "bite": 0})],
        )
        for item in mine.topics
    ]
    return cards.card(
        cards.title("QI basics in two-minute bites"),
        cards.text(
            f"{mine.completed} of {len(mine.topics)} topics completed · streak {days(mine.streak)}", subtle=True
        ),
        *rows,
        actions=[cards.execute("Quiz me", next_question), command_button("My progress", MY_PROGRESS)],
    )


@router.command(
    LEARN,
    title="Learn",
    description="QI basics in two-minute bites: topics, progress and quizzes",
    aliases=("learning", "e-learning", "topics", "course"),
)
async def learn(turn: Turn) -> Response:
    return Response.show(await topics_card(turn))


def bite_card(topic: Topic, index: int, notice: str | None = None) -> dict:
    bite = topic.bites[index]
    last = index == len(topic.bites) - 1
    # The forward button comes first, so it stays under the thumb from one card to the next.
    if last:
        actions = [cards.execute("Try the questions", topic_quiz, {"topic_id": topic.id}, style="positive")]
    else:
        actions = [cards.execute("Next", open_topic, {"topic_id": topic.id, "bite": index + 1}, style="positive")]
    if index > 0:
        actions.append(cards.execute("Back", open_topic, {"topic_id": topic.id, "bite": index - 1}, inputs=False))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.text(f"{topic.title} · {index + 1} of {len(topic.bites)}", subtle=True, size="Small"),
        cards.title(bite.title),
        cards.text(bite.text),
        {"type": "Container", "style": "emphasis", "items": [cards.text(f"**In practice:** {bite.example}")]},
        actions=actions + [command_button("All topics", LEARN)],
    )


@router.action("topic")
async def open_topic(turn: Turn) -> Response:
    chosen = card_topic(turn)
    index = card_int(turn.inbound.data, "bite", stale=STALE, default=0)
    completed, awarded = await see_bite(
        turn.uow, user=turn.user, topic=chosen, index=index, content=turn.content, now=turn.now
    )
    card = bite_card(chosen, index, f"Topic completed: {completed.title}." if completed else None)
    extra = [turn.messages["learning"].certificate(turn.user, awarded, turn.now)] if awarded else []
    return Response(card=card, messages=extra)
