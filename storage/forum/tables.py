"""Forum tables: linked Teams channels, questions and stories (posts) with their threads and replies, the FAQ,
"this answers it" records and coaches' subscriptions.

Full-text search is the database's own, one kind per dialect, created by the migration with raw SQL because
SQLAlchemy cannot declare it: on PostgreSQL a generated `search` tsvector column (English configuration) with a
GIN index on forum_posts and forum_faq; on SQLite one FTS5 table, forum_search, kept in step with both tables by
triggers. `UNDECLARED` names those objects, so the migration-vs-metadata test leaves them out (and only them).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from storage.tables import NAME_LENGTH, UTC_DT, Id, metadata

SEARCH_TABLE = "forum_search"  # SQLite FTS5
UNDECLARED = frozenset(
    {
        # PostgreSQL: generated tsvector columns and their GIN indexes.
        "forum_posts.search",
        "forum_faq.search",
        "ix_forum_posts_search",
        "ix_forum_faq_search",
        # SQLite: the FTS5 table and the shadow tables FTS5 creates for it.
        SEARCH_TABLE,
        *(f"{SEARCH_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")),
    }
)
metadata.info.setdefault("undeclared", set()).update(UNDECLARED)

forum_channels = Table(
    "forum_channels",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("teams_channel_id", String(500), nullable=False, unique=True),
    Column("team_id", String(500), nullable=True),
    Column("team_group_id", String(100), nullable=True),
    Column("kind", String(12), nullable=False),
    Column("scope", String(50), nullable=False),  # a site id, or 'all'
    # The channel's conversation reference (stored as the linking admin's address in that channel).
    Column("address_id", Id, ForeignKey("conversation_addresses.id", ondelete="CASCADE"), nullable=False),
    Column("linked_by", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("linked_at", UTC_DT, nullable=False),
    CheckConstraint("kind IN ('coaches', 'community')", name="known_kind"),
    UniqueConstraint("kind", "scope", name="uq_forum_channels_kind_scope"),
)

forum_posts = Table(
    "forum_posts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("topic", String(40), nullable=True),
    Column("site", String(50), nullable=True),
    Column("project_id", Id, nullable=True),
    Column("show_name", Boolean, nullable=False),
    Column("status", String(12), nullable=False),
    Column("outcome", String(8), nullable=True),
    Column("escalation", Integer, nullable=False, server_default="0"),
    Column("channel_id", Id, ForeignKey("forum_channels.id", ondelete="SET NULL"), nullable=True),
    Column("thread_conversation", String(500), nullable=True, unique=True),
    Column("thread_address_id", Id, ForeignKey("conversation_addresses.id", ondelete="SET NULL"), nullable=True),
    Column("root_activity", String(100), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("posted_at", UTC_DT, nullable=True),
    Column("first_answer_at", UTC_DT, nullable=True),
    Column("closed_at", UTC_DT, nullable=True),
    # The SLA of the answer and of closing, stored once (they never change): the report sums them (issue 16).
    Column("first_answer_working_s", Float, nullable=True),
    Column("answered_in_time", Boolean, nullable=True),
    Column("closed_working_s", Float, nullable=True),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("kind IN ('question', 'story')", name="known_kind"),
    CheckConstraint("status IN ('draft', 'resolved', 'open', 'answered', 'closed', 'withdrawn')", name="known_status"),
    CheckConstraint("outcome IS NULL OR outcome IN ('yes', 'partly', 'no')", name="known_outcome"),
    CheckConstraint("escalation BETWEEN 0 AND 2", name="escalation_0_to_2"),
    Index("ix_forum_posts_status_posted", "status", "posted_at"),
    # One story per project.
    Index(
        "uq_forum_posts_one_story",
        "project_id",
        unique=True,
        sqlite_where=text("kind = 'story'"),
        postgresql_where=text("kind = 'story'"),
    ),
    Index("ix_forum_posts_user", "user_id", "status"),
)

forum_replies = Table(
    "forum_replies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("post_id", Id, ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("author_name", String(NAME_LENGTH), nullable=True),
    Column("from_asker", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(8), nullable=False),
    Column("activity_id", String(100), nullable=True),  # the Teams message, so a redelivered reply counts once
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("source IN ('thread', 'card', 'chat')", name="known_source"),
    UniqueConstraint("post_id", "activity_id", name="uq_forum_replies_post_activity"),
    Index("ix_forum_replies_post", "post_id", "created_at"),
)

forum_faq = Table(
    "forum_faq",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("topic", String(40), nullable=False),
    Column("keywords", String(300), nullable=False),
    Column("source_post_id", Id, ForeignKey("forum_posts.id", ondelete="SET NULL"), nullable=True),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
)

# "This answers it": a person's draft question resolved by an FAQ entry or an answered question.
forum_deflections = Table(
    "forum_deflections",
    metadata,
    Column("draft_id", Id, ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("faq_id", Id, ForeignKey("forum_faq.id", ondelete="CASCADE"), nullable=True),
    Column("answered_by_post", Id, ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("(faq_id IS NULL) <> (answered_by_post IS NULL)", name="one_answer"),
)

forum_subscriptions = Table(
    "forum_subscriptions",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(5), primary_key=True),
    Column("value", String(50), primary_key=True),
    CheckConstraint("kind IN ('topic', 'site')", name="known_kind"),
)
