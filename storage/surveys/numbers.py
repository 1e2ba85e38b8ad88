"""The survey answers the reports count, as numbers (migration 0018): the numeric answers of submitted responses,
kept here as a response is submitted or changed, with the version of each instrument's answers (migration 0019),
and the stored scale scores (core.surveys.scoring says when one is stale)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, and_, case, cast, delete, func, null, select

from core.surveys.model import ResponseStatus, ScoredResponse
from storage.repositories import _insert
from storage.surveys.tables import (
    survey_answer_versions,
    survey_campaigns,
    survey_responses,
    survey_scores,
    survey_values,
)

CHUNK = 500
SUBMITTED = ResponseStatus.SUBMITTED.value


def numbers_of(answers: dict[str, Any]) -> list[tuple[str, float]]:
    """The answers that are numbers (a scale's point or a range's value), as the reports count them."""
    return [(k, float(v)) for k, v in answers.items() if isinstance(v, int | float) and not isinstance(v, bool)]


class SqlSurveyNumbers:
    conn: Any

    async def _keep_values(self, response_id: int) -> None:
        """Make the response's rows in survey_values its numeric answers now: none unless it is submitted. Called
        after the response's own UPDATE, whose row lock keeps two saves of one response in order."""
        r = survey_responses
        dropped = await self.conn.execute(delete(survey_values).where(survey_values.c.response_id == response_id))
        stmt = select(r.c.campaign_id, r.c.instrument_id, r.c.status, r.c.answers).where(r.c.id == response_id)
        row = (await self.conn.execute(stmt)).first()
        if row is None:
            return
        if row.status == SUBMITTED or dropped.rowcount:  # a draft's saves change nothing a report reads
            await self._new_answers_version(row.instrument_id)
        if row.status != SUBMITTED:
            return
        rows = [
            dict(response_id=response_id, item_id=k, campaign_id=row.campaign_id, value=v)
            for k, v in numbers_of(row.answers or {})
        ]
        if rows:
            await self.conn.execute(survey_values.insert(), rows)

    async def _new_answers_version(self, instrument_id: str) -> None:
        stmt = _insert(self.conn, survey_answer_versions).values(instrument_id=instrument_id, version=uuid.uuid4().hex)
        await self.conn.execute(
            stmt.on_conflict_do_update(index_elements=["instrument_id"], set_={"version": stmt.excluded.version})
        )

    async def answers_version(self, instrument_id: str) -> str | None:
        v = survey_answer_versions
        stmt = select(v.c.version).where(v.c.instrument_id == instrument_id)
        return (await self.conn.execute(stmt)).scalar()

    async def submitted_counts(self) -> dict[int, int]:
        r = survey_responses
        stmt = select(r.c.campaign_id, func.count()).where(r.c.status == SUBMITTED).group_by(r.c.campaign_id)
        return dict((await self.conn.execute(stmt)).all())

    async def item_totals(self, campaign_ids: Sequence[int]) -> dict[tuple[int, str], tuple[int, float]]:
        v = survey_values
        stmt = (
            select(v.c.campaign_id, v.c.item_id, func.count(), func.sum(v.c.value))
            .where(v.c.campaign_id.in_(list(campaign_ids)))
            .group_by(v.c.campaign_id, v.c.item_id)
        )
        return {(c, i): (n, float(total)) for c, i, n, total in await self.conn.execute(stmt)}

    async def scores(
        self, instrument_id: str, scoring_id: str, key: str, *, times_of: str | None = None
    ) -> tuple[list[ScoredResponse], list[int]]:
        r, s, c = survey_responses, survey_scores, survey_campaigns
        # Each column costs on five years of rows: the times of one wave only when asked (40 ms for all), `fresh`
        # as a plain 0/1, the campaign's id rather than its series and wave (two strings a row), which come from
        # its few campaigns.
        stmt = (
            select(
                r.c.id,
                r.c.pseudonym,
                r.c.campaign_id,
                r.c.site,
                r.c.staff_group,
                case((r.c.wave == times_of, r.c.submitted_at)) if times_of else null(),
                case((and_(s.c.scoring_key == key, s.c.revision == r.c.revision), 1), else_=0),
                s.c.score,
                cast(s.c["items"], Text).label("items"),  # decoded below in one go
            )
            .select_from(r.outerjoin(s, and_(s.c.response_id == r.c.id, s.c.scoring_id == scoring_id)))
            .where(r.c.instrument_id == instrument_id, r.c.status == SUBMITTED, r.c.series.is_not(None))
            .order_by(r.c.id)
        )
        campaigns = select(c.c.id, c.c.series, c.c.wave).where(c.c.instrument_id == instrument_id)
        waves = {cid: (series, wave) for cid, series, wave in await self.conn.execute(campaigns)}
        rows = (await self.conn.execute(stmt)).all()
        fresh = [row for row in rows if row[6]]
        # One JSON document for all the items' answers, and plain tuples: five years of responses are read at once.
        items = json.loads("[" + ",".join(row[8] or "null" for row in fresh) + "]")
        # One object for each distinct string and answers tuple: the rows are kept in memory (core.surveys.scoring),
        # and a person's pseudonym, the few sites and groups, and many answers repeat across them.
        same: dict = {}

        def one(value):
            return same.setdefault(value, value)

        found = [
            ScoredResponse(
                rid,
                one(pseudonym),
                *waves[cid],
                one(site),
                one(group),
                at,
                value,
                None if got is None else one(tuple(got)),
            )
            for (rid, pseudonym, cid, site, group, at, _, value, _), got in zip(fresh, items, strict=True)
        ]
        return found, [row[0] for row in rows if not row[6]]

    async def store_scores(
        self, scoring_id: str, key: str, scores: Sequence[tuple[int, int, float | None, Sequence[float] | None]]
    ) -> None:
        for start in range(0, len(scores), CHUNK):
            rows = [
                dict(
                    response_id=rid,
                    scoring_id=scoring_id,
                    scoring_key=key,
                    revision=revision,
                    score=value,
                    items=None if items is None else list(items),
                )
                for rid, revision, value, items in scores[start : start + CHUNK]
            ]
            stmt = _insert(self.conn, survey_scores).values(rows)
            stmt = stmt.on_conflict_do_update(
                index_elements=["response_id", "scoring_id"],
                set_={c: stmt.excluded[c] for c in ("scoring_key", "revision", "score", "items")},
            )
            await self.conn.execute(stmt)
