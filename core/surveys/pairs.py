"""Matched before/after pairs of a scale score, one per person and series, for other capabilities' reports (the
programme measures' self-efficacy change). Matched through the pseudonym as the survey report matches them: the
first scored "before" and the latest scored "after" of each person in a series, scored by core.surveys.scoring.
No person's id leaves here: a pair's key is the series and the pseudonym."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.ports import UnitOfWork
from core.surveys.model import ScoredResponse
from core.surveys.scoring import scored_responses


class Pair(NamedTuple):  # a tuple: thousands are made for each dashboard
    key: str  # "<series>:<pseudonym>"
    after_at: datetime  # when the "after" response was submitted (the month the change is counted in)
    site: str | None  # as recorded with the "before" response
    staff_group: str | None
    change: float  # after - before


def first_and_latest(
    rows: Sequence[ScoredResponse], wave: str, *, latest: bool
) -> dict[tuple[str, str], ScoredResponse]:
    """(series, pseudonym) -> the first (or latest) scored response of the wave; rows come in id order."""
    found: dict[tuple[str, str], ScoredResponse] = {}
    for row in rows:
        if row.wave == wave and row.score is not None:
            key = (row.series, row.pseudonym)
            if latest or key not in found:
                found[key] = row
    return found


async def matched_pairs(uow: UnitOfWork, *, instrument_id: str, scoring_id: str, content: Content) -> list[Pair]:
    instrument = content.surveys.instruments.get(instrument_id)
    scoring = next((s for s in instrument.scoring if s.id == scoring_id), None) if instrument else None
    if scoring is None:
        raise InvalidInput(f"No survey score {instrument_id}/{scoring_id}.")
    rows = await scored_responses(uow, instrument, scoring, times_of="after")  # a change counts in its month
    before = first_and_latest(rows, "before", latest=False)
    after = first_and_latest(rows, "after", latest=True)
    pairs = []
    for key in sorted(before.keys() & after.keys()):
        first, last = before[key], after[key]
        pairs.append(
            Pair(f"{key[0]}:{key[1]}", last.submitted_at, first.site, first.staff_group, last.score - first.score)
        )
    return pairs
