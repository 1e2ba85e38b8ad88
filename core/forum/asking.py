"""`ask`: a question is checked, then the duplicate check shows similar answered questions and FAQ entries
(ranked by the database's full-text search); the person says "this answers it" or posts anyway, and the question
becomes a thread in the coaches' channel for their site (or the one for all sites)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.forum.commands import InvalidAnswer, QuestionDraft
from core.forum.model import (
    ALL_SITES,
    ChannelKind,
    ForumChannel,
    Post,
    PostKind,
    PostStatus,
    Suggestion,
)
from core.forum.ports import ForumMessages
from core.forum.services import asker_label, get_post, is_question, my_post, start_thread
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text
from core.projects import services as projects

# Words that carry no meaning for the search (PostgreSQL's English configuration drops the same kind of words;
# SQLite's FTS5 has no stop list, so the query leaves them out on both).
STOPWORDS = frozenset(
    "a about after all also am an and any are as at be been before being but by can could did do does doing for "
    "from get got had has have having he her here how i if in into is it its just me more most my no not of on "
    "one or our out should so some than that the their them then there these they this those to too up us very "
    "was we were what when where which while who why will with would you your".split()
)
MAX_WORDS = 32
ANSWERED = (PostStatus.ANSWERED, PostStatus.CLOSED)


def search_words(text: str) -> list[str]:
    """The words of `text` worth searching for, in order, once each."""
    words: list[str] = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        if len(word) > 1 and word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


@dataclass(frozen=True)
class Checked:
    draft: Post
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class Posted:
    post: Post
    already: bool  # the draft had been posted (or resolved) before: a second press changes nothing
    to_channel: bool  # a coaches' channel is linked, so a thread was queued


async def project_choices(uow: UnitOfWork, user: User) -> list[tuple[int, str]]:
    """The person's registered projects a question can be about."""
    return [(p.id, p.title or "Untitled project") for p in await projects.open_projects_led_by(uow, user.id)]


def clean_question(content: Content, value: object) -> str:
    limit = content.forum.question_characters
    try:
        text = clean_text(value, limit, "your question", required=True)
    except InvalidInput as problem:
        raise InvalidAnswer("question", problem.message) from None
    assert text is not None
    if not search_words(text):
        raise InvalidAnswer("question", "Please say a little more: what would you like to know?")
    return text


async def check_question(
    uow: UnitOfWork, *, user: User, draft: QuestionDraft, content: Content, now: datetime
) -> Checked:
    text = clean_question(content, draft.text)
    if not content.forum.is_topic(draft.topic):
        raise InvalidAnswer("topic", "Please choose a topic.")
    if draft.project_id is not None and draft.project_id not in {p for p, _ in await project_choices(uow, user)}:
        raise InvalidAnswer("project", "That project is not one of yours: please choose again.")
    post = await uow.forum.add_post(
        kind=PostKind.QUESTION,
        user_id=user.id,
        text=text,
        topic=str(draft.topic),
        site=user.site,
        project_id=draft.project_id,
        show_name=draft.show_name,
        status=PostStatus.DRAFT,
        now=now,
    )
    return Checked(post, await suggest(uow, text, limit=content.forum.suggestions))


async def suggest(uow: UnitOfWork, text: str, *, limit: int, faq_only: bool = False) -> tuple[Suggestion, ...]:
    """Answered questions and FAQ entries like `text`, best first (the database ranks them)."""
    found: list[Suggestion] = []
    for hit in await uow.forum.search(search_words(text), limit=limit, faq_only=faq_only):
        if hit.kind == "faq":
            entry = await uow.forum.get_faq(hit.ref_id)
            if entry is not None:
                found.append(Suggestion("faq", entry.id, entry.question, entry.answer, entry.topic))
            continue
        post = await uow.forum.get_post(hit.ref_id)
        if post is None or post.status not in ANSWERED:
            continue
        answer = best_answer(await uow.forum.replies(post.id))
        if answer is not None:
            found.append(Suggestion("post", post.id, post.text, answer, post.topic))
    return tuple(found)


def best_answer(replies) -> str | None:
    """The reply the asker marked helpful, else the first that was not the asker's own."""
    answers = [r for r in replies if not r.from_asker]
    helpful = [r for r in answers if r.helpful]
    chosen = (helpful or answers or [None])[0]
    return chosen.text if chosen is not None else None


async def coaches_channel(uow: UnitOfWork, site: str | None) -> ForumChannel | None:
    """The coaches' channel for the site, else the one for all sites."""
    if site:
        channel = await uow.forum.channel_for(ChannelKind.COACHES, site)
        if channel is not None:
            return channel
    return await uow.forum.channel_for(ChannelKind.COACHES, ALL_SITES)


async def project_title(uow: UnitOfWork, project_id: int | None) -> str | None:
    if project_id is None:
        return None
    try:
        return (await projects.get_project(uow, project_id)).title or "Untitled project"
    except NotFound:
        return None


async def post_question(
    uow: UnitOfWork, *, user: User, draft_id: int, content: Content, messages: ForumMessages, now: datetime
) -> Posted:
    """Post anyway: the draft becomes an open question and a thread in the coaches' channel (once)."""
    post = await my_post(uow, user, draft_id)
    if not is_question(post):
        raise NotFound("That card is out of date.")
    channel = await coaches_channel(uow, post.site)
    if post.status != PostStatus.DRAFT or not await uow.forum.publish(
        post.id, channel_id=channel.id if channel else None, now=now
    ):
        return Posted(await get_post(uow, post.id), already=True, to_channel=post.channel_id is not None)
    post = await get_post(uow, post.id)
    if channel is not None:
        card = messages.thread_card(
            post, asker=asker_label(post, content, viewer=None), project=await project_title(uow, post.project_id)
        )
        await start_thread(uow, post, channel, card, now)
    return Posted(post, already=False, to_channel=channel is not None)


async def this_answers_it(uow: UnitOfWork, *, user: User, draft_id: int, kind: str, ref_id: int, now: datetime) -> bool:
    """The person's draft is answered by an FAQ entry or an answered question: recorded once (and counted for that
    answer). False if the draft was already posted or resolved."""
    post = await my_post(uow, user, draft_id)
    if kind == "faq":
        if await uow.forum.get_faq(ref_id) is None:
            raise NotFound("That FAQ entry is no longer there.")
        faq_id, answered_by = ref_id, None
    elif kind == "post":
        answered = await uow.forum.get_post(ref_id)
        if answered is None or answered.status not in ANSWERED or answered.id == post.id:
            raise NotFound("That answer is no longer there.")
        faq_id, answered_by = None, ref_id
    else:
        raise NotFound("That card is out of date.")
    if post.status != PostStatus.DRAFT:
        return False
    return await uow.forum.resolve_draft(post.id, user_id=user.id, faq_id=faq_id, answered_by_post=answered_by, now=now)


async def draft_for_editing(uow: UnitOfWork, *, user: User, draft_id: int) -> Post:
    """The person's own draft, to show on the ask card again."""
    post = await my_post(uow, user, draft_id)
    if post.status != PostStatus.DRAFT:
        raise NotFound("That question has been posted already: type **my questions** to see it.")
    return post
