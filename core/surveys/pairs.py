"""Matched before/after pairs of a scale score, one per person and series, for other capabilities' reports (the
programme measures' self-efficacy change). Matched through the pseudonym as the survey report matches them: the
first scored "before" and the latest scored "after" of each person in a series, scored as `reports.score` does
(every item of the score answered on its scale, reverse items flipped). No person's id leaves here: a pair's key
is the series and the pseudonym.

The repository scores each response in the database (one number a response), so five years of responses cost one
query and no JSON decoding here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.ports import UnitOfWork
from core.surveys.content import Instrument, Scoring


@dataclass(frozen=True)
class Pair:
    key: str  # "<series>:<pseudonym>"
    after_at: datetime  # when the "after" response was submitted (the month the change is counted in)
    site: str | None  # as recorded with the "before" response
    staff_group: str | None
    change: float  # after - before


def score_items(scoring: Scoring, instrument: Instrument) -> list[tuple[str, float | None]]:
    """(item id, min + max of its scale for a reverse item, else None): how the repository scores a response."""
    found = []
    for item_id in scoring.items:
        scale = instrument.item(item_id).scale
        found.append((item_id, scale.minimum + scale.maximum if item_id in scoring.reverse else None))
    return found


async def matched_pairs(uow: UnitOfWork, *, instrument_id: str, scoring_id: str, content: Content) -> list[Pair]:
    instrument = content.surveys.instruments.get(instrument_id)
    scoring = next((s for s in instrument.scoring if s.id == scoring_id), None) if instrument else None
    if scoring is None:
        raise InvalidInput(f"No survey score {instrument_id}/{scoring_id}.")
    rows = await uow.surveys.scale_scores(
        instrument_id, score_items(scoring, instrument), mean=scoring.method == "mean", waves=("before", "after")
    )
    before: dict[tuple[str, str], tuple] = {}  # first scored "before" (rows come in id order)
    after: dict[tuple[str, str], tuple] = {}  # latest scored "after"
    for _, pseudonym, series, wave, site, group, at, value in rows:
        if value is None or at is None:
            continue
        key = (series, pseudonym)
        if wave == "before":
            before.setdefault(key, (site, group, value))
        else:
            after[key] = (at, value)
    pairs = []
    for key in sorted(before.keys() & after.keys()):
        site, group, first = before[key]
        at, last = after[key]
        pairs.append(Pair(f"{key[0]}:{key[1]}", at, site, group, last - first))
    return pairs
