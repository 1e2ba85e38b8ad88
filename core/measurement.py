"""Run chart and SPC calculations: numbers and signals only, no drawing (charts are drawn elsewhere).

Run charts follow the IHI rules (Perla, Provost and Murray, BMJ Qual Saf 2011): centre line the median; a shift
is 6 or more consecutive points on one side (points on the median neither add to nor break it); a trend is 5 or
more consecutive points all going up or all going down (equal neighbours count once); too few or too many runs
against the Swed-Eisenhart critical values the IHI table is built from; an astronomical point is flagged when it
lies beyond 3 interquartile ranges from the quartiles (the rule itself is a judgement: the text says "check").

XmR charts follow NHS England's Making Data Count as implemented by NHSRplotthedots: centre line the mean;
process limits mean ± 2.66 × mean moving range (moving ranges above 3.267 × their mean are screened out first);
special cause when a point is outside a limit, part of 7 or more consecutive points on one side of the mean, part
of 7 consecutive points all rising or all falling, or one of two out of three consecutive points beyond 2 sigma
on the same side; limits may be fixed after n points. Every point part of a run is marked, as the package does.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from functools import cache

LIMIT = 2.66
NEAR_LIMIT = 2 * LIMIT / 3  # 2 sigma
OUTLIER_SCREEN = 3.267
RUN_CHART_SHIFT = 6
RUN_CHART_TREND = 5
SPC_RUN = 7

INCREASE, DECREASE, NEUTRAL = "increase", "decrease", "neutral"


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


# --- XmR (Making Data Count) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class XmRPoint:
    value: float
    kind: str  # common_cause | improvement | concern | neutral_high | neutral_low
    rules: frozenset[str] = frozenset()  # outside_limits | seven_one_side | seven_trend | two_in_three


@dataclass(frozen=True)
class XmR:
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_2_sigma: float
    upper_2_sigma: float
    points: list[XmRPoint]
    assurance: str | None  # consistent_pass | consistent_fail | inconsistent; None without a target

    @property
    def special(self) -> list[int]:
        return [i for i, p in enumerate(self.points) if p.kind != "common_cause"]


def _part_of_runs(starts: list[bool], length: int) -> list[bool]:
    """A flag at i marks the END of a run of `length`; mark every point of each such run."""
    marked = [False] * len(starts)
    for i, flagged in enumerate(starts):
        if flagged:
            for j in range(i - length + 1, i + 1):
                marked[j] = True
    return marked


def xmr(
    values: list[float],
    *,
    improvement: str = INCREASE,
    target: float | None = None,
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> XmR:
    if len(values) < 2:
        raise ValueError("an XmR chart needs at least two points")
    if improvement not in (INCREASE, DECREASE, NEUTRAL):
        raise ValueError(f"improvement must be increase, decrease or neutral, not {improvement!r}")
    base = values[: fix_after or len(values)]
    mean = statistics.fmean(base)
    ranges = [abs(b - a) for a, b in zip(base, base[1:], strict=False)]
    mean_range = statistics.fmean(ranges) if ranges else 0.0
    if screen_outliers and ranges:
        kept = [r for r in ranges if r < OUTLIER_SCREEN * mean_range]
        mean_range = statistics.fmean(kept) if kept else mean_range
    lower, upper = mean - LIMIT * mean_range, mean + LIMIT * mean_range
    near_lower, near_upper = mean - NEAR_LIMIT * mean_range, mean + NEAR_LIMIT * mean_range
    n = len(values)
    outside = [v > upper or v < lower for v in values]
    side = [_sign(v - mean) for v in values]
    close = [not outside[i] and (v < near_lower or v > near_upper) for i, v in enumerate(values)]

    one_side = _part_of_runs(
        [i >= SPC_RUN - 1 and side[i] != 0 and len(set(side[i - SPC_RUN + 1 : i + 1])) == 1 for i in range(n)],
        SPC_RUN,
    )
    trend_ends = []
    for i in range(n):
        steps = {_sign(values[j] - values[j - 1]) for j in range(i - SPC_RUN + 2, i + 1)} if i >= SPC_RUN - 1 else {0}
        trend_ends.append(steps in ({1}, {-1}))
    trend = _part_of_runs(trend_ends, SPC_RUN)
    two_of_three = [False] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and abs(sum(side[i] for i in window)) == 3:
            for i in window:
                two_of_three[i] = two_of_three[i] or close[i]

    direction = {INCREASE: 1, DECREASE: -1, NEUTRAL: 0}[improvement]
    points = []
    for i, value in enumerate(values):
        rules = frozenset(
            name
            for name, hit in (
                ("outside_limits", outside[i]),
                ("seven_one_side", one_side[i]),
                ("seven_trend", trend[i]),
                ("two_in_three", two_of_three[i]),
            )
            if hit
        )
        if not rules:
            kind = "common_cause"
        elif direction == 0:
            kind = "neutral_high" if side[i] > 0 else "neutral_low"
        else:
            kind = "improvement" if side[i] == direction else "concern"
        points.append(XmRPoint(value, kind, rules))

    assurance = None
    if target is not None and direction != 0:
        if target > upper:
            assurance = "consistent_fail" if direction == 1 else "consistent_pass"
        elif target < lower:
            assurance = "consistent_pass" if direction == 1 else "consistent_fail"
        else:
            assurance = "inconsistent"
    return XmR(mean, mean_range, lower, upper, near_lower, near_upper, points, assurance)


# --- run charts (IHI) --------------------------------------------------------------------------------------------


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


def runs_limits(useful: int) -> tuple[int, int] | None:
    """(fewest, most) runs expected by chance for `useful` points not on the median: fewer or more is a signal.

    Two-sided 5 % (2.5 % each tail) from the exact runs distribution with the points split evenly, which is how
    the IHI table of Perla, Provost and Murray is built. None when there are too few points to judge (< 10).
    """
    if useful < 10:
        return None
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
class RunChart:
    median: float
    shifts: list[list[int]] = field(default_factory=list)  # indices of each shift's points
    trends: list[list[int]] = field(default_factory=list)
    runs: int = 0
    useful_points: int = 0
    runs_expected: tuple[int, int] | None = None
    astronomical: list[int] = field(default_factory=list)

    @property
    def too_few_runs(self) -> bool:
        return self.runs_expected is not None and self.runs < self.runs_expected[0]

    @property
    def too_many_runs(self) -> bool:
        return self.runs_expected is not None and self.runs > self.runs_expected[1]

    @property
    def signals(self) -> bool:
        return bool(self.shifts or self.trends or self.too_few_runs or self.too_many_runs or self.astronomical)


def run_chart(values: list[float]) -> RunChart:
    if not values:
        raise ValueError("a run chart needs data")
    median = statistics.median(values)
    off_median = [(i, _sign(v - median)) for i, v in enumerate(values) if v != median]

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
    runs = 1 + sum(1 for (_, a), (_, b) in zip(off_median, off_median[1:], strict=False) if a != b) if off_median else 0
    q1, _, q3 = statistics.quantiles(values, n=4) if len(values) >= 4 else (median, median, median)
    spread = 3 * (q3 - q1)
    astronomical = [i for i, v in enumerate(values) if spread > 0 and (v > q3 + spread or v < q1 - spread)]
    return RunChart(median, shifts, trends, runs, len(off_median), runs_limits(len(off_median)), astronomical)
