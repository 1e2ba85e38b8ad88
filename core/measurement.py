"""Run chart and SPC calculations: numbers and signals only, no drawing (charts are drawn elsewhere).

Run charts follow the IHI rules (Perla, Provost and Murray, BMJ Qual Saf 2011): centre line the median; a shift
is 6 or more consecutive points on one side (points on the median neither add to nor break it); a trend is 5 or
more consecutive points all going up or all going down (equal neighbours count once); too few or too many runs
against the published table (Table 1 of the paper, shipped as content: content/run_chart_runs_table.yaml, passed
in as a `RunsTable`). The rules are not applied to a chart of fewer than 10 points: its points are not coloured.
An astronomical point is "obviously different from the rest"; the paper gives no formula, so the engine uses
Tukey's far-out fences: more than 3 interquartile ranges below the first quartile or above the third. When the
interquartile range is zero (half or more of the points share one value, e.g. eleven months at 100% then one at
40%) the fences collapse onto that value, so a point more than 3 mean absolute deviations from the median is
flagged instead. Either way the words say "check": it is a prompt to look, not a proof.

XmR charts follow Making Data Count (NHS Improvement, 2019) exactly as NHSRplotthedots 0.2.x implements it
(R/ptd_spc_standard.R, R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R):
- centre line the mean; process limits mean ± 2.66 × mean moving range; 2 sigma at ± 2/3 of that. Moving ranges
  of 3.267 × their mean or more are screened out before the limits are set (`screen_outliers`, default on).
- `fix_after` (the package's fix_after_n_points, at least 12): the mean and limits come from the first n points
  of each segment and later points are judged against them.
- `rebases` (the package's `rebase`): each rebase starts a new segment from that point on; every segment has its
  own mean, limits and rules, and no run or trend crosses a break. A segment of fewer than 12 points has trial
  limits (the package's short-group warning).
- special cause rules, within a segment: a point outside a limit; part of 7 points in a row on one side of the
  mean (a point on the mean breaks it); part of 7 points all rising or all falling (an equal neighbour breaks
  it); two of three points in a row beyond 2 sigma on the same side of the mean (only the ones beyond 2 sigma,
  and not beyond the limit, are marked).
- a point meeting several rules takes its direction from the first of: outside limits, trend, two of three,
  run on one side. So a trend point is coloured by the trend's direction (issue #171): a falling trend is an
  improvement when lower is better, even above the mean.
- assurance compares the target with the limits of the last segment: consistent pass / consistent fail /
  inconsistent (hit-and-miss); none without a target or with no better direction.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise

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


# --- XmR (Making Data Count) ----------------------------------------------------------------------------------


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
