"""A question as its asker (or a coach) sees it, marking a reply helpful, and closing with "Did this answer your
question?" (yes / partly / no)."""

from __future__ import annotations

from datetime import datetime

from core.forum.escalation import working_seconds
from core.forum.model import Outcome, PostKind, PostStatus, PostView
from core.forum.ports import ForumMessages
from core.forum.services import asker_label, get_post, my_post, sees_names, thread_link, to_channel
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork


async def view_post(uow: UnitOfWork, *, user: User, post_id: int, content: Content) -> PostView:
    """The asker sees their own post; coaches and admins see any posted one. Nobody sees someone else's draft."""
    post = await get_post(uow, post_id)
    mine = post.user_id == user.id
    if not mine and (not sees_names(user) or post.status in (PostStatus.DRAFT, PostStatus.RESOLVED)):
        raise NotAllowed("That question is not yours.")
    replies = tuple(await uow.forum.replies(post.id))
    channel = await uow.forum.get_channel(post.channel_id) if post.channel_id else None
    stored = await uow.addresses.get(channel.address_id) if channel else None
    coach = sees_names(user) and not mine
    question = post.kind == PostKind.QUESTION
    return PostView(
        post=post,
        replies=replies,
        asker=asker_label(post, content, viewer=user),
        thread_link=thread_link(post, channel, stored.address.tenant_id if stored else None),
        mine=mine,
        can_reply=mine and post.live,
        can_close=mine and question and post.live,
        can_withdraw=mine and question and post.status != PostStatus.WITHDRAWN,
        can_mark_helpful=mine and question and post.status != PostStatus.WITHDRAWN,
        can_answer=coach and question and post.live,
        can_promote=coach
        and question
        and post.status != PostStatus.WITHDRAWN
        and any(not r.from_asker for r in replies),
    )


async def my_posts(uow: UnitOfWork, *, user: User, kind: PostKind = PostKind.QUESTION):
    return await uow.forum.user_posts(user.id, kind=kind)


async def mark_helpful(uow: UnitOfWork, *, user: User, reply_id: int) -> tuple[bool, int]:
    """The asker marks someone's reply helpful: (False if it already was, the question's id)."""
    reply = await uow.forum.get_reply(reply_id)
    if reply is None:
        raise NotFound("That reply is no longer there.")
    post = await my_post(uow, user, reply.post_id)
    if reply.from_asker:
        raise InvalidInput("That is your own reply.")
    if post.status == PostStatus.WITHDRAWN:
        raise InvalidInput("That question was withdrawn.")
    return await uow.forum.mark_helpful(reply.id), post.id


async def close_question(
    uow: UnitOfWork,
    *,
    user: User,
    post_id: int,
    outcome: object,
    messages: ForumMessages,
    now: datetime,
    content: Content | None = None,
) -> bool:
    """Closed with whether it was answered; False if it was closed already (the first answer stands)."""
    post = await my_post(uow, user, post_id)
    if outcome not in {o.value for o in Outcome}:
        raise InvalidInput("Please say whether this answered your question.")
    if post.kind != PostKind.QUESTION or not post.live:
        return False
    # With the content, the working time to closing is stored once (it never changes), for the report (issue 16).
    working_s = working_seconds(post.posted_at, now, content) if content and post.posted_at else None
    if not await uow.forum.close(post.id, outcome=Outcome(outcome), now=now, working_s=working_s):
        return False
    if post.thread_address_id is not None:
        closed = await get_post(uow, post.id)
        await to_channel(
            uow,
            address_id=post.thread_address_id,
            message=messages.closed_in_thread(closed),
            key=f"forum:post:{post.id}:closed",
            now=now,
        )
    return True
