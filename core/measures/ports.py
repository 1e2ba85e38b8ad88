"""What the measures services need from storage: the headcount (the denominators). The evidence itself comes from
the capabilities that own it, through their repositories' read methods (core/measures/evidence.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from core.measures.model import HeadcountRow


class MeasureRepository(Protocol):
    async def replace_headcount(self, rows: Sequence[HeadcountRow], *, now: datetime) -> int:
        """Replace every month the rows cover with exactly these rows (a corrected extract replaces its months);
        the number of rows written. The caller commits, so a refused file changes nothing."""
        ...

    async def latest_headcount(self, *, on_or_before: date) -> tuple[date | None, Mapping[tuple[str, str], int]]:
        """The latest month with headcount on or before `on_or_before`, and its (site, staff group) -> headcount."""
        ...

    async def headcount_months(self) -> list[date]: ...
