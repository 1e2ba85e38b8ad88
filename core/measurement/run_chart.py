"""Run charts with the IHI rules and the published runs table (see the package docstring)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from core.measurement.common import (
    ASTRONOMICAL_SPREAD,
    COMMON,
    RUN_CHART_MIN_POINTS,
    RUN_CHART_SHIFT,
    RUN_CHART_TREND,
    _kind,
    _sign,
)


@cache
def _runs_distribution(n1: int, n2: int) -> dict[int, float]:
    """Exact distribution of the number of runs for n1 and n2 points on each side (Swed and Eisenhart 1943)."""
    total = math.comb(n1 + n2, n1)
    probabilities = {}
    for runs in range(2, n1 + n2 + 1):
        if runs % 2 == 0:
            k = runs // 2
            ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            k = (runs - 1) // 2
            ways = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k)
        probabilities[runs] = ways / total
    return probabilities


def exact_runs_limits(useful: int) -> tuple[int, int]:
    """(fewest, most) runs not a signal from the exact runs distribution, points split evenly, 2.5 % each tail.

    The published table is derived from this distribution but is not identical to it (it is one run wider at
    several sizes); the engine uses the table and needs this only beyond the table's last row."""
    n1, n2 = useful // 2, useful - useful // 2
    dist = _runs_distribution(n1, n2)
    cumulative, lower = 0.0, 2
    for runs in sorted(dist):
        cumulative += dist[runs]
        if cumulative > 0.025:
            lower = runs
            break
    cumulative, upper = 0.0, n1 + n2
    for runs in sorted(dist, reverse=True):
        cumulative += dist[runs]
        if cumulative > 0.025:
            upper = runs
            break
    return lower, upper


@dataclass(frozen=True)
class RunsTable:
    """Too few / too many runs: for `points` useful observations (not on the median), fewer runs than `lower` or
    more than `upper` is a signal. Loaded from content/run_chart_runs_table.yaml by storage.content."""

    limits: Mapping[int, tuple[int, int]]
    source: str

    def __post_init__(self) -> None:
        sizes = sorted(self.limits)
        if not sizes:
            raise ValueError("the runs table has no rows")
        if sizes != list(range(sizes[0], sizes[-1] + 1)):
            raise ValueError("the runs table must have one row for every number of points, without gaps")
        previous = (0, 0)
        for n in sizes:
            lower, upper = self.limits[n]
            if not 1 <= lower <= upper <= n:
                raise ValueError(f"{n} points: the limits must satisfy 1 <= lower <= upper <= {n}")
            if lower < previous[0] or upper < previous[1]:
                raise ValueError(f"{n} points: the limits must not fall as the number of points grows")
            previous = (lower, upper)

    @property
    def smallest(self) -> int:
        return min(self.limits)

    @property
    def largest(self) -> int:
        return max(self.limits)

    def limits_for(self, useful: int) -> tuple[int, int] | None:
        """None below the table (too few points to judge); beyond it, the distribution the table comes from."""
        if useful < self.smallest:
            return None
        if useful > self.largest:
            return exact_runs_limits(useful)
        return self.limits[useful]


def runs_limits(useful: int, table: RunsTable) -> tuple[int, int] | None:
    """(fewest, most) runs expected by chance for `useful` points not on the median: fewer or more is a signal."""
    return table.limits_for(useful)


@dataclass(frozen=True)
class RunChart:
    median: float
    shifts: list[list[int]] = field(default_factory=list)  # indices of each shift's points
    trends: list[list[int]] = field(default_factory=list)
    runs: int = 0
    useful_points: int = 0
    runs_expected: tuple[int, int] | None = None  # None: not judged (fewer than 10 useful points, or no table)
    astronomical: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per point, as XmRPoint.kind (all common_cause if not judged)
    judged: bool = True  # False below 10 points: the rules are not applied and nothing is flagged

    @property
    def too_few_runs(self) -> bool:
        return self.runs_expected is not None and self.runs < self.runs_expected[0]

    @property
    def too_many_runs(self) -> bool:
        return self.runs_expected is not None and self.runs > self.runs_expected[1]

    @property
    def signals(self) -> bool:
        return bool(self.shifts or self.trends or self.too_few_runs or self.too_many_runs or self.astronomical)


def _astronomical(values: list[float], median: float) -> list[int]:
    if len(values) < 4:
        return []
    q1, _, q3 = statistics.quantiles(values, n=4)
    spread = q3 - q1
    if spread > 0:
        return [
            i
            for i, v in enumerate(values)
            if v > q3 + ASTRONOMICAL_SPREAD * spread or v < q1 - ASTRONOMICAL_SPREAD * spread
        ]
    deviation = statistics.fmean(abs(v - median) for v in values)  # IQR zero: half or more of the points are equal
    return [i for i, v in enumerate(values) if deviation > 0 and abs(v - median) > ASTRONOMICAL_SPREAD * deviation]


def run_chart(
    values: Sequence[float], *, runs_table: RunsTable | None = None, improvement: str | None = None
) -> RunChart:
    """The IHI run chart rules. Pass the runs table from content (Content.runs_table) to judge the number of runs;
    `improvement` (increase, decrease, or None/neutral) sets the colour of each flagged point."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("a run chart needs data")
    median = statistics.median(values)
    off_median = [(i, _sign(v - median)) for i, v in enumerate(values) if v != median]
    runs = 1 + sum(1 for (_, a), (_, b) in pairwise(off_median) if a != b) if off_median else 0
    if len(values) < RUN_CHART_MIN_POINTS:
        return RunChart(median, runs=runs, useful_points=len(off_median), kinds=[COMMON] * len(values), judged=False)

    shifts, run = [], []
    for i, side in off_median:
        if run and side != run[-1][1]:
            if len(run) >= RUN_CHART_SHIFT:
                shifts.append([j for j, _ in run])
            run = []
        run.append((i, side))
    if len(run) >= RUN_CHART_SHIFT:
        shifts.append([j for j, _ in run])

    # Trends: drop repeated neighbours (they count once), then find 5+ points all rising or all falling.
    distinct = [i for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    trends, start = [], 0
    for k in range(1, len(distinct) + 1):

        def direction(a: int, b: int) -> int:
            return _sign(values[distinct[b]] - values[distinct[a]])

        ended = k == len(distinct) or (k - start >= 2 and direction(k - 1, k) != direction(start, start + 1))
        if ended:
            if k - start >= RUN_CHART_TREND:
                trends.append(distinct[start:k])
            start = k - 1
    astronomical = _astronomical(values, median)

    # Colour: an astronomical point by its side of the median, then a trend by its direction, then a shift by its
    # side (the order NHSRplotthedots gives outside limits, trends and runs on one side of the mean).
    directions = [0] * len(values)
    for group in shifts:
        for i in group:
            directions[i] = _sign(values[i] - median)
    for group in trends:
        for i in range(group[0], group[-1] + 1):  # the repeated neighbours inside a trend belong to it
            directions[i] = _sign(values[group[-1]] - values[group[0]])
    for i in astronomical:
        directions[i] = _sign(values[i] - median)
    expected = runs_table.limits_for(len(off_median)) if runs_table is not None else None
    return RunChart(
        median,
        shifts,
        trends,
        runs,
        len(off_median),
        expected,
        astronomical,
        kinds=[_kind(d, improvement) for d in directions],
    )
