"""Event content (content/events.yaml): the templates admins create events from, the questions an event may ask,
the judging rubric and the wording of event messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.kernel.content import Choice


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: str  # text (optional free text) | confirm (must be ticked)


@dataclass(frozen=True)
class Template:
    id: str
    kind: str  # course | webinar | celebration
    title: str
    description: str
    dates: int  # how many dates an event of this kind has (a Practitioner cohort: 5)
    capacity: int
    requires: tuple[str, ...] = ()  # templates (courses) the person must have done first
    questions: tuple[str, ...] = ()
    awards_experience: str | None = None  # the profile's QI experience once completed
    done_if_experience: tuple[str, ...] = ()  # profile levels that count as having done this course


@dataclass(frozen=True)
class EventRules:
    months_shown: int
    closes_before: timedelta
    checkin_opens_before: timedelta
    checkin_code_lifetime: timedelta
    abstract_word_limit: int
    poster_max_bytes: int = 10 * 1024 * 1024  # a poster file (PDF or PNG) may be this big


@dataclass(frozen=True)
class EventContent:
    rules: EventRules
    questions: tuple[Question, ...]
    templates: tuple[Template, ...]
    rubric: tuple[Choice, ...]
    messages: dict[str, str]

    def template(self, template_id: str | None) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def questions_for(self, template: Template) -> tuple[Question, ...]:
        return tuple(self.question(q) for q in template.questions)

    def say(self, key: str, **values: str) -> str:
        return self.messages[key].format(**values)
