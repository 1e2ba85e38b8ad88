"""What the forum's task modules share: finding a post, who may see the asker's name, queuing messages to a
person (through the nudge gate) and into a thread or channel (straight to the outbox: a channel is not a person,
so quiet hours and budgets do not apply)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from core.forum.model import ForumChannel, Post, PostKind
from core.kernel.content import Content
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.model import OutboundMessage, Role, User
from core.kernel.ports import UnitOfWork

ANSWERS = "forum_answers"  # replies to your question or story, "still open": a service message
REMINDERS = "forum_reminders"  # coaches: questions waiting past their time
THREAD = ";messageid="
STALE = "That card is out of date: the question has changed since. Type **my questions** to see it now."


async def get_post(uow: UnitOfWork, post_id: int) -> Post:
    post = await uow.forum.get_post(post_id)
    if post is None:
        raise NotFound(STALE)
    return post


async def my_post(uow: UnitOfWork, user: User, post_id: int) -> Post:
    """The asker's own post; anyone else's is refused (a forged or forwarded card)."""
    post = await get_post(uow, post_id)
    if post.user_id != user.id:
        raise NotAllowed("That question is not yours.")
    return post


def sees_names(user: User) -> bool:
    """Coaches and admins always see who asked."""
    return user.has_role(Role.COACH)


def asker_label(post: Post, content: Content, *, viewer: User | None) -> str:
    """The asker's name where they chose to show it (or the viewer is a coach or admin); else "a colleague at
    <site>". `viewer` None means anyone may read it (a channel)."""
    if post.asker_name and (
        post.show_name or (viewer is not None and (viewer.id == post.user_id or sees_names(viewer)))
    ):
        return post.asker_name
    if post.site and content.organisation.is_valid("sites", post.site):
        return f"a colleague at {content.organisation.label('sites', post.site)}"
    return "a colleague"


def thread_link(post: Post, channel: ForumChannel | None, tenant_id: str | None) -> str | None:
    """A link that opens the post's thread in Teams."""
    if channel is None or not post.root_activity:
        return None
    params = [f"parentMessageId={post.root_activity}"]
    if tenant_id:
        params.append(f"tenantId={tenant_id}")
    if channel.team_group_id:
        params.append(f"groupId={channel.team_group_id}")
    return f"https://teams.microsoft.com/l/message/{channel.teams_channel_id}/{post.root_activity}?{'&'.join(params)}"


async def to_channel(uow: UnitOfWork, *, address_id: int, message: OutboundMessage, key: str, now: datetime) -> bool:
    """Queue a message for a channel or a thread (its stored address). The row is the address's own person's (the
    admin who linked the channel), as every outbox row belongs to someone."""
    stored = await uow.addresses.get(address_id)
    if stored is None or not stored.active:
        return False
    return await uow.outbox.add(
        dedupe_key=key,
        user_id=stored.user_id,
        address_id=stored.id,
        category=ANSWERS,
        message=message,
        due_at=now,
        counts_to_budget=False,
        now=now,
    )


async def start_thread(uow: UnitOfWork, post: Post, channel: ForumChannel, message: OutboundMessage, now) -> bool:
    return await to_channel(
        uow, address_id=channel.address_id, message=replace(message, new_thread=True), key=thread_key(post), now=now
    )


def thread_key(post: Post) -> str:
    return f"forum:post:{post.id}:thread"


async def adopt_threads(uow: UnitOfWork, *, now: datetime) -> int:
    """Record the thread each post started, once the outbox has sent it: the thread's id, its root message, and an
    address for it (so replies and updates can go there)."""
    adopted = 0
    for post in await uow.forum.awaiting_thread():
        conversation = await uow.outbox.started_conversation(thread_key(post))
        if not conversation or post.channel_id is None:
            continue
        channel = await uow.forum.get_channel(post.channel_id)
        stored = await uow.addresses.get(channel.address_id) if channel else None
        if stored is None:
            continue
        address = await uow.addresses.upsert(
            stored.user_id, replace(stored.address, conversation_id=conversation), now=now
        )
        root = conversation.split(THREAD, 1)[1] if THREAD in conversation else None  # Teams always names it
        adopted += await uow.forum.set_thread(
            post.id, conversation=conversation, address_id=address.id, root_activity=root
        )
    return adopted


def slug_for(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:8]
    return "-".join(words)[:60].strip("-") or "entry"


def is_question(post: Post) -> bool:
    return post.kind == PostKind.QUESTION
