"""For coaches: `open questions` (the unanswered queue, oldest first, by site and topic), answering (from the card
in the thread, or from their chat), and `forum topics` (the topics and sites whose reminders they get)."""

from __future__ import annotations

from core.forum import asking, escalation, threads
from core.forum.commands import InvalidAnswer, Subscriptions
from core.forum.services import asker_label, get_post
from core.kernel.content import Choice
from core.kernel.model import Role
from dialogs.forum import mine
from dialogs.forum.router import router
from dialogs.forum.thread_card import question_card
from dialogs.forum.wording import excerpt, topic, working_time
from dialogs.forum.wording import site as site_label
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

ANY = "any"


def _choice(data: dict, key: str, valid) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and valid(value) else None


async def queue_card(turn: Turn, site: str | None = None, topic_id: str | None = None) -> dict:
    content = turn.content
    waiting = await escalation.open_questions(
        turn.uow, user=turn.user, site=site, topic=topic_id, content=content, now=turn.now
    )
    rows = [
        cards.list_row(
            [
                cards.text(f"**{w.asker}** · {site_label(content, w.post)} · {topic(content, w.post)}", size="Small"),
                cards.text(excerpt(w.post.text, 200)),
                cards.text(
                    f"Waiting {working_time(w.waited)}" + (" · overdue" if w.overdue else ""),
                    size="Small",
                    color=None,
                ),
            ],
            [cards.execute("Open", mine.view, {"post_id": w.post.id}, inputs=False)],
        )
        for w in waiting
    ]
    sites = (Choice(ANY, "All sites"), *content.organisation.sites)
    topics = (Choice(ANY, "All topics"), *content.forum.topics)
    return cards.card(
        cards.title("Open questions"),
        cards.text("Unanswered, oldest first.", subtle=True),
        cards.choice_set("site", "Site", sites, site or ANY, required=False),
        cards.choice_set("topic", "Topic", topics, topic_id or ANY, required=False),
        cards.action_set(cards.execute("Show", open_questions)),
        *rows,
        cards.text("Nothing is waiting: every question has an answer.") if not rows else None,
        actions=[cards.execute("My topics", topics_action, inputs=False)],
    )


@router.action("open", role=Role.COACH)
@router.command(
    "open questions",
    title="Open questions",
    description="Questions waiting for a coach's answer, oldest first",
    aliases=("unanswered", "open question", "question queue"),
    role=Role.COACH,
)
async def open_questions(turn: Turn) -> Response:
    data = turn.inbound.data if turn.inbound.kind == "action" else {}
    site = _choice(data, "site", lambda v: turn.content.organisation.is_valid("sites", v))
    topic_id = _choice(data, "topic", turn.content.forum.is_topic)
    return Response.show(await queue_card(turn, site, topic_id))


@router.action("answer", role=Role.COACH)
async def answer(turn: Turn) -> Response:
    """From the card in the thread (a channel turn: the card must belong to this thread) or from the coach's chat."""
    inbound = turn.inbound
    post_id = card_int(inbound.data, "post_id")
    in_thread = inbound.conversation_type == "channel"
    try:
        await threads.answer(
            turn.uow,
            user=turn.user,
            post_id=post_id,
            text=inbound.data.get("answer"),
            in_conversation=inbound.conversation_id if in_thread else None,
            content=turn.content,
            messages=turn.messages["forum"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        refused = await _thread_card(turn, post_id) if in_thread else await mine.show_post(turn, post_id)
        raise FormError(refused, problem.message, field=problem.field) from None
    who = turn.user.name or "a QI coach"
    if in_thread:
        return Response(card=await _thread_card(turn, post_id, f"Answered by {who}: sent to the asker."))
    return Response(card=await mine.show_post(turn, post_id, "Sent to the asker and to the thread."))


async def _thread_card(turn: Turn, post_id: int, notice: str | None = None) -> dict:
    post = await get_post(turn.uow, post_id)
    project = await asking.project_title(turn.uow, post.project_id)
    return question_card(
        turn.content, post, asker=asker_label(post, turn.content, viewer=None), project=project, notice=notice
    )


def topics_card(turn: Turn, chosen: Subscriptions, notice: str | None = None) -> dict:
    content = turn.content
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("My forum topics"),
        cards.text(
            "You are reminded first about unanswered questions on these topics or from these sites.", subtle=True
        ),
        {
            **cards.choice_set("topics", "Topics", content.forum.topics, required=False, multi=True, compact=False),
            "value": ",".join(chosen.topics),
        },
        {
            **cards.choice_set("sites", "Sites", content.organisation.sites, required=False, multi=True, compact=False),
            "value": ",".join(chosen.sites),
        },
        actions=[cards.execute("Save", save_topics), cards.execute("Open questions", open_questions, inputs=False)],
    )


@router.action("topics", role=Role.COACH)
@router.command(
    "forum topics",
    title="Forum topics",
    description="Choose the topics and sites of the questions you are reminded about",
    aliases=("my topics", "subscriptions", "forum subscriptions"),
    role=Role.COACH,
)
async def topics_action(turn: Turn) -> Response:
    return Response.show(topics_card(turn, await escalation.subscriptions(turn.uow, user=turn.user)))


def _many(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(v for v in value.split(",") if v)


@router.action("save_topics", role=Role.COACH)
async def save_topics(turn: Turn) -> Response:
    data = turn.inbound.data
    choice = Subscriptions(topics=_many(data.get("topics")), sites=_many(data.get("sites")))
    try:
        saved = await escalation.subscribe(turn.uow, user=turn.user, choice=choice, content=turn.content)
    except InvalidAnswer as problem:
        raise FormError(topics_card(turn, Subscriptions((), ())), problem.message, field=problem.field) from None
    return Response(card=topics_card(turn, saved, "Saved."))
