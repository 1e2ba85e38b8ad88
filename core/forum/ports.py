"""What the forum services need: their repository and the messages they queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.forum.model import (
    ChannelKind,
    FaqEntry,
    ForumChannel,
    Outcome,
    Post,
    PostKind,
    PostStatus,
    QuestionTiming,
    Reply,
    SearchHit,
)
from core.kernel.model import OutboundMessage, Role


class ForumRepository(Protocol):
    # --- linked channels
    async def link_channel(
        self,
        *,
        teams_channel_id: str,
        team_id: str | None,
        team_group_id: str | None,
        kind: ChannelKind,
        scope: str,
        address_id: int,
        user_id: int,
        now: datetime,
    ) -> ForumChannel:
        """Link (or re-link) a channel for a kind and scope; replaces whatever that channel or that kind and scope
        was linked to before."""
        ...

    async def unlink_channel(self, channel_id: int) -> bool: ...
    async def channels(self) -> list[ForumChannel]: ...
    async def get_channel(self, channel_id: int) -> ForumChannel | None: ...
    async def channel_for(self, kind: ChannelKind, scope: str) -> ForumChannel | None: ...

    # --- posts and their threads
    async def add_post(
        self,
        *,
        kind: PostKind,
        user_id: int,
        text: str,
        topic: str | None,
        site: str | None,
        project_id: int | None,
        show_name: bool,
        status: PostStatus,
        now: datetime,
    ) -> Post: ...
    async def add_story(
        self, *, user_id: int, project_id: int, title: str, site: str | None, now: datetime
    ) -> Post | None:
        """A project's story, posted; None if that project's story exists already (one per project)."""
        ...

    async def story_of(self, project_id: int) -> Post | None: ...
    async def set_channel(self, post_id: int, channel_id: int) -> None: ...
    async def get_post(self, post_id: int) -> Post | None: ...
    async def publish(self, post_id: int, *, channel_id: int | None, now: datetime) -> bool:
        """A draft becomes open (posted); False if it was not a draft any more (posted or resolved already)."""
        ...

    async def resolve_draft(
        self, draft_id: int, *, user_id: int, faq_id: int | None, answered_by_post: int | None, now: datetime
    ) -> bool:
        """A draft the person said is answered: recorded once, with what answered it."""
        ...

    async def answer_counts(self, *, faq_ids: Sequence[int], post_ids: Sequence[int]) -> dict[tuple[str, int], int]:
        """How many people said "this answers it" of each FAQ entry ("faq", id) and question ("post", id)."""
        ...

    async def awaiting_thread(self, *, limit: int = 50) -> list[Post]:
        """The latest posts to a channel whose thread id is not known yet (newest first)."""
        ...

    async def set_thread(
        self, post_id: int, *, conversation: str, address_id: int, root_activity: str | None
    ) -> bool: ...
    async def post_by_thread(self, conversation: str) -> Post | None: ...
    async def user_posts(self, user_id: int, *, kind: PostKind) -> list[Post]:
        """Posted ones (not drafts), newest first."""
        ...

    async def unanswered(self, *, site: str | None = None, topic: str | None = None) -> list[Post]:
        """Open questions with no reply from anyone but the asker, oldest first."""
        ...

    async def set_escalation(self, post_id: int, *, from_level: int, to_level: int) -> bool: ...
    async def mark_answered(self, post_id: int, *, now: datetime) -> bool:
        """The first reply from someone other than the asker: first_answer_at is set once; open -> answered."""
        ...

    async def close(self, post_id: int, *, outcome: Outcome, now: datetime) -> bool: ...
    async def withdraw(self, post_id: int, *, now: datetime) -> bool:
        """Withdrawn, and its text removed (so it leaves search); False if it already was."""
        ...

    async def question_timings(self, *, start: datetime, end: datetime) -> list[QuestionTiming]:
        """Posted questions (not drafts) posted in [start, end), oldest first, for the report."""
        ...

    # --- replies
    async def add_reply(
        self,
        *,
        post_id: int,
        user_id: int | None,
        author_name: str | None,
        from_asker: bool,
        text: str,
        source: str,
        activity_id: str | None,
        now: datetime,
    ) -> Reply | None:
        """None if this Teams message (activity_id) was already recorded for the post."""
        ...

    async def get_reply(self, reply_id: int) -> Reply | None: ...
    async def replies(self, post_id: int) -> list[Reply]: ...
    async def mark_helpful(self, reply_id: int) -> bool: ...

    # --- search (the database's own full-text ranking)
    async def search(self, words: Sequence[str], *, limit: int, faq_only: bool = False) -> list[SearchHit]:
        """Answered questions (not withdrawn) and FAQ entries matching any of `words`, best first."""
        ...

    # --- FAQ
    async def add_faq(
        self,
        *,
        slug: str | None,
        question: str,
        answer: str,
        topic: str,
        keywords: str,
        source_post_id: int | None,
        user_id: int | None,
        now: datetime,
    ) -> FaqEntry:
        """A new entry; with no slug one is made from its id."""
        ...

    async def upsert_faq(
        self, *, slug: str, question: str, answer: str, topic: str, keywords: str, now: datetime
    ) -> bool:
        """Insert, or update the entry with this slug; True if it was new."""
        ...

    async def get_faq(self, faq_id: int) -> FaqEntry | None: ...
    async def faq_entries(self, *, topic: str | None = None) -> list[FaqEntry]: ...

    # --- coaches
    async def subscriptions(self, user_id: int) -> tuple[frozenset[str], frozenset[str]]:
        """(topics, sites) the coach follows."""
        ...

    async def save_subscriptions(self, user_id: int, *, topics: Sequence[str], sites: Sequence[str]) -> None: ...
    async def subscribers(self, *, topic: str | None, site: str | None) -> list[int]: ...
    async def users_with_roles(self, roles: Sequence[Role]) -> list[int]: ...


class ForumMessages(Protocol):
    """Renders the forum's messages (implemented with cards by dialogs/forum/messages.py)."""

    def thread_card(self, post: Post, *, asker: str, project: str | None) -> OutboundMessage: ...
    def withdrawn_card(self, post: Post) -> OutboundMessage: ...
    def relayed_reply(self, post: Post, reply: Reply, *, thread_link: str | None) -> OutboundMessage: ...
    def reply_in_thread(self, post: Post, reply: Reply, *, author: str) -> OutboundMessage: ...
    def closed_in_thread(self, post: Post) -> OutboundMessage: ...
    def escalation(self, post: Post, *, asker: str, level: int) -> OutboundMessage: ...
    def still_open(self, post: Post) -> OutboundMessage: ...
    def story_offer(self, project_id: int, title: str) -> OutboundMessage: ...
    def story_card(
        self,
        post: Post,
        *,
        lead: str,
        summary: list[tuple[str, str]],
        chart=None,
        lead_id: int | None = None,
        now: datetime | None = None,
    ) -> OutboundMessage:
        """`chart`: (measure, points) of the project's chart, if it has data; the image link is the lead's."""
        ...
