"""Threads in Teams channels: linking channels (`forum channels`, admins, typed in the channel), the thread a
post starts, replies in it relayed to the asker, answers from a card or from the coach's chat, the asker's
replies relayed into the thread, and withdrawing a question (its thread card then says so)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.forum.commands import ChannelPlace, InvalidAnswer
from core.forum.escalation import answer_timing
from core.forum.model import ALL_SITES, ChannelKind, ForumChannel, Post, PostKind, PostStatus, Reply
from core.forum.ports import ForumMessages
from core.forum.services import (
    ANSWERS,
    adopt_threads,
    asker_label,
    get_post,
    my_post,
    sees_names,
    thread_key,
    thread_link,
    to_channel,
)
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role, User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

NOT_IN_CHANNEL = "Type **forum channels** in the team channel you want to link (mention me there)."

# --- linking channels ------------------------------------------------------------------------------------------


async def link_channel(
    uow: UnitOfWork, *, user: User, place: ChannelPlace, kind: object, scope: object, content: Content, now: datetime
) -> ForumChannel:
    """An admin links the channel the turn came from; its conversation reference is stored (as the admin's
    address in the channel itself, not in the thread the command was typed in)."""
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can link forum channels.")
    if not place.teams_channel_id:
        raise InvalidInput(NOT_IN_CHANNEL)
    if kind not in {k.value for k in ChannelKind}:
        raise InvalidAnswer("kind", "Please choose what this channel is for.")
    if scope != ALL_SITES and not content.organisation.is_valid("sites", scope):
        raise InvalidAnswer("scope", "Please choose a site, or all sites.")
    here = await uow.addresses.for_conversation(user.id, place.conversation_id)
    if here is None:
        raise InvalidInput(NOT_IN_CHANNEL)
    channel_address = await uow.addresses.upsert(
        user.id, replace(here.address, conversation_id=place.teams_channel_id, conversation_type="channel"), now=now
    )
    return await uow.forum.link_channel(
        teams_channel_id=place.teams_channel_id,
        team_id=place.team_id,
        team_group_id=place.team_group_id,
        kind=ChannelKind(kind),
        scope=str(scope),
        address_id=channel_address.id,
        user_id=user.id,
        now=now,
    )


async def unlink_channel(uow: UnitOfWork, *, user: User, channel_id: int) -> bool:
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can unlink forum channels.")
    return await uow.forum.unlink_channel(channel_id)


async def linked_channels(uow: UnitOfWork) -> list[ForumChannel]:
    return await uow.forum.channels()


# --- replies in a thread ---------------------------------------------------------------------------------------


async def follows(uow: UnitOfWork, conversation_id: str) -> bool:
    """Whether a channel message is in a post's thread (read only: nothing is recorded for other messages)."""
    if await uow.forum.post_by_thread(conversation_id) is not None:
        return True
    for post in await uow.forum.awaiting_thread():
        if await uow.outbox.started_conversation(thread_key(post)) == conversation_id:
            return True
    return False


async def thread_post(uow: UnitOfWork, conversation_id: str, *, now: datetime) -> Post | None:
    post = await uow.forum.post_by_thread(conversation_id)
    if post is None and await adopt_threads(uow, now=now):
        post = await uow.forum.post_by_thread(conversation_id)
    return post


def _reply_text(content: Content, text: object) -> str | None:
    """A reply's text as it came in (a Teams message is not refused for its length: it is cut to the limit)."""
    limit = content.forum.reply_characters
    value = text[:limit] if isinstance(text, str) else text
    return clean_text(value, limit, "your reply")


async def reply_in_thread(
    uow: UnitOfWork,
    *,
    user: User,
    post: Post,
    text: str,
    activity_id: str | None,
    content: Content,
    messages: ForumMessages,
    now: datetime,
) -> Reply | None:
    """A message in a post's thread. Someone else's reply is recorded once and relayed to the asker (or the story's
    lead); the asker's own is recorded. Nothing happens for a withdrawn post or an empty message."""
    if post.status in (PostStatus.DRAFT, PostStatus.RESOLVED, PostStatus.WITHDRAWN):
        return None
    said = _reply_text(content, text)
    if not said:
        return None
    from_asker = user.id == post.user_id
    reply = await uow.forum.add_reply(
        post_id=post.id,
        user_id=user.id,
        author_name=user.name,
        from_asker=from_asker,
        text=said,
        source="thread",
        activity_id=activity_id,
        now=now,
    )
    if reply is not None and not from_asker:
        await _answered(uow, post, reply, content, messages, now)
    return reply


async def _answered(uow: UnitOfWork, post: Post, reply: Reply, content: Content, messages: ForumMessages, now):
    if post.kind == PostKind.QUESTION:
        # timed here, once: the first answer's working time and deadline never change afterwards (issue 16)
        timing = answer_timing(post.posted_at, now, content) if post.posted_at and not post.first_answer_at else None
        await uow.forum.mark_answered(post.id, now=now, timing=timing)
    channel = await uow.forum.get_channel(post.channel_id) if post.channel_id else None
    stored = await uow.addresses.get(channel.address_id) if channel else None
    link = thread_link(post, channel, stored.address.tenant_id if stored else None)
    await notify(
        uow,
        content,
        user_id=post.user_id,
        category=ANSWERS,
        message=messages.relayed_reply(post, reply, thread_link=link),
        key=f"forum:reply:{reply.id}",
        now=now,
    )


async def _into_thread(uow: UnitOfWork, post: Post, message, key: str, now: datetime) -> bool:
    if post.thread_address_id is None:
        await adopt_threads(uow, now=now)
        post = await get_post(uow, post.id)
    if post.thread_address_id is None:
        return False
    return await to_channel(uow, address_id=post.thread_address_id, message=message, key=key, now=now)


def _required_text(content: Content, value: object, field: str, what: str) -> str:
    try:
        text = clean_text(value, content.forum.reply_characters, what, required=True)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None
    assert text is not None
    return text


async def answer(
    uow: UnitOfWork,
    *,
    user: User,
    post_id: int,
    text: object,
    in_conversation: str | None,
    content: Content,
    messages: ForumMessages,
    now: datetime,
) -> Reply:
    """A coach answers from a card: the one in the question's thread (`in_conversation` is where the card was
    pressed, and must be that thread) or from their chat with the bot (`in_conversation` None). The answer goes to
    the asker and into the thread."""
    post = await get_post(uow, post_id)
    if not sees_names(user):
        raise NotAllowed("Only a QI coach can answer from this card.")
    if in_conversation is not None and in_conversation != post.thread_conversation:
        raise NotAllowed("That card belongs to another question.")
    if post.user_id == user.id:
        raise NotAllowed("This is your own question: reply to it from **my questions**.")
    if not post.live:
        raise InvalidInput("This question has been closed or withdrawn.")
    said = _required_text(content, text, "answer", "your answer")
    reply = await uow.forum.add_reply(
        post_id=post.id,
        user_id=user.id,
        author_name=user.name,
        from_asker=False,
        text=said,
        source="card" if in_conversation else "chat",
        activity_id=None,
        now=now,
    )
    assert reply is not None
    await _answered(uow, post, reply, content, messages, now)
    author = user.name or "A QI coach"
    await _into_thread(
        uow, post, messages.reply_in_thread(post, reply, author=author), f"forum:reply:{reply.id}:thread", now
    )
    return reply


async def reply_from_chat(
    uow: UnitOfWork, *, user: User, post_id: int, text: object, content: Content, messages: ForumMessages, now
) -> tuple[Reply, bool]:
    """The asker (or a story's lead) replies from their chat: recorded, and relayed into the thread. The flag says
    whether it could go to the thread (False while no channel is linked)."""
    post = await my_post(uow, user, post_id)
    if not post.live:
        raise InvalidInput("This question is closed: ask a new one with **ask**.")
    said = _required_text(content, text, "reply", "your reply")
    reply = await uow.forum.add_reply(
        post_id=post.id,
        user_id=user.id,
        author_name=user.name,
        from_asker=True,
        text=said,
        source="chat",
        activity_id=None,
        now=now,
    )
    assert reply is not None
    author = asker_label(post, content, viewer=None)
    sent = await _into_thread(
        uow, post, messages.reply_in_thread(post, reply, author=author), f"forum:reply:{reply.id}:thread", now
    )
    return reply, sent


async def withdraw(uow: UnitOfWork, *, user: User, post_id: int, messages: ForumMessages, now: datetime) -> bool:
    """The asker deletes their question: it leaves search and the FAQ candidates, a thread not yet posted is not
    posted, and a posted thread's card is edited to say it was withdrawn. False if it already was."""
    post = await my_post(uow, user, post_id)
    await adopt_threads(uow, now=now)
    post = await get_post(uow, post.id)
    await uow.outbox.cancel(thread_key(post))
    if not await uow.forum.withdraw(post.id, now=now):
        return False
    if post.thread_address_id is not None and post.root_activity:
        update = replace(messages.withdrawn_card(post), replaces=post.root_activity)
        await to_channel(
            uow, address_id=post.thread_address_id, message=update, key=f"forum:post:{post.id}:withdrawn", now=now
        )
    return True
