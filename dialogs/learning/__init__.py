"""`learn`, `quiz`, `my progress`: QI basics in two-minute bites with spaced-repetition questions."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.model import OutboundMessage, Role, User
from core.learning import services as service
from core.learning.content import Topic
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("learning")
LETTERS = "ABCD"


def _topic(turn: Turn) -> Topic:
    topic = turn.content.learning.topic(str(turn.inbound.data.get("topic_id", "")))
    if topic is None:
        raise NotFound("That topic is no longer in the course. Type **learn** to see the topics.")
    return topic


def _int(turn: Turn, key: str, default: int | None = None) -> int:
    try:
        return int(turn.inbound.data.get(key, default))
    except (TypeError, ValueError):
        raise InvalidInput("That card is out of date. Type **learn** or **quiz** to carry on.") from None


def when_due(due: datetime, now: datetime) -> str:
    minutes = (due - now).total_seconds() / 60
    if minutes < 60:
        return f"in about {max(1, round(minutes))} minutes"
    if minutes < 36 * 60:
        return "tomorrow" if minutes > 12 * 60 else f"in about {round(minutes / 60)} hours"
    return f"in {round(minutes / 1440)} days"


# --- topics and bites --------------------------------------------------------------------------------------------


async def topics_card(turn: Turn) -> dict:
    progress = await service.progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    rows = []
    for item in progress.topics:
        t = item.topic
        tick = " ✓" if item.completed_at else ""
        rows.append(
            {
                "type": "ColumnSet",
                "spacing": "Medium",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "verticalContentAlignment": "Center",
                        "items": [
                            cards.text(f"**{t.order}. {t.title}**{tick}"),
                            cards.text(
                                f"Bites {item.bites_seen}/{len(t.bites)} · right {item.answered_right}/"
                                f"{len(t.questions)} · mastery {item.mastery:.0%}",
                                subtle=True,
                                size="Small",
                            ),
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [
                            cards.action_set(cards.execute("Open", "learning.topic", {"topic_id": t.id, "bite": 0})),
                        ],
                    },
                ],
            }
        )
    return cards.card(
        cards.title("QI basics in two-minute bites"),
        cards.text(
            f"{progress.completed} of {len(progress.topics)} topics completed · streak {progress.streak} "
            f"day{'s' if progress.streak != 1 else ''}",
            subtle=True,
        ),
        *rows,
        actions=[cards.execute("Quiz me", "learning.next"), cards.execute("My progress", "learning.progress")],
    )


@router.command(
    "learn",
    title="Learn",
    description="QI basics in two-minute bites: topics, progress and quizzes",
    aliases=("learning", "e-learning", "topics", "course"),
)
async def learn(turn: Turn) -> Response:
    return Response.show(await topics_card(turn))


@router.action("topics")
async def topics_again(turn: Turn) -> Response:
    return Response(card=await topics_card(turn))


def bite_card(topic: Topic, index: int, notice: str | None = None) -> dict:
    bite = topic.bites[index]
    last = index == len(topic.bites) - 1
    # The forward button comes first, so it stays under the thumb from one card to the next.
    if last:
        actions = [cards.execute("Try the questions", "learning.topic_quiz", {"topic_id": topic.id}, style="positive")]
    else:
        actions = [cards.execute("Next", "learning.topic", {"topic_id": topic.id, "bite": index + 1}, style="positive")]
    if index > 0:
        actions.append(cards.execute("Back", "learning.topic", {"topic_id": topic.id, "bite": index - 1}))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.text(f"{topic.title} · {index + 1} of {len(topic.bites)}", subtle=True, size="Small"),
        cards.title(bite.title),
        cards.text(bite.text),
        {"type": "Container", "style": "emphasis", "items": [cards.text(f"**In practice:** {bite.example}")]},
        actions=actions + [cards.execute("All topics", "learning.topics")],
    )


@router.action("topic")
async def topic(turn: Turn) -> Response:
    topic = _topic(turn)
    index = _int(turn, "bite", 0)
    completed, awarded = await service.see_bite(
        turn.uow, user=turn.user, topic=topic, index=index, content=turn.content, now=turn.now
    )
    notice = f"Topic completed: {completed.title}." if completed else None
    card = bite_card(topic, index, notice)
    extra = [OutboundMessage(card=certificate_card(turn.content, turn.user, awarded, turn.now))] if awarded else []
    return Response(card=card, messages=extra)


# --- questions ---------------------------------------------------------------------------------------------------


async def question_response(turn: Turn, topic_id: str | None, notice: str | None = None) -> Response:
    nxt = await service.next_question(turn.uow, user=turn.user, content=turn.content, now=turn.now, topic_id=topic_id)
    if nxt.question is None:
        return Response(card=await done_card(turn, nxt.reason, topic_id, notice))
    serve = await service.serve_question(turn.uow, user=turn.user, question=nxt.question, now=turn.now)
    return Response(card=question_card(turn.content, nxt.question, serve, nxt.is_review, topic_id, notice))


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


def question_card(
    content: Content, question, serve, is_review: bool, topic_id: str | None, notice: str | None = None
) -> dict:
    topic = content.learning.topic(question.topic_id)
    order = serve.order or tuple(range(len(question.options)))
    options = [_option_row(LETTERS[shown], question.options[index]) for shown, index in enumerate(order)]
    buttons = [
        cards.execute(LETTERS[shown], "learning.answer", {"serve_id": serve.id, "option": shown, "topic_id": topic_id})
        for shown in range(len(order))
    ]
    kind = "Review" if is_review else "New question"
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.text(f"{kind} · {topic.title if topic else ''}", subtle=True, size="Small"),
        {**cards.text(question.stem, size="Medium"), "weight": "Bolder"},
        *options,
        cards.toggle("sure", "I'm sure of my answer", False),
        cards.action_set(*buttons),
    )


@router.command(
    "quiz",
    title="Quiz",
    description="Today's QI questions: reviews first, then a few new ones",
    aliases=("practice", "practise", "questions", "quiz me"),
)
async def quiz(turn: Turn) -> Response:
    response = await question_response(turn, None)
    return Response(messages=[OutboundMessage(card=response.card)])


@router.action("next")
async def next_question(turn: Turn) -> Response:
    topic_id = turn.inbound.data.get("topic_id") or None
    return await question_response(turn, topic_id if isinstance(topic_id, str) else None)


@router.action("topic_quiz")
async def topic_quiz(turn: Turn) -> Response:
    return await question_response(turn, _topic(turn).id)


@router.action("answer")
async def answer(turn: Turn) -> Response:
    data = turn.inbound.data
    sure = str(data.get("sure", "false")).lower() == "true"
    result = await service.answer_question(
        turn.uow,
        user=turn.user,
        serve_id=_int(turn, "serve_id"),
        option=data.get("option"),
        sure=sure,
        content=turn.content,
        now=turn.now,
    )
    topic_id = data.get("topic_id") if isinstance(data.get("topic_id"), str) else None
    return Response(
        card=result_card(turn, result, topic_id),
        messages=[OutboundMessage(card=certificate_card(turn.content, turn.user, result.awarded, turn.now))]
        if result.awarded
        else [],
    )


def result_card(turn: Turn, result: service.Answer, topic_id: str | None) -> dict:
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
            cards.execute("Next", "learning.next", {"topic_id": topic_id}, style="positive"),
            cards.execute("Stop for today", "learning.stop"),
        ],
    )


async def done_card(turn: Turn, reason: str | None, topic_id: str | None, notice: str | None) -> dict:
    progress = await service.progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    text = {
        "cap": "You have done today's reviews. The rest will wait for tomorrow.",
        "new_cap": f"That's today's {turn.content.learning.rules.daily_new_questions} new questions done. "
        "More tomorrow, or open a topic in **learn** to keep going.",
    }.get(reason or "", "You are all caught up: nothing is due right now.")
    if topic_id:
        text = "No more questions due in this topic right now."
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Well done"),
        cards.text(text),
        cards.text(f"Streak: {progress.streak} day{'s' if progress.streak != 1 else ''}.", subtle=True),
        actions=[cards.execute("My progress", "learning.progress"), cards.execute("All topics", "learning.topics")],
    )


@router.action("stop")
async def stop(turn: Turn) -> Response:
    progress = await service.progress(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    return Response(
        card=cards.card(
            cards.notice("See you next time."),
            cards.text(
                f"Streak: {progress.streak} day{'s' if progress.streak != 1 else ''}. On days you have not "
                "practised I send one reminder when questions are due, at the time you choose in **settings**.",
                subtle=True,
            ),
            actions=[cards.execute("My progress", "learning.progress")],
        )
    )


# --- progress, certificate, league -----------------------------------------------------------------------------


async def progress_card(turn: Turn) -> dict:
    content = turn.content
    progress = await service.progress(turn.uow, user=turn.user, content=content, now=turn.now)
    award = content.learning.rules.award
    awarded = progress.awards.get(award)
    rows = cards.facts(
        [
            (
                f"{'✓ ' if t.completed_at else ''}{t.topic.title}",
                f"right {t.answered_right}/{len(t.topic.questions)} · mastered {t.mastered}",
            )
            for t in progress.topics
        ]
    )
    report = await service.learning_report(turn.uow, content=content, now=turn.now)
    league = [
        (site, "fewer than 5 staff so far" if staff == "<5" else f"{active} of {staff} staff")
        for site, staff, active in report.participation
    ]
    return cards.card(
        cards.title("My QI learning"),
        cards.facts(
            [
                ("Streak", f"{progress.streak} day{'s' if progress.streak != 1 else ''}"),
                ("Topics completed", f"{progress.completed} of {len(progress.topics)}"),
                (
                    f"{award} award",
                    f"awarded {awarded.astimezone(content.nudges.timezone):%d %b %Y}"
                    if awarded
                    else f"not yet (complete all {len(progress.topics)} topics)",
                ),
            ]
        ),
        cards.heading("Mastery by topic"),
        rows,
        cards.text(
            "Right: answered correctly at least once. Mastered: remembered well (FSRS review state, stable for "
            f"more than {content.learning.rules.mastery_stability_days:g} days).",
            subtle=True,
            size="Small",
        ),
        cards.heading("Practice by site, last 30 days"),
        cards.facts(league) if league else cards.text("No practice recorded yet."),
        cards.text("Totals only; numbers under 5 show as <5.", subtle=True, size="Small"),
        actions=[cards.execute("Quiz me", "learning.next"), cards.execute("All topics", "learning.topics")],
    )


@router.command(
    "my progress",
    title="My progress",
    description="Your QI learning: mastery, streak and topics done",
    aliases=("progress", "my learning", "streak"),
)
async def my_progress(turn: Turn) -> Response:
    return Response.show(await progress_card(turn))


@router.action("progress")
async def progress_again(turn: Turn) -> Response:
    return Response(card=await progress_card(turn))


def certificate_card(content: Content, user: User, award: str, now: datetime) -> dict:
    local = now.astimezone(content.nudges.timezone)
    return cards.card(
        {
            "type": "Container",
            "style": "good",
            "bleed": True,
            "items": [
                cards.text("Certificate", subtle=True, size="Small"),
                cards.title(award),
                cards.text(
                    f"awarded to **{user.name or 'you'}** on {local:%d %B %Y} for completing all "
                    f"{len(content.learning.topics)} topics of QI basics at {content.organisation.short_name}."
                ),
            ],
        },
        cards.text("This counts as QI training attended in the programme's measures. Well done!", subtle=True),
    )


# --- faculty report ---------------------------------------------------------------------------------------------


def report_card(report: service.LearningReport) -> dict:
    missed = [
        cards.text(f"- {s.share_correct:.0%} right of {s.answers}: {s.question.stem}", size="Small")
        for s in report.most_missed
    ]
    return cards.card(
        cards.title("Learning report"),
        cards.heading("Most-missed questions"),
        *(missed or [cards.text("Not enough answers yet (5 or more per question).", size="Small")]),
        cards.heading("QI foundations completed, by site"),
        cards.facts(report.by_site) if report.by_site else cards.text("None yet.", size="Small"),
        cards.heading("By staff group"),
        cards.facts(report.by_staff_group) if report.by_staff_group else cards.text("None yet.", size="Small"),
        cards.text("Groups under 5 people show as <5.", subtle=True, size="Small"),
        actions=[cards.execute("Refresh", "learning.report")],
    )


@router.action("report", role=Role.ADMIN)
async def report(turn: Turn) -> Response:
    return Response(card=report_card(await service.learning_report(turn.uow, content=turn.content, now=turn.now)))


class LearningCards:
    """The daily learning nudge."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def nudge(self, count: int) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(service.nudge_text(self.content, count)),
                actions=[
                    cards.execute("Start", "learning.next", style="positive"),
                    cards.execute("Not today", "learning.stop"),
                ],
            )
        )
