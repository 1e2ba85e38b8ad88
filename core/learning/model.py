"""Micro-learning: a person's FSRS card per question, and the question cards sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class LearningCard:
    """One person's schedule for one question (an FSRS card)."""

    user_id: int
    question_id: str
    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0
    first_correct_at: datetime | None = None


@dataclass(frozen=True)
class Serve:
    """A question card sent to a person; answering it is accepted once."""

    id: int
    user_id: int
    question_id: str
    served_at: datetime
    answered_at: datetime | None
    order: tuple[int, ...] = ()  # the options as shown: order[shown position] = index in the content
