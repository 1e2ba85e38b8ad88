"""The FAQ: coaches promote a good answer (edited, with topic and keywords); `faq` searches it; it is exported
to and imported from content/faq.yaml so another trust can seed its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.forum.asking import best_answer, suggest
from core.forum.commands import FaqDraft, InvalidAnswer
from core.forum.model import FaqEntry, PostKind, PostStatus, Suggestion
from core.forum.services import get_post, sees_names
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

KEYWORDS = 300


@dataclass(frozen=True)
class FaqImport:
    slug: str
    topic: str
    question: str
    answer: str
    keywords: str = ""


def _field(value: object, limit: int, field: str, what: str, *, required: bool = True) -> str:
    try:
        text = clean_text(value, limit, what, required=required)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None
    return text or ""


async def promotion_draft(uow: UnitOfWork, *, user: User, post_id: int) -> FaqDraft:
    """What the promote card starts with: the question, the best answer, its topic."""
    post = await _promotable(uow, user, post_id)
    answer = best_answer(await uow.forum.replies(post.id)) or ""
    return FaqDraft(question=post.text, answer=answer, topic=post.topic, keywords="")


async def _promotable(uow: UnitOfWork, user: User, post_id: int):
    if not sees_names(user):
        raise NotAllowed("Only a QI coach can add to the FAQ.")
    post = await get_post(uow, post_id)
    if post.kind != PostKind.QUESTION or post.status in (PostStatus.DRAFT, PostStatus.RESOLVED, PostStatus.WITHDRAWN):
        raise NotFound("That question cannot go into the FAQ (it was withdrawn or never posted).")
    if not any(not r.from_asker for r in await uow.forum.replies(post.id)):
        raise InvalidInput("That question has no answer yet.")
    return post


async def promote(
    uow: UnitOfWork, *, user: User, post_id: int, draft: FaqDraft, content: Content, now: datetime
) -> FaqEntry:
    post = await _promotable(uow, user, post_id)
    question = _field(draft.question, content.forum.question_characters, "question", "the question")
    answer = _field(draft.answer, content.forum.reply_characters, "answer", "the answer")
    if not content.forum.is_topic(draft.topic):
        raise InvalidAnswer("topic", "Please choose a topic.")
    keywords = _field(draft.keywords, KEYWORDS, "keywords", "the keywords", required=False)
    return await uow.forum.add_faq(
        slug=None,
        question=question,
        answer=answer,
        topic=str(draft.topic),
        keywords=keywords,
        source_post_id=post.id,
        user_id=user.id,
        now=now,
    )


async def search_faq(uow: UnitOfWork, *, text: object, content: Content) -> tuple[Suggestion, ...] | list[FaqEntry]:
    """Entries matching the words typed, best first; with no words, every entry by topic."""
    said = clean_text(text, 200, "your search") or ""
    if not said:
        entries = await uow.forum.faq_entries()
        order = {t.id: i for i, t in enumerate(content.forum.topics)}
        return sorted(entries, key=lambda e: (order.get(e.topic, len(order)), e.question))
    return await suggest(uow, said, limit=10, faq_only=True)


async def export_faq(uow: UnitOfWork) -> list[FaqEntry]:
    return await uow.forum.faq_entries()


async def import_faq(
    uow: UnitOfWork, *, entries: Sequence[FaqImport], content: Content, now: datetime
) -> tuple[int, int]:
    """Add new entries and update those whose slug exists: (added, updated). Unknown topics are refused."""
    added = updated = 0
    for entry in entries:
        if not content.forum.is_topic(entry.topic):
            raise InvalidInput(f"FAQ entry {entry.slug!r}: unknown topic {entry.topic!r}")
        created = await uow.forum.upsert_faq(
            slug=entry.slug,
            question=entry.question,
            answer=entry.answer,
            topic=entry.topic,
            keywords=entry.keywords,
            now=now,
        )
        added += created
        updated += not created
    return added, updated
