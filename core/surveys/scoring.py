"""Scale scores: how one response is scored, and the scored responses of a series, computed once per response and
scoring definition and kept by the repository (issue 16: scoring every response on each open of a report took
most of a second on five years of responses).

A stored score carries the key of the definition it was computed with (a hash of the scoring as content defines
it) and the revision of the answers it was computed from. One that no longer matches both is stale: it is not
used, the response is scored again and the score replaced. So a changed answer, or another trust's changed
definition, is never counted with an old score, and two reports computing the same score at once store the same
row.

The scored responses are also kept in memory, per process, under the version of the instrument's answers that
the repository replaces with each submission or change (migration 0019 says why that is safe): opening a report
again reads one row, not five years of responses, until somebody answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from core.kernel.ports import UnitOfWork
from core.surveys.content import DECLINED, Instrument, Scoring
from core.surveys.model import Response, ScoredResponse


def score(scoring: Scoring, instrument: Instrument, answers: dict) -> float | None:
    """The scale score of one response; None unless every item of the score was answered on the scale."""
    values = item_answers(scoring, answers)
    if values is None:
        return None
    flipped = []
    for item_id, value in zip(scoring.items, values, strict=True):
        scale = instrument.item(item_id).scale
        flipped.append(scale.minimum + scale.maximum - value if item_id in scoring.reverse else value)
    return sum(flipped) / len(flipped) if scoring.method == "mean" else float(sum(flipped))


def item_answers(scoring: Scoring, answers: dict) -> tuple[float, ...] | None:
    values = []
    for item_id in scoring.items:
        value = answers.get(item_id)
        if not isinstance(value, int | float) or isinstance(value, bool) or value == DECLINED:
            return None
        values.append(value)
    return tuple(values)


def scoring_key(instrument: Instrument, scoring: Scoring) -> str:
    """A hash of everything the score depends on: its items, which are reversed and on what scale, and the method."""
    definition = {
        "instrument": instrument.id,
        "scoring": scoring.id,
        "method": scoring.method,
        "items": [
            [i, i in scoring.reverse, instrument.item(i).scale.minimum, instrument.item(i).scale.maximum]
            for i in scoring.items
        ],
    }
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:32]


def _scored(response: Response, scoring: Scoring, instrument: Instrument, times_of: str | None) -> ScoredResponse:
    value = score(scoring, instrument, response.answers)
    items = item_answers(scoring, response.answers) if value is not None else None
    return ScoredResponse(
        response.id,
        response.pseudonym,
        response.series or "",
        response.wave,
        response.site,
        response.staff_group,
        response.submitted_at if response.wave == times_of else None,
        value,
        items,
    )


# (instrument, scoring, its key, times_of) -> (the answers' version they were read at, the scored responses).
_KEPT: dict[tuple[str, str, str, str | None], tuple[str, tuple[ScoredResponse, ...]]] = {}


async def scored_responses(
    uow: UnitOfWork, instrument: Instrument, scoring: Scoring, *, times_of: str | None = None
) -> Sequence[ScoredResponse]:
    """Every submitted response to the instrument in a series, in id order, with its score (and when it was
    submitted, for the wave `times_of`); the missing and stale ones are scored now and stored."""
    key = scoring_key(instrument, scoring)
    # The version is read before the responses, so they are at least as new as it says.
    version = await uow.surveys.answers_version(instrument.id)
    memo = (instrument.id, scoring.id, key, times_of)
    kept = _KEPT.get(memo)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    found = tuple(await _score_all(uow, instrument, scoring, key, times_of))
    if version is not None:
        _KEPT[memo] = (version, found)
    return found


async def _score_all(
    uow: UnitOfWork, instrument: Instrument, scoring: Scoring, key: str, times_of: str | None
) -> list[ScoredResponse]:
    found, stale = await uow.surveys.scores(instrument.id, scoring.id, key, times_of=times_of)
    if not stale:
        return found
    fresh = await uow.surveys.responses_by_id(stale)
    scored = [_scored(r, scoring, instrument, times_of) for r in fresh]
    await uow.surveys.store_scores(
        scoring.id, key, [(r.id, r.revision, s.score, s.items) for r, s in zip(fresh, scored, strict=True)]
    )
    return sorted(found + scored, key=lambda s: s.id)
