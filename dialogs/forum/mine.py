"""`my questions`: the asker's questions; one question with its replies, where the asker replies, marks a reply
helpful, closes it ("Did this answer your question?") or withdraws it. Coaches open the same card from the queue
and answer from it."""

from __future__ import annotations

from core.forum import closing as service
from core.forum import threads
from core.forum.commands import InvalidAnswer
from core.forum.model import Outcome, PostView, Reply
from dialogs.forum import ask as ask_task
from dialogs.forum import coaching, faq
from dialogs.forum.router import router
from dialogs.forum.wording import excerpt, open_thread, status, topic, when
from dialogs.forum.wording import site as site_label
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn


async def my_questions_card(turn: Turn, notice: str | None = None) -> dict:
    rows = [
        cards.list_row(
            [
                cards.text(f"**{excerpt(p.text, 160)}**"),
                cards.text(
                    f"{status(p)} · {topic(turn.content, p)} · {when(turn.content, p.posted_at)}",
                    subtle=True,
                    size="Small",
                ),
            ],
            [cards.execute("Open", view, {"post_id": p.id}, inputs=False)],
        )
        for p in await service.my_posts(turn.uow, user=turn.user)
    ]
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("My questions"),
        *rows,
        cards.text("You have not asked the coaches anything yet.") if not rows else None,
        actions=[cards.execute("Ask a question", ask_task.ask)],
    )


@router.action("mine")
@router.command(
    "my questions",
    title="My questions",
    description="Your questions to the QI coaches and their answers",
    aliases=("my question", "questions"),
    in_manifest=False,
)
async def my_questions_action(turn: Turn) -> Response:
    return Response.show(await my_questions_card(turn))


def _reply_row(turn: Turn, item: PostView, reply: Reply) -> cards.Element:
    who = "You" if reply.from_asker and item.mine else (reply.author_name or "A QI coach")
    lines = [
        cards.text(f"**{who}** · {when(turn.content, reply.created_at)}", size="Small"),
        cards.text(reply.text),
        cards.text("You marked this helpful", size="Small") if reply.helpful and item.mine else None,
    ]
    buttons = []
    if item.can_mark_helpful and not reply.from_asker and not reply.helpful:
        buttons.append(cards.execute("This helped", helpful, {"reply_id": reply.id}, inputs=False))
    return cards.list_row(lines, buttons)


def post_card(turn: Turn, item: PostView, notice: str | None = None, *, good: bool = True) -> dict:
    post, content = item.post, turn.content
    limit = content.forum.reply_characters
    actions: list[cards.Element] = []
    if item.can_close:
        actions.append(cards.execute("Close question", close, {"post_id": post.id}, inputs=False))
    if item.can_promote:
        actions.append(cards.execute("Add to the FAQ", faq.promote, {"post_id": post.id}, inputs=False))
    actions += open_thread(item.thread_link)
    if item.can_withdraw:
        actions.append(cards.execute("Withdraw", withdraw, {"post_id": post.id}, inputs=False, style="destructive"))
    return cards.card(
        cards.notice(notice, good=good) if notice else None,
        cards.title("Your question" if item.mine else f"A question from {item.asker}"),
        cards.text(post.text or "(withdrawn)"),
        cards.facts(
            [
                ("Topic", topic(content, post)),
                ("Site", site_label(content, post)),
                ("Status", status(post)),
                ("Asked", when(content, post.posted_at or post.created_at)),
            ]
        ),
        cards.heading("Replies") if item.replies else None,
        *(_reply_row(turn, item, r) for r in item.replies),
        cards.text("No replies yet.", subtle=True) if not item.replies else None,
        cards.text_input("reply", "Reply to the coaches", limit, multiline=True) if item.can_reply else None,
        cards.action_set(cards.execute("Send reply", reply, {"post_id": post.id})) if item.can_reply else None,
        cards.text_input("answer", "Your answer (goes to the asker and the thread)", limit, multiline=True)
        if item.can_answer
        else None,
        cards.action_set(cards.execute("Send answer", coaching.answer, {"post_id": post.id}))
        if item.can_answer
        else None,
        actions=actions or None,
    )


async def show_post(turn: Turn, post_id: int, notice: str | None = None, *, good: bool = True) -> dict:
    item = await service.view_post(turn.uow, user=turn.user, post_id=post_id, content=turn.content)
    return post_card(turn, item, notice, good=good)


@router.action("view")
async def view(turn: Turn) -> Response:
    return Response(card=await show_post(turn, card_int(turn.inbound.data, "post_id")))


@router.action("reply")
async def reply(turn: Turn) -> Response:
    post_id = card_int(turn.inbound.data, "post_id")
    try:
        _, sent = await threads.reply_from_chat(
            turn.uow,
            user=turn.user,
            post_id=post_id,
            text=turn.inbound.data.get("reply"),
            content=turn.content,
            messages=turn.messages["forum"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        raise FormError(await show_post(turn, post_id), problem.message, field=problem.field) from None
    notice = "Sent to the coaches' thread." if sent else "Saved: the coaches will see it with your question."
    return Response(card=await show_post(turn, post_id, notice))


@router.action("helpful")
async def helpful(turn: Turn) -> Response:
    marked, post_id = await service.mark_helpful(
        turn.uow, user=turn.user, reply_id=card_int(turn.inbound.data, "reply_id")
    )
    return Response(card=await show_post(turn, post_id, "Thanks: marked helpful." if marked else "Already marked."))


def close_card(post_id: int) -> dict:
    return cards.card(
        cards.title("Did this answer your question?"),
        actions=[
            cards.execute("Yes", closed, {"post_id": post_id, "outcome": Outcome.YES.value}, inputs=False),
            cards.execute("Partly", closed, {"post_id": post_id, "outcome": Outcome.PARTLY.value}, inputs=False),
            cards.execute("No", closed, {"post_id": post_id, "outcome": Outcome.NO.value}, inputs=False),
            cards.execute("Keep it open", view, {"post_id": post_id}, inputs=False),
        ],
    )


@router.action("close")
async def close(turn: Turn) -> Response:
    post_id = card_int(turn.inbound.data, "post_id")
    await service.view_post(turn.uow, user=turn.user, post_id=post_id, content=turn.content)  # yours, or refused
    return Response(card=close_card(post_id))


@router.action("closed")
async def closed(turn: Turn) -> Response:
    post_id = card_int(turn.inbound.data, "post_id")
    done = await service.close_question(
        turn.uow,
        user=turn.user,
        post_id=post_id,
        outcome=turn.inbound.data.get("outcome"),
        messages=turn.messages["forum"],
        now=turn.now,
        content=turn.content,
    )
    notice = "Closed. Thank you for telling us." if done else "That question was already closed: nothing changed."
    return Response(card=await show_post(turn, post_id, notice, good=done))


@router.action("withdraw")
async def withdraw(turn: Turn) -> Response:
    post_id = card_int(turn.inbound.data, "post_id")
    item = await service.view_post(turn.uow, user=turn.user, post_id=post_id, content=turn.content)
    if not item.can_withdraw:
        return Response(card=await show_post(turn, post_id, "That question was already withdrawn.", good=False))
    return Response(
        card=cards.card(
            cards.title("Withdraw this question?"),
            cards.text(
                "It will be removed from search and from the FAQ candidates, and the coaches' thread will say it was "
                "withdrawn."
            ),
            actions=[
                cards.execute("Withdraw", withdrawn, {"post_id": post_id}, inputs=False, style="destructive"),
                cards.execute("Keep it", view, {"post_id": post_id}, inputs=False),
            ],
        )
    )


@router.action("withdrawn")
async def withdrawn(turn: Turn) -> Response:
    done = await threads.withdraw(
        turn.uow,
        user=turn.user,
        post_id=card_int(turn.inbound.data, "post_id"),
        messages=turn.messages["forum"],
        now=turn.now,
    )
    return Response(
        card=await my_questions_card(turn, "Withdrawn." if done else "That question was already withdrawn.")
    )
