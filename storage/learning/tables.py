"""Micro-learning tables: FSRS cards, served question cards, reviews, bites seen, completions, awards."""

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
)

from storage.tables import UTC_DT, Id, metadata

learning_cards = Table(
    "learning_cards",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", String(60), primary_key=True),
    Column("state", Integer, nullable=False),
    Column("step", Integer, nullable=True),
    Column("stability", Float, nullable=True),
    Column("difficulty", Float, nullable=True),
    Column("due", UTC_DT, nullable=False),
    Column("last_review", UTC_DT, nullable=True),
    Column("reps", Integer, nullable=False, server_default="0"),
    Column("lapses", Integer, nullable=False, server_default="0"),
    Column("first_correct_at", UTC_DT, nullable=True),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("state IN (1, 2, 3)", name="known_state"),
    Index("ix_learning_cards_due", "due"),
)


learning_serves = Table(
    "learning_serves",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("served_at", UTC_DT, nullable=False),
    Column("answered_at", UTC_DT, nullable=True),
    Column("option_order", String(20), nullable=False),  # "2,0,3,1": shown position -> option in the content
)


learning_reviews = Table(
    "learning_reviews",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("serve_id", Id, ForeignKey("learning_serves.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("correct", Boolean, nullable=False),
    Column("sure", Boolean, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("new_card", Boolean, nullable=False),
    Column("answered_at", UTC_DT, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 4", name="rating_1_to_4"),
    Index("ix_learning_reviews_user_time", "user_id", "answered_at"),
    Index("ix_learning_reviews_question", "question_id"),
    Index("ix_learning_reviews_answered_at", "answered_at"),  # who practised lately, by site (issue 16)
)


# Answers, correct answers and people per question, kept in step with learning_reviews by the repository (in the
# same transaction as each review): the faculty's report reads 95 rows here instead of counting 500,000 reviews.
learning_question_totals = Table(
    "learning_question_totals",
    metadata,
    Column("question_id", String(60), primary_key=True),
    Column("answers", Integer, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("people", Integer, nullable=False),
    CheckConstraint("correct >= 0 AND correct <= answers", name="correct_within_answers"),
    CheckConstraint("people >= 1 AND people <= answers", name="people_within_answers"),
)


learning_bites_seen = Table(
    "learning_bites_seen",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("bite_id", String(60), primary_key=True),
    Column("seen_at", UTC_DT, nullable=False),
)


learning_completions = Table(
    "learning_completions",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", String(40), primary_key=True),
    Column("completed_at", UTC_DT, nullable=False),
)


learning_awards = Table(
    "learning_awards",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("award", String(60), primary_key=True),
    Column("awarded_at", UTC_DT, nullable=False),
    Index("ix_learning_awards_award_awarded_at", "award", "awarded_at"),  # the programme measures' evidence
)
