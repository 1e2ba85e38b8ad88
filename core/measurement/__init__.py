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

from core.measurement.common import (  # noqa: F401 (the public names)
    ASTRONOMICAL_SPREAD,
    COMMON,
    CONCERN,
    DECREASE,
    IMPROVEMENT,
    INCREASE,
    LIMIT,
    MIN_FIX_AFTER,
    NEAR_LIMIT,
    NEUTRAL,
    NEUTRAL_HIGH,
    NEUTRAL_LOW,
    OUTLIER_SCREEN,
    RUN_CHART_MIN_POINTS,
    RUN_CHART_SHIFT,
    RUN_CHART_TREND,
    SPC_RUN,
    TRIAL_POINTS,
)
from core.measurement.run_chart import RunChart, RunsTable, exact_runs_limits, run_chart, runs_limits  # noqa: F401
from core.measurement.xmr import Rebase, Segment, XmR, XmRPoint, assurance, xmr  # noqa: F401
