"""Coaching content (content/coaching.yaml): the competencies, the levels in order, mentoring rules, wording."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Competency:
    id: str
    label: str
    plain: str


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    plain: str
    competencies: tuple[str, ...]
    mentored: bool = False  # people working towards it may ask for a mentor
    signs_off: bool = False  # people at it may sign off evidence and mentor
    role: str | None = None  # the role that follows promotion to it


@dataclass(frozen=True)
class MentoringRules:
    max_mentees: int
    proposals: int
    check_in_weeks: int


@dataclass(frozen=True)
class CoachingContent:
    competencies: tuple[Competency, ...]
    levels: tuple[Level, ...]
    mentoring: MentoringRules
    messages: dict[str, str]

    def level(self, level_id: str | None) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def competency(self, competency_id: str) -> Competency:
        return next(c for c in self.competencies if c.id == competency_id)

    def next_level(self, achieved: str | None) -> Level | None:
        """The level a person works towards: the first, or the one after the level they have reached."""
        if achieved is None:
            return self.levels[0]
        index = next((i for i, level in enumerate(self.levels) if level.id == achieved), None)
        return self.levels[index + 1] if index is not None and index + 1 < len(self.levels) else None

    def say(self, key: str, **values: str) -> str:
        return self.messages[key].format(**values)
