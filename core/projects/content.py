"""Project content (content/projects.yaml): divisions, strategic aims, governance questions, IHI scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.kernel.content import Choice


@dataclass(frozen=True)
class GovernanceQuestion:
    id: str  # research | audit | service_evaluation
    question: str
    label: str
    signpost: str


@dataclass(frozen=True)
class ProjectRules:
    divisions: tuple[Choice, ...]
    strategic_aims: tuple[Choice, ...]
    problem_max_words: int
    team_max: int
    stale_after: timedelta
    governance: tuple[GovernanceQuestion, ...]
    progress_scores: tuple[tuple[float, str], ...]

    def score_meaning(self, score: float | None) -> str:
        return next((meaning for value, meaning in self.progress_scores if value == score), "not set")
