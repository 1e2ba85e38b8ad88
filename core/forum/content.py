"""The forum's content (content/forum.yaml) as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.kernel.content import Choice, choice_label


@dataclass(frozen=True)
class ForumContent:
    topics: tuple[Choice, ...]
    question_characters: int
    reply_characters: int
    suggestions: int
    answer_within: float  # working days before the first escalation
    then_everyone_after: float  # further working days before everyone is told
    bank_holidays: frozenset[date]

    def topic_label(self, topic: str | None) -> str:
        return choice_label(self.topics, topic, "Other")

    def is_topic(self, topic: object) -> bool:
        return any(t.id == topic for t in self.topics)
