"""What the learning services need: storage (the repository) and the proactive messages (built by dialogs)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Protocol

from core.kernel.model import OutboundMessage, User
from core.learning.model import LearningCard, Serve


class LearningRepository(Protocol):
    async def get_card(self, user_id: int, question_id: str) -> LearningCard | None: ...
    async def save_card(self, card: LearningCard, *, now: datetime) -> None: ...
    async def cards(self, user_id: int) -> list[LearningCard]: ...
    async def add_serve(self, user_id: int, question_id: str, *, order: tuple[int, ...], now: datetime) -> Serve: ...
    async def latest_serve(self, user_id: int) -> Serve | None: ...
    async def get_serve(self, serve_id: int) -> Serve | None: ...
    async def answer_serve(self, serve_id: int, *, now: datetime) -> bool:
        """Mark answered if it was not yet; False when it had been (an old card pressed again)."""
        ...

    async def add_review(
        self,
        *,
        user_id: int,
        question_id: str,
        serve_id: int,
        correct: bool,
        sure: bool,
        rating: int,
        duration_ms: int,
        new_card: bool,
        now: datetime,
    ) -> None: ...
    async def reviews_between(self, user_id: int, start: datetime, end: datetime) -> tuple[int, int]:
        """(reviews of cards already known, first answers to new questions) in [start, end)."""
        ...

    async def review_times(self, user_id: int, *, since: datetime) -> list[datetime]: ...
    async def mark_bite_seen(self, user_id: int, bite_id: str, *, now: datetime) -> None: ...
    async def bites_seen(self, user_id: int) -> set[str]: ...
    async def record_completion(self, user_id: int, topic_id: str, *, now: datetime) -> bool: ...
    async def completions(self, user_id: int) -> dict[str, datetime]: ...
    async def award(self, user_id: int, award: str, *, now: datetime) -> bool: ...
    async def awards(self, user_id: int) -> dict[str, datetime]: ...
    async def learners_started(self, award: str) -> list[tuple[int, datetime, datetime | None]]:
        """Everyone who has answered a question: (user id, first answer, when they earned `award` or None), by id.
        One query for all of them (the survey triggers read it every hour: issue 16)."""
        ...

    async def learners_due(
        self, *, due_before: datetime, not_practised_since: datetime | None = None
    ) -> list[tuple[int, int]]:
        """(user id, number of cards due) for everyone with a card due before the given time."""
        ...

    async def learners_due_at(
        self, *, due_before: datetime, not_practised_since: datetime
    ) -> list[tuple[int, int, time | None]]:
        """`learners_due` of those who have not practised since, with each one's chosen nudge time (None: the
        content's default), by user id: one query for all, so the nudge tick does not read everyone's preferences
        one by one to see whose time has come (issue 16)."""
        ...

    async def participation_by_site(self, *, since: datetime) -> list[tuple[str | None, int, int]]:
        """(site, onboarded staff, staff who practised since) per site."""
        ...

    async def question_stats(self) -> list[tuple[str, int, int, int]]:
        """(question id, answers, correct answers, distinct people who answered) over all reviews."""
        ...

    async def award_holders(self, award: str) -> list[tuple[str | None, str | None, int]]:
        """(site, staff group, people) holding `award`: one query, so the site and the staff group breakdowns are
        of the same people and add up to the same total."""
        ...

    async def award_evidence(self, award: str) -> list[tuple[int, datetime, str | None, str | None]]:
        """(person, awarded at, their site, their staff group) for everyone holding `award`, one query: the
        programme measures' evidence of micro-learning completed."""
        ...


class LearningMessages(Protocol):
    """The proactive learning messages (dialogs/learning/messages.py), built once in the composition root."""

    def nudge(self, count: int) -> OutboundMessage:
        """The daily nudge: `count` questions are due."""
        ...

    def certificate(self, user: User, award: str, now: datetime) -> OutboundMessage:
        """The certificate sent when a person earns `award`."""
        ...
