"""Content the organisation edits (sites, staff groups, nudge rules), as typed objects.

The YAML files are read and validated by `storage.content`; the rest of the code only sees these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from core.measurement import RunsTable
from core.model import WorkingHours


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    sites: tuple[Choice, ...]
    staff_groups: tuple[Choice, ...]
    experience_levels: tuple[Choice, ...]

    def label(self, kind: str, value: str | None) -> str:
        for choice in getattr(self, kind):
            if choice.id == value:
                return choice.label
        return "not set"

    def is_valid(self, kind: str, value: str | None) -> bool:
        return any(choice.id == value for choice in getattr(self, kind))


@dataclass(frozen=True)
class NudgeCategory:
    id: str
    label: str
    description: str
    transactional: bool  # reminders a person asked for: they do not use up the daily budget
    can_opt_out: bool = True  # False for service messages (a cancelled session, a coach's attendance card)


@dataclass(frozen=True)
class NudgeRules:
    timezone: ZoneInfo
    default_hours: WorkingHours
    daily_budget: int
    max_pause_days: int
    categories: tuple[NudgeCategory, ...]

    def category(self, category_id: str) -> NudgeCategory:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(f"unknown nudge category {category_id!r}")


@dataclass(frozen=True)
class ClinicRules:
    max_future_bookings: int
    closes_before: timedelta
    weeks_shown: int
    help_with: tuple[Choice, ...]


@dataclass(frozen=True)
class ClinicSeries:
    """A recurring clinic in content/clinics.yaml; `qibot clinics sync` turns it into sessions."""

    key: str
    site: str
    weekday: int  # 0 = Monday
    start: time  # local
    minutes: int
    capacity: int
    coach: str  # Teams user id or AAD object id
    venue: str | None
    online_url: str | None
    focus: str | None
    weeks_ahead: int


@dataclass(frozen=True)
class ClinicContent:
    rules: ClinicRules
    series: tuple[ClinicSeries, ...]
    messages: dict[str, str]

    def say(self, key: str, **values: str) -> str:
        return self.messages[key].format(**values)


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


@dataclass(frozen=True)
class Content:
    organisation: Organisation
    nudges: NudgeRules
    clinics: ClinicContent
    learning: LearningContent
    projects: ProjectRules
    runs_table: RunsTable  # the run chart too few / too many runs table (content/run_chart_runs_table.yaml)
