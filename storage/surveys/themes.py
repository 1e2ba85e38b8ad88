"""The themes coaches give free-text answers: the theme list per instrument and each answer's codes. Part of
SqlSurveyRepository (a mixin on the same connection), kept apart so each module stays small."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.surveys.model import Theme
from storage.repositories import _insert
from storage.surveys.tables import survey_codes, survey_responses, survey_themes


class SqlThemeRows:
    conn: AsyncConnection

    async def themes(self, instrument_id: str) -> list[Theme]:
        stmt = (
            select(survey_themes)
            .where(survey_themes.c.instrument_id == instrument_id)
            .order_by(survey_themes.c.label_key)
        )
        return [Theme(r["id"], r["instrument_id"], r["label"]) for r in (await self.conn.execute(stmt)).mappings()]

    async def add_theme(self, instrument_id: str, label: str, *, by: int, now: datetime) -> Theme:
        key = label.casefold()
        await self.conn.execute(
            _insert(self.conn, survey_themes)
            .values(instrument_id=instrument_id, label=label, label_key=key, created_by=by, created_at=now)
            .on_conflict_do_nothing(index_elements=["instrument_id", "label_key"])
        )
        row = (
            (
                await self.conn.execute(
                    select(survey_themes).where(
                        survey_themes.c.instrument_id == instrument_id, survey_themes.c.label_key == key
                    )
                )
            )
            .mappings()
            .one()
        )
        return Theme(row["id"], row["instrument_id"], row["label"])

    async def codes(self, instrument_id: str) -> dict[tuple[int, str], tuple[int, ...]]:
        stmt = (
            select(survey_codes.c.response_id, survey_codes.c.item_id, survey_codes.c.themes)
            .join(survey_responses, survey_responses.c.id == survey_codes.c.response_id)
            .where(survey_responses.c.instrument_id == instrument_id)
        )
        return {(r, i): tuple(t or ()) for r, i, t in await self.conn.execute(stmt)}

    async def save_code(
        self, response_id: int, item_id: str, theme_ids: Sequence[int], *, by: int, now: datetime
    ) -> None:
        values = dict(themes=list(theme_ids), coded_by=by, coded_at=now)
        stmt = _insert(self.conn, survey_codes).values(response_id=response_id, item_id=item_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["response_id", "item_id"], set_=values))
