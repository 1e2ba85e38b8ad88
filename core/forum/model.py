"""The forum's records: linked channels, posts (questions and stories) with their threads, replies, FAQ entries."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class PostKind(enum.StrEnum):
    QUESTION = "question"
    STORY = "story"


class PostStatus(enum.StrEnum):
    DRAFT = "draft"  # typed, not yet posted (the duplicate check is showing)
    RESOLVED = "resolved"  # a draft the person said an existing answer covers
    OPEN = "open"  # posted, no coach reply yet
    ANSWERED = "answered"  # a coach replied
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # deleted by the asker: out of search, its thread card says so


LIVE = frozenset({PostStatus.OPEN, PostStatus.ANSWERED})  # posted and not closed or withdrawn


class Outcome(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class ChannelKind(enum.StrEnum):
    COACHES = "coaches"  # questions go here, as threads
    COMMUNITY = "community"  # stories go here


ALL_SITES = "all"  # a coaches' channel for every site


@dataclass(frozen=True)
class ForumChannel:
    id: int
    teams_channel_id: str
    team_id: str | None
    team_group_id: str | None
    kind: ChannelKind
    scope: str  # a site id or ALL_SITES
    address_id: int
    linked_by: int


@dataclass(frozen=True)
class Post:
    id: int
    kind: PostKind
    user_id: int
    text: str
    topic: str | None
    site: str | None
    project_id: int | None
    show_name: bool
    status: PostStatus
    created_at: datetime
    outcome: Outcome | None = None
    escalation: int = 0
    channel_id: int | None = None
    thread_conversation: str | None = None
    thread_address_id: int | None = None
    root_activity: str | None = None
    posted_at: datetime | None = None
    first_answer_at: datetime | None = None
    closed_at: datetime | None = None
    asker_name: str | None = None
    # Stored when answered and when closed (they never change afterwards), so the report sums numbers (issue 16);
    # None on questions from before migration 0017, which the report times itself.
    first_answer_working_s: float | None = None
    answered_in_time: bool | None = None
    closed_working_s: float | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE


@dataclass(frozen=True)
class Reply:
    id: int
    post_id: int
    user_id: int | None
    author_name: str | None
    from_asker: bool
    text: str
    source: str  # thread | card | chat
    helpful: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QuestionTiming:
    """What the forum report reads of a question: its place and its clock, no text and no names."""

    status: PostStatus
    site: str | None
    topic: str | None
    posted_at: datetime
    first_answer_at: datetime | None
    closed_at: datetime | None
    first_answer_working_s: float | None
    answered_in_time: bool | None
    closed_working_s: float | None


@dataclass(frozen=True)
class FaqEntry:
    id: int
    slug: str
    question: str
    answer: str
    topic: str
    keywords: str = ""
    source_post_id: int | None = None


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "post" (an answered question) | "faq"
    ref_id: int
    score: float  # the database's own rank (bm25 on SQLite, ts_rank on PostgreSQL); higher is better


@dataclass(frozen=True)
class Suggestion:
    """An answered question or FAQ entry shown before posting."""

    kind: str  # "post" | "faq"
    ref_id: int
    question: str
    answer: str
    topic: str | None


@dataclass(frozen=True)
class PostView:
    """A post as one person may see it, with what they may do (decided once, in the service)."""

    post: Post
    replies: tuple[Reply, ...]
    asker: str  # the name, or "a colleague at <site>" when the viewer may not see it
    thread_link: str | None
    mine: bool
    can_reply: bool
    can_close: bool
    can_withdraw: bool
    can_mark_helpful: bool
    can_answer: bool  # a coach or admin, on someone else's live question
    can_promote: bool  # a coach or admin, on a question with a reply
