"""`faq`: search the forum's FAQ; and for coaches, promoting a good answer to it (edited, with topic and keywords)."""

from __future__ import annotations

from core.forum import faq as service
from core.forum.commands import FaqDraft, InvalidAnswer
from core.forum.model import FaqEntry, Suggestion
from core.kernel.model import Role
from dialogs.forum import ask as ask_task
from dialogs.forum import mine
from dialogs.forum.router import router
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

SEARCH = 200


def _row(turn: Turn, item: FaqEntry | Suggestion) -> cards.Element:
    return cards.list_row(
        [
            cards.text(f"**{item.question}**"),
            cards.text(item.answer),
            cards.text(turn.content.forum.topic_label(item.topic), subtle=True, size="Small"),
        ]
    )


async def faq_card(turn: Turn, query: object = None) -> dict:
    found = await service.search_faq(turn.uow, text=query, content=turn.content)
    typed = isinstance(query, str) and query.strip()
    return cards.card(
        cards.title("QI questions and answers"),
        cards.text_input("q", "Search", SEARCH, query, placeholder="For example: run chart"),
        cards.action_set(cards.execute("Search", search)),
        *(_row(turn, item) for item in found),
        cards.text("Nothing matches those words. Try other words, or ask a coach.") if typed and not found else None,
        cards.text("The FAQ is empty so far.") if not typed and not found else None,
        actions=[cards.execute("Ask a coach", ask_task.ask, inputs=False)],
    )


@router.command(
    "faq",
    title="FAQ",
    description="Search the QI questions coaches have answered",
    aliases=("faqs", "questions and answers", "search faq"),
    in_manifest=False,
)
async def faq(turn: Turn) -> Response:
    return Response.show(await faq_card(turn))


@router.action("faq_search")
async def search(turn: Turn) -> Response:
    return Response(card=await faq_card(turn, turn.inbound.data.get("q")))


def promote_card(turn: Turn, post_id: int, draft: FaqDraft) -> dict:
    content = turn.content
    return cards.card(
        cards.title("Add to the FAQ"),
        cards.text("Edit the question and answer so they read well on their own (no names).", subtle=True),
        cards.text_input("question", "Question", content.forum.question_characters, draft.question, multiline=True),
        cards.text_input("answer", "Answer", content.forum.reply_characters, draft.answer, multiline=True),
        cards.choice_set("topic", "Topic", content.forum.topics, draft.topic if isinstance(draft.topic, str) else None),
        cards.text_input("keywords", "Keywords (help people find it)", service.KEYWORDS, draft.keywords),
        actions=[
            cards.execute("Add to the FAQ", promote_save, {"post_id": post_id}),
            cards.execute("Back", mine.view, {"post_id": post_id}, inputs=False),
        ],
    )


@router.action("promote", role=Role.COACH)
async def promote(turn: Turn) -> Response:
    post_id = card_int(turn.inbound.data, "post_id")
    draft = await service.promotion_draft(turn.uow, user=turn.user, post_id=post_id)
    return Response(card=promote_card(turn, post_id, draft))


@router.action("promote_save", role=Role.COACH)
async def promote_save(turn: Turn) -> Response:
    data = turn.inbound.data
    post_id = card_int(data, "post_id")
    draft = FaqDraft(
        question=data.get("question"), answer=data.get("answer"), topic=data.get("topic"), keywords=data.get("keywords")
    )
    try:
        entry = await service.promote(
            turn.uow, user=turn.user, post_id=post_id, draft=draft, content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        raise FormError(promote_card(turn, post_id, draft), problem.message, field=problem.field) from None
    return Response(
        card=cards.card(
            cards.notice("Added to the FAQ. `faq` finds it, and so does the check before a question is posted."),
            _row(turn, entry),
            actions=[cards.execute("Back to the question", mine.view, {"post_id": post_id}, inputs=False)],
        )
    )
