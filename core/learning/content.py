"""The micro-learning pack (content/learning/*.yaml) and its rules (content/learning.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta


@dataclass(frozen=True)
class Bite:
    id: str
    title: str
    text: str
    example: str


@dataclass(frozen=True)
class Question:
    id: str
    topic_id: str
    stem: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    source: str
    rule_set: str | None = None


@dataclass(frozen=True)
class Topic:
    pack: str
    id: str
    title: str
    order: int
    summary: str
    bites: tuple[Bite, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class LearningRules:
    daily_new_questions: int
    daily_review_cap: int
    again_after: timedelta
    desired_retention: float
    quick_answer: timedelta
    mastery_stability_days: float
    completion_share: float
    award: str
    default_nudge_time: time
    nudge_message: str


@dataclass(frozen=True)
class LearningContent:
    rules: LearningRules
    topics: tuple[Topic, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for t in self.topics for q in t.questions if q.id == question_id), None)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for t in self.topics for q in t.questions)
