"""Matched before/after pairs of a scale score, one per person and series, for other capabilities' reports (the
programme measures' self-efficacy change). Matched through the pseudonym as the survey report matches them: the
first scored "before" and the latest scored "after" of each person in a series. No person's id leaves here: the
pair's key is the series and the pseudonym."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.ports import UnitOfWork
from core.surveys.model import Response
from core.surveys.reports import score


@dataclass(frozen=True)
class Pair:
    key: str  # "<series>:<pseudonym>"
    after_at: datetime  # when the "after" response was submitted (the month the change is counted in)
    site: str | None  # as recorded with the "before" response
    staff_group: str | None
    change: float  # after - before


async def matched_pairs(uow: UnitOfWork, *, instrument_id: str, scoring_id: str, content: Content) -> list[Pair]:
    instrument = content.surveys.instruments.get(instrument_id)
    scoring = next((s for s in instrument.scoring if s.id == scoring_id), None) if instrument else None
    if scoring is None:
        raise InvalidInput(f"No survey score {instrument_id}/{scoring_id}.")
    waves: dict[str, dict[str, list[Response]]] = defaultdict(lambda: defaultdict(list))
    for r in await uow.surveys.responses(instrument_id):
        if r.series and r.wave in ("before", "after") and r.submitted_at is not None:
            waves[r.series][r.wave].append(r)
    pairs = []
    for series, by_wave in sorted(waves.items()):
        before: dict[str, tuple[Response, float]] = {}
        for r in sorted(by_wave["before"], key=lambda r: r.id):
            value = score(scoring, instrument, r.answers)
            if value is not None and r.pseudonym not in before:
                before[r.pseudonym] = (r, value)
        after: dict[str, tuple[Response, float]] = {}
        for r in sorted(by_wave["after"], key=lambda r: r.id, reverse=True):
            value = score(scoring, instrument, r.answers)
            if value is not None and r.pseudonym not in after:
                after[r.pseudonym] = (r, value)
        for pseudonym, (first, value) in before.items():
            if pseudonym in after:
                last, later = after[pseudonym]
                pairs.append(
                    Pair(f"{series}:{pseudonym}", last.submitted_at, first.site, first.staff_group, later - value)
                )
    return pairs
