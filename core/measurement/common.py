"""What both charts share: the rule constants, directions and point kinds."""

from __future__ import annotations

from collections.abc import Sequence

LIMIT = 2.66


NEAR_LIMIT = 2 * LIMIT / 3  # 2 sigma


OUTLIER_SCREEN = 3.267


TRIAL_POINTS = 12  # a segment of fewer points has trial limits (NHSRplotthedots' short-group warning)


MIN_FIX_AFTER = 12  # NHSRplotthedots refuses fix_after_n_points below 12


SPC_RUN = 7


RUN_CHART_MIN_POINTS = 10  # below this the run chart rules are not applied


RUN_CHART_SHIFT = 6


RUN_CHART_TREND = 5


ASTRONOMICAL_SPREAD = 3

INCREASE, DECREASE, NEUTRAL = "increase", "decrease", "neutral"
COMMON, IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW = (
    "common_cause",
    "improvement",
    "concern",
    "neutral_high",
    "neutral_low",
)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _kind(direction: int, improvement: str | None) -> str:
    """Colour class of a signal going `direction` (+1 up or above, -1 down or below) for a measure's better way."""
    if direction == 0:
        return COMMON
    better = {INCREASE: 1, DECREASE: -1}.get(improvement or NEUTRAL, 0)
    if better == 0:
        return NEUTRAL_HIGH if direction > 0 else NEUTRAL_LOW
    return IMPROVEMENT if direction == better else CONCERN


def _part_of_runs(ends: Sequence[bool], length: int) -> list[bool]:
    """A flag at i marks the END of a run of `length`; mark every point of each such run."""
    marked = [False] * len(ends)
    for i, flagged in enumerate(ends):
        if flagged:
            for j in range(i - length + 1, i + 1):
                marked[j] = True
    return marked
