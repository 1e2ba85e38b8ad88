"""SQL repository for micro-learning: FSRS cards, served question cards, reviews, progress and awards."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.learning.model import LearningCard, Serve
from storage.learning.tables import (
    learning_awards,
    learning_bites_seen,
    learning_cards,
    learning_completions,
    learning_question_totals,
    learning_reviews,
    learning_serves,
)
from storage.repositories import _insert
from storage.tables import preferences, users

_CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "first_correct_at")


def _card(row) -> LearningCard:
    return LearningCard(user_id=row["user_id"], question_id=row["question_id"], **{k: row[k] for k in _CARD_FIELDS})


def _serve(row) -> Serve:
    return Serve(
        id=row["id"],
        user_id=row["user_id"],
        question_id=row["question_id"],
        served_at=row["served_at"],
        answered_at=row["answered_at"],
        order=tuple(int(i) for i in row["option_order"].split(",")),
    )


class SqlLearningRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get_card(self, user_id: int, question_id: str) -> LearningCard | None:
        row = (
            (
                await self.conn.execute(
                    select(learning_cards).where(
                        learning_cards.c.user_id == user_id, learning_cards.c.question_id == question_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return _card(row) if row else None

    async def save_card(self, card: LearningCard, *, now: datetime) -> None:
        values = {k: getattr(card, k) for k in _CARD_FIELDS} | {"updated_at": now}
        stmt = _insert(self.conn, learning_cards).values(user_id=card.user_id, question_id=card.question_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["user_id", "question_id"], set_=values))

    async def cards(self, user_id: int) -> list[LearningCard]:
        rows = (await self.conn.execute(select(learning_cards).where(learning_cards.c.user_id == user_id))).mappings()
        return [_card(r) for r in rows]

    async def add_serve(self, user_id: int, question_id: str, *, order: tuple[int, ...], now: datetime) -> Serve:
        serve_id = (
            await self.conn.execute(
                learning_serves.insert()
                .values(user_id=user_id, question_id=question_id, served_at=now, option_order=",".join(map(str, order)))
                .returning(learning_serves.c.id)
            )
        ).scalar_one()
        return Serve(
            id=serve_id, user_id=user_id, question_id=question_id, served_at=now, answered_at=None, order=order
        )

    async def latest_serve(self, user_id: int) -> Serve | None:
        row = (
            (
                await self.conn.execute(
                    select(learning_serves)
                    .where(learning_serves.c.user_id == user_id)
                    .order_by(learning_serves.c.id.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        return _serve(row) if row else None

    async def get_serve(self, serve_id: int) -> Serve | None:
        row = (
            (await self.conn.execute(select(learning_serves).where(learning_serves.c.id == serve_id)))
            .mappings()
            .first()
        )
        return _serve(row) if row else None

    async def answer_serve(self, serve_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(learning_serves)
            .where(learning_serves.c.id == serve_id, learning_serves.c.answered_at.is_(None))
            .values(answered_at=now)
        )
        return result.rowcount == 1

    async def add_review(self, *, user_id, question_id, serve_id, correct, sure, rating, duration_ms, new_card, now):
        earlier = select(learning_reviews.c.id).where(
            learning_reviews.c.user_id == user_id, learning_reviews.c.question_id == question_id
        )
        newcomer = 0 if (await self.conn.execute(earlier.limit(1))).first() else 1  # their first answer to it
        await self.conn.execute(
            learning_reviews.insert().values(
                user_id=user_id,
                question_id=question_id,
                serve_id=serve_id,
                correct=correct,
                sure=sure,
                rating=rating,
                duration_ms=duration_ms,
                new_card=new_card,
                answered_at=now,
            )
        )
        totals = learning_question_totals.c
        right = 1 if correct else 0
        await self.conn.execute(
            _insert(self.conn, learning_question_totals)
            .values(question_id=question_id, answers=1, correct=right, people=1)
            .on_conflict_do_update(
                index_elements=["question_id"],
                set_={
                    "answers": totals.answers + 1,
                    "correct": totals.correct + right,
                    "people": totals.people + newcomer,
                },
            )
        )

    async def reviews_between(self, user_id: int, start: datetime, end: datetime) -> tuple[int, int]:
        rows = await self.conn.execute(
            select(learning_reviews.c.new_card, func.count())
            .where(
                learning_reviews.c.user_id == user_id,
                learning_reviews.c.answered_at >= start,
                learning_reviews.c.answered_at < end,
            )
            .group_by(learning_reviews.c.new_card)
        )
        counts = {bool(new): n for new, n in rows}
        return counts.get(False, 0), counts.get(True, 0)

    async def review_times(self, user_id: int, *, since: datetime) -> list[datetime]:
        rows = await self.conn.execute(
            select(learning_reviews.c.answered_at).where(
                learning_reviews.c.user_id == user_id, learning_reviews.c.answered_at >= since
            )
        )
        return list(rows.scalars())

    async def mark_bite_seen(self, user_id: int, bite_id: str, *, now: datetime) -> None:
        stmt = _insert(self.conn, learning_bites_seen).values(user_id=user_id, bite_id=bite_id, seen_at=now)
        await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "bite_id"]))

    async def bites_seen(self, user_id: int) -> set[str]:
        rows = await self.conn.execute(
            select(learning_bites_seen.c.bite_id).where(learning_bites_seen.c.user_id == user_id)
        )
        return set(rows.scalars())

    async def record_completion(self, user_id: int, topic_id: str, *, now: datetime) -> bool:
        stmt = _insert(self.conn, learning_completions).values(user_id=user_id, topic_id=topic_id, completed_at=now)
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "topic_id"]))
        return result.rowcount == 1

    async def completions(self, user_id: int) -> dict[str, datetime]:
        rows = await self.conn.execute(
            select(learning_completions.c.topic_id, learning_completions.c.completed_at).where(
                learning_completions.c.user_id == user_id
            )
        )
        return dict(rows.all())

    async def award(self, user_id: int, award: str, *, now: datetime) -> bool:
        stmt = _insert(self.conn, learning_awards).values(user_id=user_id, award=award, awarded_at=now)
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "award"]))
        return result.rowcount == 1

    async def awards(self, user_id: int) -> dict[str, datetime]:
        rows = await self.conn.execute(
            select(learning_awards.c.award, learning_awards.c.awarded_at).where(learning_awards.c.user_id == user_id)
        )
        return dict(rows.all())

    async def learners_due(
        self, *, due_before: datetime, not_practised_since: datetime | None = None
    ) -> list[tuple[int, int]]:
        stmt = self._due(due_before, not_practised_since)
        rows = await self.conn.execute(stmt.group_by(learning_cards.c.user_id))
        return [(user_id, count) for user_id, count in rows]

    async def learners_due_at(
        self, *, due_before: datetime, not_practised_since: datetime
    ) -> list[tuple[int, int, time | None]]:
        cards = self._due(due_before, not_practised_since).group_by(learning_cards.c.user_id).subquery()
        rows = await self.conn.execute(
            select(cards.c.user_id, cards.c.due_count, preferences.c.learning_time)
            .select_from(cards.outerjoin(preferences, preferences.c.user_id == cards.c.user_id))
            .order_by(cards.c.user_id)
        )
        return [(user_id, count, at) for user_id, count, at in rows]

    @staticmethod
    def _due(due_before: datetime, not_practised_since: datetime | None):
        stmt = select(learning_cards.c.user_id, func.count().label("due_count")).where(
            learning_cards.c.due < due_before
        )
        if not_practised_since is not None:
            practised = select(learning_reviews.c.id).where(
                learning_reviews.c.user_id == learning_cards.c.user_id,
                learning_reviews.c.answered_at >= not_practised_since,
            )
            stmt = stmt.where(~practised.exists())
        return stmt

    async def learners_started(self, award: str) -> list[tuple[int, datetime, datetime | None]]:
        first = await self.conn.execute(
            select(learning_reviews.c.user_id, func.min(learning_reviews.c.answered_at))
            .group_by(learning_reviews.c.user_id)
            .order_by(learning_reviews.c.user_id)
        )
        awards = learning_awards.c
        rows = await self.conn.execute(select(awards.user_id, awards.awarded_at).where(awards.award == award))
        held = dict(rows.all())
        return [(user_id, at, held.get(user_id)) for user_id, at in first]

    async def participation_by_site(self, *, since: datetime) -> list[tuple[str | None, int, int]]:
        practised = (
            select(learning_reviews.c.user_id).where(learning_reviews.c.answered_at >= since).distinct().subquery()
        )
        rows = await self.conn.execute(
            select(users.c.site, func.count(users.c.id), func.count(practised.c.user_id))
            .select_from(users.outerjoin(practised, practised.c.user_id == users.c.id))
            .where(users.c.onboarded_at.is_not(None))
            .group_by(users.c.site)
            .order_by(users.c.site)
        )
        return [(site, staff, active) for site, staff, active in rows]

    async def question_stats(self) -> list[tuple[str, int, int, int]]:
        """From the running totals add_review keeps (not a count over every review)."""
        totals = learning_question_totals
        rows = await self.conn.execute(select(totals).order_by(totals.c.question_id))
        return [(r.question_id, r.answers, r.correct, r.people) for r in rows]

    async def award_evidence(self, award: str) -> list[tuple[int, datetime, str | None, str | None]]:
        rows = await self.conn.execute(
            select(learning_awards.c.user_id, learning_awards.c.awarded_at, users.c.site, users.c.staff_group)
            .join(users, users.c.id == learning_awards.c.user_id)
            .where(learning_awards.c.award == award)
            .order_by(learning_awards.c.awarded_at, learning_awards.c.user_id)
        )
        return [(u, at, site, group) for u, at, site, group in rows]

    async def award_holders(self, award: str) -> list[tuple[str | None, str | None, int]]:
        rows = await self.conn.execute(
            select(users.c.site, users.c.staff_group, func.count(func.distinct(learning_awards.c.user_id)))
            .select_from(learning_awards.join(users, users.c.id == learning_awards.c.user_id))
            .where(learning_awards.c.award == award)
            .group_by(users.c.site, users.c.staff_group)
            .order_by(users.c.site, users.c.staff_group)
        )
        return [(site, group, people) for site, group, people in rows]
