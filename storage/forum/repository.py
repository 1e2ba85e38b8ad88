"""SQL repository for the forum: linked channels, posts and their threads, replies, the FAQ, subscriptions, and
full-text search (SQLite FTS5 ranked by bm25; PostgreSQL tsvector ranked by ts_rank, English configuration)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.forum.model import (
    ChannelKind,
    ForumChannel,
    Outcome,
    Post,
    PostKind,
    PostStatus,
    QuestionTiming,
    Reply,
)
from storage.forum.knowledge import KnowledgeQueries
from storage.forum.tables import (
    forum_channels,
    forum_deflections,
    forum_posts,
    forum_replies,
)
from storage.repositories import _insert
from storage.tables import users

LIVE = (PostStatus.OPEN.value, PostStatus.ANSWERED.value)
ANSWERED = (PostStatus.ANSWERED.value, PostStatus.CLOSED.value)
POSTED = (PostStatus.OPEN.value, PostStatus.ANSWERED.value, PostStatus.CLOSED.value, PostStatus.WITHDRAWN.value)


def _channel(row) -> ForumChannel:
    return ForumChannel(
        id=row["id"],
        teams_channel_id=row["teams_channel_id"],
        team_id=row["team_id"],
        team_group_id=row["team_group_id"],
        kind=ChannelKind(row["kind"]),
        scope=row["scope"],
        address_id=row["address_id"],
        linked_by=row["linked_by"],
    )


def _post(row) -> Post:
    return Post(
        id=row["id"],
        kind=PostKind(row["kind"]),
        user_id=row["user_id"],
        text=row["text"],
        topic=row["topic"],
        site=row["site"],
        project_id=row["project_id"],
        show_name=row["show_name"],
        status=PostStatus(row["status"]),
        created_at=row["created_at"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        escalation=row["escalation"],
        channel_id=row["channel_id"],
        thread_conversation=row["thread_conversation"],
        thread_address_id=row["thread_address_id"],
        root_activity=row["root_activity"],
        posted_at=row["posted_at"],
        first_answer_at=row["first_answer_at"],
        closed_at=row["closed_at"],
        asker_name=row["asker_name"],
        **{name: row[name] for name in ("first_answer_working_s", "answered_in_time", "closed_working_s")},
    )


def _reply(row) -> Reply:
    return Reply(
        id=row["id"],
        post_id=row["post_id"],
        user_id=row["user_id"],
        author_name=row["author_name"],
        from_asker=row["from_asker"],
        text=row["text"],
        source=row["source"],
        helpful=row["helpful"],
        created_at=row["created_at"],
    )


_post_columns = [c for c in forum_posts.c if c.name != "search"]
_post_select = select(*_post_columns, users.c.name.label("asker_name")).join(users, users.c.id == forum_posts.c.user_id)


class SqlForumRepository(KnowledgeQueries):
    """Channels, posts and replies here; search, the FAQ and coaches' subscriptions in storage/forum/knowledge.py."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- linked channels ----------------------------------------------------------------------------------------

    async def link_channel(
        self, *, teams_channel_id, team_id, team_group_id, kind: ChannelKind, scope, address_id, user_id, now
    ) -> ForumChannel:
        await self.conn.execute(
            delete(forum_channels).where(
                or_(
                    forum_channels.c.teams_channel_id == teams_channel_id,
                    and_(forum_channels.c.kind == kind.value, forum_channels.c.scope == scope),
                )
            )
        )
        await self.conn.execute(
            _insert(self.conn, forum_channels)
            .values(
                teams_channel_id=teams_channel_id,
                team_id=team_id,
                team_group_id=team_group_id,
                kind=kind.value,
                scope=scope,
                address_id=address_id,
                linked_by=user_id,
                linked_at=now,
            )
            .on_conflict_do_nothing()
        )
        row = (
            (
                await self.conn.execute(
                    select(forum_channels).where(forum_channels.c.teams_channel_id == teams_channel_id)
                )
            )
            .mappings()
            .first()
        )
        return _channel(row)

    async def unlink_channel(self, channel_id: int) -> bool:
        result = await self.conn.execute(delete(forum_channels).where(forum_channels.c.id == channel_id))
        return result.rowcount == 1

    async def channels(self) -> list[ForumChannel]:
        stmt = select(forum_channels).order_by(forum_channels.c.kind, forum_channels.c.scope)
        return [_channel(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def get_channel(self, channel_id: int) -> ForumChannel | None:
        row = (
            (await self.conn.execute(select(forum_channels).where(forum_channels.c.id == channel_id)))
            .mappings()
            .first()
        )
        return _channel(row) if row else None

    async def channel_for(self, kind: ChannelKind, scope: str) -> ForumChannel | None:
        stmt = select(forum_channels).where(forum_channels.c.kind == kind.value, forum_channels.c.scope == scope)
        row = (await self.conn.execute(stmt)).mappings().first()
        return _channel(row) if row else None

    # --- posts --------------------------------------------------------------------------------------------------

    async def _posts(self, where, *order) -> list[Post]:
        stmt = _post_select.where(where).order_by(*(order or (forum_posts.c.id,)))
        return [_post(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def add_post(self, *, kind, user_id, text, topic, site, project_id, show_name, status, now) -> Post:
        result = await self.conn.execute(
            insert(forum_posts)
            .values(
                kind=kind.value,
                user_id=user_id,
                text=text,
                topic=topic,
                site=site,
                project_id=project_id,
                show_name=show_name,
                status=status.value,
                escalation=0,
                created_at=now,
                posted_at=now if status != PostStatus.DRAFT else None,
                updated_at=now,
            )
            .returning(forum_posts.c.id)
        )
        post = await self.get_post(result.scalar_one())
        assert post is not None
        return post

    async def add_story(self, *, user_id, project_id, title, site, now) -> Post | None:
        stmt = (
            _insert(self.conn, forum_posts)
            .values(
                kind=PostKind.STORY.value,
                user_id=user_id,
                text=title,
                topic=None,
                site=site,
                project_id=project_id,
                show_name=True,
                status=PostStatus.OPEN.value,
                escalation=0,
                created_at=now,
                posted_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["project_id"], index_where=text("kind = 'story'"))
            .returning(forum_posts.c.id)
        )
        post_id = (await self.conn.execute(stmt)).scalar_one_or_none()
        return await self.get_post(post_id) if post_id is not None else None

    async def story_of(self, project_id: int) -> Post | None:
        found = await self._posts(
            and_(forum_posts.c.kind == PostKind.STORY.value, forum_posts.c.project_id == project_id)
        )
        return found[0] if found else None

    async def set_channel(self, post_id: int, channel_id: int) -> None:
        await self.conn.execute(update(forum_posts).where(forum_posts.c.id == post_id).values(channel_id=channel_id))

    async def get_post(self, post_id: int) -> Post | None:
        found = await self._posts(forum_posts.c.id == post_id)
        return found[0] if found else None

    async def publish(self, post_id: int, *, channel_id: int | None, now: datetime) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.status == PostStatus.DRAFT.value)
            .values(status=PostStatus.OPEN.value, channel_id=channel_id, posted_at=now, updated_at=now)
        )
        return result.rowcount == 1

    async def resolve_draft(self, draft_id: int, *, user_id, faq_id, answered_by_post, now) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == draft_id, forum_posts.c.status == PostStatus.DRAFT.value)
            .values(status=PostStatus.RESOLVED.value, updated_at=now)
        )
        if result.rowcount != 1:
            return False
        await self.conn.execute(
            insert(forum_deflections).values(
                draft_id=draft_id, user_id=user_id, faq_id=faq_id, answered_by_post=answered_by_post, created_at=now
            )
        )
        return True

    async def answer_counts(self, *, faq_ids: Sequence[int], post_ids: Sequence[int]) -> dict[tuple[str, int], int]:
        counts: dict[tuple[str, int], int] = {}
        for kind, column, ids in (
            ("faq", forum_deflections.c.faq_id, faq_ids),
            ("post", forum_deflections.c.answered_by_post, post_ids),
        ):
            if ids:
                rows = await self.conn.execute(
                    select(column, func.count()).where(column.in_(list(ids))).group_by(column)
                )
                counts.update({(kind, ref): n for ref, n in rows})
        return counts

    async def awaiting_thread(self, *, limit: int = 50) -> list[Post]:
        stmt = (
            _post_select.where(
                forum_posts.c.channel_id.is_not(None),
                forum_posts.c.thread_conversation.is_(None),
                forum_posts.c.status.in_(POSTED),
            )
            .order_by(forum_posts.c.posted_at.desc(), forum_posts.c.id.desc())
            .limit(limit)
        )
        return [_post(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def set_thread(self, post_id: int, *, conversation: str, address_id: int, root_activity: str | None) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.thread_conversation.is_(None))
            .values(thread_conversation=conversation, thread_address_id=address_id, root_activity=root_activity)
        )
        return result.rowcount == 1

    async def post_by_thread(self, conversation: str) -> Post | None:
        found = await self._posts(forum_posts.c.thread_conversation == conversation)
        return found[0] if found else None

    async def user_posts(self, user_id: int, *, kind: PostKind) -> list[Post]:
        return await self._posts(
            and_(
                forum_posts.c.user_id == user_id,
                forum_posts.c.kind == PostKind(kind).value,
                forum_posts.c.status.in_([s for s in POSTED if s != PostStatus.WITHDRAWN.value]),
            ),
            forum_posts.c.posted_at.desc(),
            forum_posts.c.id.desc(),
        )

    async def unanswered(self, *, site: str | None = None, topic: str | None = None) -> list[Post]:
        where = [
            forum_posts.c.kind == PostKind.QUESTION.value,
            forum_posts.c.status == PostStatus.OPEN.value,
            forum_posts.c.first_answer_at.is_(None),
        ]
        if site:
            where.append(forum_posts.c.site == site)
        if topic:
            where.append(forum_posts.c.topic == topic)
        return await self._posts(and_(*where), forum_posts.c.posted_at, forum_posts.c.id)

    async def set_escalation(self, post_id: int, *, from_level: int, to_level: int) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.escalation == from_level)
            .values(escalation=to_level)
        )
        return result.rowcount == 1

    async def mark_answered(self, post_id: int, *, now: datetime, timing: tuple[float, bool] | None = None) -> bool:
        working_s, in_time = timing or (None, None)
        first = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.first_answer_at.is_(None))
            .values(first_answer_at=now, first_answer_working_s=working_s, answered_in_time=in_time, updated_at=now)
        )
        await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.status == PostStatus.OPEN.value)
            .values(status=PostStatus.ANSWERED.value, updated_at=now)
        )
        return first.rowcount == 1

    async def close(self, post_id: int, *, outcome: Outcome, now: datetime, working_s: float | None = None) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.status.in_(LIVE))
            .values(status=PostStatus.CLOSED.value, outcome=outcome.value, closed_at=now, updated_at=now)
            .values(closed_working_s=working_s)
        )
        return result.rowcount == 1

    async def withdraw(self, post_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(forum_posts)
            .where(forum_posts.c.id == post_id, forum_posts.c.status != PostStatus.WITHDRAWN.value)
            .values(status=PostStatus.WITHDRAWN.value, text="", updated_at=now)
        )
        return result.rowcount == 1

    async def question_timings(self, *, start: datetime, end: datetime) -> list[QuestionTiming]:
        c = forum_posts.c
        stmt = (
            select(c.status, c.site, c.topic, c.posted_at, c.first_answer_at, c.closed_at,
                   c.first_answer_working_s, c.answered_in_time, c.closed_working_s)
            .where(c.kind == PostKind.QUESTION.value, c.status.in_(POSTED), c.posted_at >= start, c.posted_at < end)
            .order_by(c.posted_at, c.id)
        )  # fmt: skip
        statuses = {s.value: s for s in PostStatus}
        return [QuestionTiming(statuses[row[0]], *row[1:]) for row in await self.conn.execute(stmt)]

    # --- replies ------------------------------------------------------------------------------------------------

    async def add_reply(
        self, *, post_id, user_id, author_name, from_asker, text, source, activity_id, now
    ) -> Reply | None:
        stmt = (
            _insert(self.conn, forum_replies)
            .values(
                post_id=post_id,
                user_id=user_id,
                author_name=author_name,
                from_asker=from_asker,
                text=text,
                source=source,
                activity_id=activity_id,
                helpful=False,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["post_id", "activity_id"])
            .returning(forum_replies.c.id)
        )
        reply_id = (await self.conn.execute(stmt)).scalar_one_or_none()
        return await self.get_reply(reply_id) if reply_id is not None else None

    async def get_reply(self, reply_id: int) -> Reply | None:
        row = (await self.conn.execute(select(forum_replies).where(forum_replies.c.id == reply_id))).mappings().first()
        return _reply(row) if row else None

    async def replies(self, post_id: int) -> list[Reply]:
        stmt = (
            select(forum_replies)
            .where(forum_replies.c.post_id == post_id)
            .order_by(forum_replies.c.created_at, forum_replies.c.id)
        )
        return [_reply(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def mark_helpful(self, reply_id: int) -> bool:
        result = await self.conn.execute(
            update(forum_replies)
            .where(forum_replies.c.id == reply_id, forum_replies.c.helpful.is_(False))
            .values(helpful=True)
        )
        return result.rowcount == 1
