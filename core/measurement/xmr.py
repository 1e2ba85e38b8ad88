"""XmR charts as Making Data Count and NHSRplotthedots 0.2.x (see the package docstring)."""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from core.measurement.common import (
    COMMON,
    DECREASE,
    INCREASE,
    LIMIT,
    MIN_FIX_AFTER,
    NEAR_LIMIT,
    NEUTRAL,
    OUTLIER_SCREEN,
    SPC_RUN,
    TRIAL_POINTS,
    _kind,
    _part_of_runs,
    _sign,
)


@dataclass(frozen=True)
class Rebase:
    """Recompute the limits from this point on: `at` is a point's index, or a date (the first point on or after
    it; a date before the first point or after the last changes nothing). `reason` is shown on the chart."""

    at: date | int
    reason: str


@dataclass(frozen=True)
class XmRPoint:
    value: float
    kind: str  # common_cause | improvement | concern | neutral_high | neutral_low
    rules: frozenset[str] = frozenset()  # every rule met: outside_limits | seven_trend | two_in_three | seven_one_side
    rule: str | None = None  # the rule that sets the colour (outside limits > trend > two of three > one side)
    direction: int = 0  # +1 above the mean or rising, -1 below or falling, 0 common cause


@dataclass(frozen=True)
class Segment:
    """The points from `start` up to (not including) `end`, with the limits they are judged against."""

    start: int
    end: int
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_2_sigma: float
    upper_2_sigma: float
    baseline: int  # how many points the mean and limits are computed from
    fixed: bool  # the limits were fixed on the first `baseline` points (fix_after) and later points judged on them
    trial: bool  # fewer than 12 points: trial limits, revised as points are added
    reason: str | None = None  # why the limits were rebased here (None for the first segment)


@dataclass(frozen=True)
class XmR:
    mean: float  # the mean and limits of the last segment (the only segment without rebases)
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_2_sigma: float
    upper_2_sigma: float
    points: list[XmRPoint]
    assurance: str | None  # consistent_pass | consistent_fail | inconsistent; None without a target
    segments: tuple[Segment, ...] = ()

    @property
    def special(self) -> list[int]:
        return [i for i, p in enumerate(self.points) if p.kind != COMMON]

    @property
    def trial(self) -> bool:
        return any(s.trial for s in self.segments)


def _segment_starts(n: int, rebases: Sequence[Rebase], dates: Sequence[date] | None) -> dict[int, str]:
    starts: dict[int, str] = {}
    for rebase in rebases:
        if isinstance(rebase.at, date):
            if dates is None:
                raise ValueError("a rebase at a date needs the points' dates")
            index = bisect.bisect_left(list(dates), rebase.at)
        elif isinstance(rebase.at, int) and not isinstance(rebase.at, bool):
            if not 0 <= rebase.at < n:
                raise ValueError(f"a rebase at point {rebase.at} is outside the {n} points")
            index = rebase.at
        else:
            raise ValueError(f"a rebase is at a date or a point index, not {rebase.at!r}")
        if 0 < index < n:
            starts.setdefault(index, rebase.reason)
    return starts


def _limits(values: list[float], fix_after: int | None, screen_outliers: bool) -> tuple[float, float, int]:
    """Mean, mean moving range and baseline size, as ptd_spc_standard computes them for one group."""
    base = values[:fix_after] if fix_after is not None else values
    mean = statistics.fmean(base)
    ranges = [abs(b - a) for a, b in pairwise(base)]
    mean_range = statistics.fmean(ranges) if ranges else 0.0
    if screen_outliers and ranges:
        kept = [r for r in ranges if r < OUTLIER_SCREEN * mean_range]
        # Only empty when every range is 0 (the package then has no limits); the limits collapse onto the mean.
        mean_range = statistics.fmean(kept) if kept else 0.0
    return mean, mean_range, len(base)


def _seven_in_a_row(side: list[int]) -> list[bool]:
    ends = [
        i >= SPC_RUN - 1 and side[i] != 0 and len(set(side[i - SPC_RUN + 1 : i + 1])) == 1 for i in range(len(side))
    ]
    return _part_of_runs(ends, SPC_RUN)


def _seven_trend(values: list[float]) -> list[bool]:
    ends = []
    for i in range(len(values)):
        steps = {_sign(values[j] - values[j - 1]) for j in range(i - SPC_RUN + 2, i + 1)} if i >= SPC_RUN - 1 else {0}
        ends.append(steps in ({1}, {-1}))
    return _part_of_runs(ends, SPC_RUN)


def _two_in_three(close: list[bool], side: list[int]) -> list[bool]:
    marked = [False] * len(close)
    for start in range(len(close) - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and abs(sum(side[i] for i in window)) == 3:
            for i in window:
                marked[i] = marked[i] or close[i]
    return marked


def _xmr_segment(
    values: list[float], start: int, *, improvement: str, fix_after: int | None, screen_outliers: bool, reason
) -> tuple[Segment, list[XmRPoint]]:
    mean, mean_range, baseline = _limits(values, fix_after, screen_outliers)
    lower, upper = mean - LIMIT * mean_range, mean + LIMIT * mean_range
    near_lower, near_upper = mean - NEAR_LIMIT * mean_range, mean + NEAR_LIMIT * mean_range
    n = len(values)
    outside = [v > upper or v < lower for v in values]
    side = [_sign(v - mean) for v in values]
    close = [not outside[i] and (v < near_lower or v > near_upper) for i, v in enumerate(values)]
    one_side, trend, two_of_three = _seven_in_a_row(side), _seven_trend(values), _two_in_three(close, side)

    def trend_direction(i: int) -> int:
        # ptd_special_cause_type: a point whose right-hand neighbour is also in a trend takes the step to it,
        # otherwise the step from its left-hand neighbour; a step that is not a rise counts as decreasing.
        step = _sign(values[i + 1] - values[i]) if i + 1 < n and trend[i + 1] else _sign(values[i] - values[i - 1])
        return 1 if step == 1 else -1

    points = []
    for i, value in enumerate(values):
        hits = (
            ("outside_limits", outside[i]),
            ("seven_trend", trend[i]),
            ("two_in_three", two_of_three[i]),
            ("seven_one_side", one_side[i]),
        )
        rules = frozenset(name for name, hit in hits if hit)
        rule = next((name for name, hit in hits if hit), None)
        if rule is None:
            direction = 0
        elif rule == "seven_trend":
            direction = trend_direction(i)
        else:
            direction = 1 if side[i] > 0 else -1  # the package: "Above" when above the mean, otherwise "Below"
        points.append(XmRPoint(value, _kind(direction, improvement), rules, rule, direction))
    segment = Segment(
        start=start,
        end=start + n,
        mean=mean,
        mean_moving_range=mean_range,
        lower_limit=lower,
        upper_limit=upper,
        lower_2_sigma=near_lower,
        upper_2_sigma=near_upper,
        baseline=baseline,
        fixed=fix_after is not None and n > fix_after,
        trial=n < TRIAL_POINTS,
        reason=reason,
    )
    return segment, points


def assurance(target: float | None, lower: float, upper: float, improvement: str) -> str | None:
    """ptd_calculate_assurance_type: the target against the (last) process limits. None without a target or when
    neither direction is better."""
    direction = {INCREASE: 1, DECREASE: -1}.get(improvement, 0)
    if target is None or direction == 0:
        return None
    if target > upper:
        return "consistent_fail" if direction == 1 else "consistent_pass"
    if target < lower:
        return "consistent_pass" if direction == 1 else "consistent_fail"
    return "inconsistent"


def xmr(
    values: Sequence[float],
    *,
    improvement: str = INCREASE,
    target: float | None = None,
    fix_after: int | None = None,
    screen_outliers: bool = True,
    rebases: Sequence[Rebase] = (),
    dates: Sequence[date] | None = None,
) -> XmR:
    """An XmR chart of `values` in time order. `dates` (one per value) are needed only for rebases at a date."""
    values = [float(v) for v in values]
    if len(values) < 2:
        raise ValueError("an XmR chart needs at least two points")
    if improvement not in (INCREASE, DECREASE, NEUTRAL):
        raise ValueError(f"improvement must be increase, decrease or neutral, not {improvement!r}")
    if fix_after is not None and fix_after < MIN_FIX_AFTER:
        raise ValueError(f"limits are fixed after at least {MIN_FIX_AFTER} points, not {fix_after}")
    if dates is not None and len(dates) != len(values):
        raise ValueError("one date per value")
    starts = _segment_starts(len(values), rebases, dates)
    bounds = [0, *sorted(starts), len(values)]
    segments, points = [], []
    for a, b in pairwise(bounds):
        segment, segment_points = _xmr_segment(
            values[a:b],
            a,
            improvement=improvement,
            fix_after=fix_after,
            screen_outliers=screen_outliers,
            reason=starts.get(a),
        )
        segments.append(segment)
        points.extend(segment_points)
    last = segments[-1]
    return XmR(
        last.mean,
        last.mean_moving_range,
        last.lower_limit,
        last.upper_limit,
        last.lower_2_sigma,
        last.upper_2_sigma,
        points,
        assurance(target, last.lower_limit, last.upper_limit, improvement),
        tuple(segments),
    )
