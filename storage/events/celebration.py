"""SQL rows of the celebration day: abstracts, judges, scores and the people's choice votes (part of
SqlEventRepository, `uow.events`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events.model import Abstract, AbstractStatus, Format, Person, Poster, Score
from storage.events.tables import event_abstracts, event_judges, event_posters, event_scores, event_votes
from storage.repositories import _insert
from storage.tables import user_roles, users

JUDGE_ROLES = ("coach", "facilitator", "admin")

_abstract_select = select(event_abstracts, users.c.name.label("lead_name")).join(
    users, users.c.id == event_abstracts.c.lead_id
)


def _abstract(row) -> Abstract:
    return Abstract(
        id=row["id"],
        event_id=row["event_id"],
        project_id=row["project_id"],
        lead_id=row["lead_id"],
        site=row["site"],
        division=row["division"],
        title=row["title"],
        aim=row["aim"],
        measures=row["measures"],
        changes=row["changes"],
        results=row["results"],
        lessons=row["lessons"],
        format=Format(row["format"]),
        status=AbstractStatus(row["status"]),
        submitted_at=row["submitted_at"],
        lead_name=row["lead_name"],
    )


class CelebrationRows:
    conn: AsyncConnection

    async def save_poster(
        self,
        *,
        abstract_id: int,
        filename: str,
        content_type: str,
        data: bytes,
        sha256: str,
        uploaded_by: int,
        now: datetime,
    ) -> Poster:
        values = dict(
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=sha256,
            data=data,
            uploaded_by=uploaded_by,
            uploaded_at=now,
        )
        stmt = _insert(self.conn, event_posters).values(abstract_id=abstract_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["abstract_id"], set_=values))
        poster = await self.get_poster(abstract_id)
        assert poster is not None
        return poster

    async def get_poster(self, abstract_id: int, *, with_data: bool = False) -> Poster | None:
        columns = [c for c in event_posters.c if with_data or c.name != "data"]
        row = (
            (await self.conn.execute(select(*columns).where(event_posters.c.abstract_id == abstract_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Poster(
            abstract_id=row["abstract_id"],
            filename=row["filename"],
            content_type=row["content_type"],
            size=row["size"],
            sha256=row["sha256"],
            uploaded_by=row["uploaded_by"],
            uploaded_at=row["uploaded_at"],
            data=bytes(row["data"]) if with_data else None,
        )

    async def save_abstract(
        self,
        *,
        event_id: int,
        project_id: int,
        lead_id: int,
        site: str | None,
        division: str | None,
        title: str,
        aim: str | None,
        measures: str | None,
        changes: str | None,
        results: str | None,
        lessons: str | None,
        format: Format,
        now: datetime,
    ) -> Abstract:
        stmt = _insert(self.conn, event_abstracts).values(
            event_id=event_id,
            project_id=project_id,
            lead_id=lead_id,
            site=site,
            division=division,
            title=title,
            aim=aim,
            measures=measures,
            changes=changes,
            results=results,
            lessons=lessons,
            format=format.value,
            status=AbstractStatus.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["event_id", "project_id"]))
        row = (
            (
                await self.conn.execute(
                    _abstract_select.where(
                        event_abstracts.c.event_id == event_id, event_abstracts.c.project_id == project_id
                    )
                )
            )
            .mappings()
            .one()
        )
        return _abstract(row)

    async def update_abstract(
        self,
        abstract_id: int,
        *,
        title: str,
        aim: str | None,
        measures: str | None,
        changes: str | None,
        results: str | None,
        lessons: str | None,
        format: Format,
        status: AbstractStatus,
        now: datetime,
    ) -> None:
        current = await self.get_abstract(abstract_id)
        submitted_at = (current.submitted_at if current else None) or (
            now if status == AbstractStatus.SUBMITTED else None
        )
        await self.conn.execute(
            update(event_abstracts)
            .where(event_abstracts.c.id == abstract_id)
            .values(
                title=title,
                aim=aim,
                measures=measures,
                changes=changes,
                results=results,
                lessons=lessons,
                format=format.value,
                status=status.value,
                submitted_at=submitted_at,
                updated_at=now,
            )
        )

    async def get_abstract(self, abstract_id: int) -> Abstract | None:
        row = (await self.conn.execute(_abstract_select.where(event_abstracts.c.id == abstract_id))).mappings().first()
        return _abstract(row) if row else None

    async def event_abstracts(self, event_id: int, *, status: AbstractStatus | None = None) -> list[Abstract]:
        where = event_abstracts.c.event_id == event_id
        if status is not None:
            where = and_(where, event_abstracts.c.status == status.value)
        rows = await self.conn.execute(_abstract_select.where(where).order_by(event_abstracts.c.id))
        return [_abstract(r) for r in rows.mappings()]

    async def set_judges(self, event_id: int, user_ids: Sequence[int]) -> None:
        await self.conn.execute(delete(event_judges).where(event_judges.c.event_id == event_id))
        for user_id in user_ids:
            await self.conn.execute(event_judges.insert().values(event_id=event_id, user_id=user_id))

    async def _people(self, query) -> list[Person]:
        rows = await self.conn.execute(query.order_by(users.c.name, users.c.id))
        return [Person(r.id, r.name or "Someone", r.site) for r in rows]

    async def judges(self, event_id: int) -> list[Person]:
        return await self._people(
            select(users.c.id, users.c.name, users.c.site)
            .join(event_judges, event_judges.c.user_id == users.c.id)
            .where(event_judges.c.event_id == event_id)
        )

    async def judge_candidates(self) -> list[Person]:
        with_role = select(user_roles.c.user_id).where(user_roles.c.role.in_(JUDGE_ROLES))
        return await self._people(select(users.c.id, users.c.name, users.c.site).where(users.c.id.in_(with_role)))

    async def save_score(self, *, abstract_id: int, judge_id: int, scores: dict[str, int], comment, now) -> None:
        stmt = _insert(self.conn, event_scores).values(
            abstract_id=abstract_id, judge_id=judge_id, scores=scores, comment=comment, created_at=now, updated_at=now
        )
        await self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["abstract_id", "judge_id"], set_=dict(scores=scores, comment=comment, updated_at=now)
            )
        )

    async def event_scores(self, event_id: int) -> list[Score]:
        rows = await self.conn.execute(
            select(event_scores)
            .join(event_abstracts, event_abstracts.c.id == event_scores.c.abstract_id)
            .where(event_abstracts.c.event_id == event_id)
        )
        return [
            Score(r["abstract_id"], r["judge_id"], {k: int(v) for k, v in r["scores"].items()}, r["comment"])
            for r in rows.mappings()
        ]

    async def cast_vote(self, *, event_id: int, user_id: int, abstract_id: int, now: datetime) -> None:
        stmt = _insert(self.conn, event_votes).values(
            event_id=event_id, user_id=user_id, abstract_id=abstract_id, created_at=now, updated_at=now
        )
        await self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["event_id", "user_id"], set_=dict(abstract_id=abstract_id, updated_at=now)
            )
        )

    async def vote_of(self, event_id: int, user_id: int) -> int | None:
        return (
            await self.conn.execute(
                select(event_votes.c.abstract_id).where(
                    event_votes.c.event_id == event_id, event_votes.c.user_id == user_id
                )
            )
        ).scalar_one_or_none()

    async def vote_counts(self, event_id: int) -> dict[int, int]:
        rows = await self.conn.execute(
            select(event_votes.c.abstract_id, func.count())
            .where(event_votes.c.event_id == event_id)
            .group_by(event_votes.c.abstract_id)
        )
        return {abstract_id: n for abstract_id, n in rows}
