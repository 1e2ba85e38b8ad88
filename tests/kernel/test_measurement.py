"""Run chart (IHI) and XmR (Making Data Count) rules on hand-made series: each rule fires, and none does.

The XmR tests marked "NHSRplotthedots" port fixtures from that package's tests (tests/testthat/, release 0.2.2)
with the values it expects."""

from datetime import date, timedelta

import pytest

from core.measurement import (
    DECREASE,
    INCREASE,
    NEUTRAL,
    Rebase,
    assurance,
    exact_runs_limits,
    run_chart,
    runs_limits,
    xmr,
)
from core.measurement.xmr import _seven_in_a_row, _seven_trend, _two_in_three
from storage.content import DEFAULT_CONTENT_DIR, load_runs_table

TABLE = load_runs_table(DEFAULT_CONTENT_DIR)

STABLE = [5, 6, 4, 5, 6, 5, 4, 6, 5, 4, 6, 5, 4, 6, 5, 4]
STABLE_RUN = [5, 7, 4, 6, 3, 8, 5, 6, 4, 7, 5, 3, 6, 8, 4, 5]  # median 5, 10 runs in 12 useful points
BASELINE = [6, 4] * 6  # mean 5, ends below it


# --- XmR --------------------------------------------------------------------------------------------------------


def test_limits_match_nhsrplotthedots_on_its_own_example():
    """The package's vignette example (outlier screening on by default): UPL 4.6, mean 1.94, LPL -0.72."""
    chart = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    assert (round(chart.upper_limit, 2), round(chart.mean, 2), round(chart.lower_limit, 2)) == (4.6, 1.94, -0.72)
    assert chart.special == [4] and chart.points[4].rules == {"outside_limits"}
    assert chart.points[4].kind == "improvement"  # higher is better by default


def test_limits_are_mean_plus_minus_2_66_mean_moving_range_without_screening():
    chart = xmr([10, 12, 11, 13, 12], screen_outliers=False)
    assert chart.mean == pytest.approx(11.6)
    assert chart.mean_moving_range == pytest.approx((2 + 1 + 2 + 1) / 4)
    assert chart.upper_limit == pytest.approx(11.6 + 2.66 * 1.5)
    assert chart.upper_2_sigma == pytest.approx(11.6 + 2 * 2.66 / 3 * 1.5)


def test_a_stable_process_has_no_special_cause():
    assert xmr(STABLE).special == []


def test_seven_points_on_one_side_of_the_mean():
    values = BASELINE + [5.5, 5.6, 5.7, 5.5, 5.6, 5.8, 5.7, 4]
    chart = xmr(values, fix_after=12)
    flagged = [i for i, p in enumerate(chart.points) if "seven_one_side" in p.rules]
    assert flagged == list(range(12, 19))  # every point of the run is marked
    assert all(chart.points[i].kind == "improvement" for i in flagged)
    assert xmr(values, improvement=DECREASE, fix_after=12).points[12].kind == "concern"


def test_six_on_one_side_is_not_enough():
    values = BASELINE + [5.5, 5.6, 5.7, 5.5, 5.6, 5.8, 4]
    assert xmr(values, fix_after=12).special == []


def test_seven_points_rising_is_a_trend():
    values = [5, 4, 6, 5, 4, 6, 1, 2, 3, 4, 5, 6, 7, 5, 4]
    chart = xmr(values)
    assert [i for i, p in enumerate(chart.points) if "seven_trend" in p.rules] == list(range(6, 13))


def test_an_equal_neighbour_breaks_an_spc_trend():
    values = [5, 4, 6, 5, 4, 6, 1, 2, 3, 3, 5, 6, 7, 5, 4]
    assert not any("seven_trend" in p.rules for p in xmr(values).points)


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    chart = xmr(base + [12.6, 10.5, 12.6], fix_after=12)
    assert 12.6 > chart.upper_2_sigma and 12.6 < chart.upper_limit
    flagged = [i for i, p in enumerate(chart.points) if "two_in_three" in p.rules]
    assert flagged == [12, 14]  # the two close to the limit, not the one between them


def test_two_beyond_two_sigma_on_opposite_sides_do_not_count():
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    chart = xmr(base + [12.6, 10.5, 7.4], fix_after=12)
    assert not any("two_in_three" in p.rules for p in chart.points)


def test_fixed_limits_use_only_the_baseline():
    chart = xmr([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 20, 20], fix_after=12)
    assert chart.mean == pytest.approx(10)
    assert chart.points[12].rules >= {"outside_limits"}


def test_assurance_against_a_target():
    chart = xmr(STABLE)
    assert xmr(STABLE, target=0).assurance == "consistent_pass"  # higher is better, target below the limits
    assert xmr(STABLE, target=20).assurance == "consistent_fail"
    assert xmr(STABLE, target=5).assurance == "inconsistent"
    assert xmr(STABLE, target=20, improvement=DECREASE).assurance == "consistent_pass"
    assert xmr(STABLE, target=5, improvement=NEUTRAL).assurance is None
    assert chart.assurance is None


def test_neutral_direction_marks_high_and_low():
    chart = xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], improvement=NEUTRAL)
    assert chart.points[4].kind == "neutral_high"


# --- run charts -----------------------------------------------------------------------------------------------


def test_stable_run_chart_has_no_signal():
    chart = run_chart(STABLE_RUN)
    assert chart.median == 5 and chart.runs == 10 and not chart.signals


def test_shift_of_six_or_more_and_points_on_the_median_neither_add_nor_break_it():
    values = [2, 8, 2, 8, 7, 8, 5, 7, 8, 9, 7, 2, 3, 2, 1, 3, 5]
    chart = run_chart(values)
    assert chart.median == 5
    assert chart.shifts == [[3, 4, 5, 7, 8, 9, 10]]  # the 5 at index 6 is on the median: skipped, not a break


def test_five_on_one_side_is_not_a_shift():
    values = [2, 8, 2, 8, 7, 8, 5, 7, 8, 2, 3, 2, 1, 3, 5, 8, 2]
    chart = run_chart(values)
    assert chart.median == 5 and chart.shifts == []


def test_trend_of_five_with_equal_neighbours_counting_once():
    values = [5, 3, 7, 4, 6, 1, 2, 2, 3, 4, 5, 3, 7, 4, 6, 5]
    chart = run_chart(values)
    assert chart.trends == [[5, 6, 8, 9, 10]]  # 1, 2, (2), 3, 4, 5


def test_four_rising_is_not_a_trend():
    assert run_chart([5, 3, 7, 4, 6, 1, 2, 3, 4, 3, 7, 4, 6, 5]).trends == []


def test_too_few_runs():
    values = [1, 2, 1, 2, 1, 3, 2, 1, 2, 1, 9, 8, 9, 8, 9, 7, 9, 8, 9, 8]
    chart = run_chart(values, runs_table=TABLE)
    assert chart.runs == 2 and chart.too_few_runs


def test_too_many_runs():
    values = [1, 9] * 10
    chart = run_chart(values, runs_table=TABLE)
    assert chart.runs == 20 and chart.too_many_runs


def test_runs_counted_as_crossings_plus_one():
    chart = run_chart([1, 2, 8, 9, 1, 2, 8, 9, 1, 2])
    assert chart.runs == 5


def test_astronomical_point():
    values = STABLE[:8] + [40] + STABLE[8:]
    assert run_chart(values).astronomical == [8]


def test_runs_table_grows_with_the_number_of_points():
    lower10, upper10 = runs_limits(10, TABLE)
    lower30, upper30 = runs_limits(30, TABLE)
    assert lower10 < lower30 and upper10 < upper30 and lower30 < 15 < upper30
    assert runs_limits(9, TABLE) is None


# --- XmR: NHSRplotthedots' own fixtures --------------------------------------------------------------------------

# set.seed(123); rnorm(20), as R gives it: the data of tests/testthat/test-ptd_spc_standard.R and test-ptd_spc.R.
RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def limits(chart_or_segment, places=6):
    c = chart_or_segment
    return round(c.mean, places), round(c.lower_limit, places), round(c.upper_limit, places)


def test_nhsrplotthedots_limits_with_and_without_screening():
    """tests/testthat/_snaps/ptd_spc_standard.md: r1, r2 (y[15] <- 10, screened) and r3 (not screened)."""
    assert limits(xmr(RNORM_20), 5) == (0.14162, -3.01138, 3.29463)
    outlier = RNORM_20.copy()
    outlier[14] = 10
    assert limits(xmr(outlier)) == (0.669416, -2.383666, 3.722497)  # screening is on by default
    assert limits(xmr(outlier, screen_outliers=False)) == (0.669416, -4.596625, 5.935457)


def test_nhsrplotthedots_groups_match_a_rebase():
    """tests/testthat/_snaps/ptd_spc.md (summary, facets of 10 points): 0.0746 -2.60 2.75 and 0.209 -3.28 3.70.
    A rebase makes separate groups exactly as facets do; each has 10 points, so trial limits (short-group warning)."""
    chart = xmr(RNORM_20, rebases=[Rebase(at=10, reason="new triage")])
    first, second = chart.segments
    assert (round(first.mean, 4), round(first.lower_limit, 2), round(first.upper_limit, 2)) == (0.0746, -2.60, 2.75)
    assert (round(second.mean, 3), round(second.lower_limit, 2), round(second.upper_limit, 2)) == (0.209, -3.28, 3.70)
    assert (first.start, first.end, second.start, second.end) == (0, 10, 10, 20)
    assert first.trial and second.trial and chart.trial
    assert second.reason == "new triage" and first.reason is None
    assert (chart.mean, chart.upper_limit) == (second.mean, second.upper_limit)  # the current limits are the last


def test_nhsrplotthedots_two_in_three_on_opposite_sides_is_common_cause():
    """tests/testthat/test-ptd_spc_standard.R (issue #143): 1, -1, ... with 5.5 then -5.5 at the end."""
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr(values)
    assert chart.upper_2_sigma < 5.5 < chart.upper_limit and chart.lower_limit < -5.5 < chart.lower_2_sigma
    assert [p.kind for p in chart.points[-2:]] == ["common_cause", "common_cause"]


@pytest.mark.parametrize(
    ("close", "side", "expected"),
    [  # tests/testthat/test-ptd_calculate_point_type.R: ptd_two_in_three then ptd_part_of_two_in_three
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_nhsrplotthedots_two_in_three_cases(close, side, expected):
    assert _two_in_three([bool(c) for c in close], side) == [bool(e) for e in expected]


@pytest.mark.parametrize(
    ("values", "expected"),
    [  # tests/testthat/test-ptd_calculate_point_type.R: ptd_seven_point_trend then ptd_part_of_seven_trend
        ([1, 2, 3, 4, 5, 6], [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
        ([7, 6, 5, 4, 3, 2, 1], [1] * 7),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [1] * 7 + [0]),
    ],
)
def test_nhsrplotthedots_seven_point_trend_cases(values, expected):
    assert _seven_trend(values) == [bool(e) for e in expected]


@pytest.mark.parametrize(
    ("side", "expected"),
    [  # tests/testthat/test-ptd_calculate_point_type.R: ptd_seven_point_one_side_mean then ptd_part_of_seven_trend
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
        ([1, 1, 1, 0, 1, 1, 1, 1], [0] * 8),  # a point on the mean breaks the run
    ],
)
def test_nhsrplotthedots_seven_on_one_side_cases(side, expected):
    assert _seven_in_a_row(side) == [bool(e) for e in expected]


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [  # tests/testthat/test-ptd_calculate_assurance_type.R: limits (1, 3), (5, 7), (1, 5); target 4
        (INCREASE, ["consistent_fail", "consistent_pass", "inconsistent"]),
        (DECREASE, ["consistent_pass", "consistent_fail", "inconsistent"]),
        (NEUTRAL, [None, None, None]),
    ],
)
def test_nhsrplotthedots_assurance_cases(improvement, expected):
    assert [assurance(4, lower, upper, improvement) for lower, upper in ((1, 3), (5, 7), (1, 5))] == expected
    assert assurance(None, 1, 3, improvement) is None


def test_assurance_uses_the_last_segment():
    """As ptd_calculate_assurance_type takes the last row: a target between the old limits, above the new ones."""
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9] + [20, 21, 19, 20, 21, 19, 20, 21, 19, 20, 21, 19]
    chart = xmr(values, target=15, rebases=[Rebase(at=12, reason="new rota")])
    assert chart.segments[0].upper_limit < 15 < chart.segments[1].lower_limit
    assert chart.assurance == "consistent_pass"
    assert xmr(values, target=15).assurance == "inconsistent"  # one segment: the target sits inside its limits


# --- XmR: precedence when a point meets several rules (ptd_special_cause_type) ---------------------------------

FLAT = [5, 4, 6, 5, 4, 6, 5, 4, 6, 5, 4, 6]  # mean 5, mean moving range 1.36: limits 1.37 to 8.63, 2 sigma 7.42


def test_a_falling_trend_above_the_mean_is_an_improvement_when_lower_is_better():
    """NHSRplotthedots issue #171: trend points take the trend's direction, not their side of the mean."""
    falling = [8.5, 8.0, 7.6, 7.2, 6.8, 6.4, 6.0]
    chart = xmr(FLAT + falling, improvement=DECREASE, fix_after=12)
    trend = chart.points[12:]
    assert all(v > chart.mean for v in falling) and max(falling) < chart.upper_limit
    assert all(p.rules >= {"seven_trend", "seven_one_side"} for p in trend)
    assert {"two_in_three"} <= trend[0].rules  # 8.5 and 8.0 are beyond 2 sigma, but the trend comes first
    assert [p.rule for p in trend] == ["seven_trend"] * 7
    assert [p.kind for p in trend] == ["improvement"] * 7
    assert [p.kind for p in xmr(FLAT + falling, improvement=INCREASE, fix_after=12).points[12:]] == ["concern"] * 7
    neutral = xmr(FLAT + falling, improvement=NEUTRAL, fix_after=12).points[12:]
    assert [p.kind for p in neutral] == ["neutral_low"] * 7


def test_outside_the_limits_comes_before_a_trend():
    falling = [9.0, 8.5, 8.0, 7.6, 7.2, 6.8, 6.4]  # the first point is above the upper limit
    chart = xmr(FLAT + falling, improvement=DECREASE, fix_after=12)
    first, *rest = chart.points[12:]
    assert first.rules >= {"outside_limits", "seven_trend"} and first.rule == "outside_limits"
    assert first.kind == "concern"  # "Above UCL", while the rest of the falling trend is an improvement
    assert {p.kind for p in rest} == {"improvement"}


def test_two_in_three_comes_before_seven_on_one_side():
    above = [5.5, 7.8, 5.6, 7.9, 5.7, 5.5, 5.6]
    chart = xmr(FLAT + above, fix_after=12)
    assert [p.rule for p in chart.points[12:]] == [
        "two_in_three" if v > chart.upper_2_sigma else "seven_one_side" for v in above
    ]
    assert {p.kind for p in chart.points[12:]} == {"improvement"}


def test_a_point_at_the_junction_of_two_trends_takes_the_step_to_its_right():
    """ptd_special_cause_type: "if a point is part of a trend either side, use right side"."""
    wide = [0, 10] * 6  # mean 5, mean moving range 10: every later point is well inside 2 sigma
    chart = xmr(wide + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], fix_after=12)
    assert all(p.rule == "seven_trend" for p in chart.points[12:])
    assert [p.direction for p in chart.points[12:]] == [1] * 6 + [-1] * 7  # the peak (7) counts as falling


def test_six_rising_points_are_not_a_trend():
    assert not any("seven_trend" in p.rules for p in xmr([5, 4, 6, 5, 4, 6, 1, 2, 3, 4, 5, 6, 5, 4]).points)


def test_two_of_three_is_not_met_by_one_point_beyond_two_sigma():
    chart = xmr(FLAT + [8.2, 5.5, 5.6], fix_after=12)
    assert not any("two_in_three" in p.rules for p in chart.points)


def test_a_point_beyond_the_limit_is_not_counted_as_one_of_the_two_in_three():
    chart = xmr(FLAT + [8.2, 5.5, 9.9], fix_after=12)  # 9.9 is outside the limit, 8.2 only beyond 2 sigma
    assert chart.points[14].rule == "outside_limits"
    assert not any("two_in_three" in p.rules for p in chart.points)


# --- XmR: trial limits, fixed limits and rebasing ---------------------------------------------------------------


def test_fewer_than_12_points_have_trial_limits():
    assert xmr(FLAT[:11]).segments[0].trial and xmr(FLAT[:11]).trial
    assert not xmr(FLAT).segments[0].trial and not xmr(FLAT).trial


def test_limits_fixed_on_a_baseline_say_so_and_refuse_a_baseline_under_12():
    chart = xmr(FLAT + [7, 7, 7, 7], fix_after=12)
    (segment,) = chart.segments
    assert segment.fixed and segment.baseline == 12 and chart.mean == pytest.approx(5)
    assert not xmr(FLAT, fix_after=12).segments[0].fixed  # nothing after the baseline yet
    with pytest.raises(ValueError, match="at least 12"):
        xmr(FLAT, fix_after=8)


def test_fix_after_applies_within_each_segment():
    values = FLAT + [20, 21, 19, 20, 21, 19, 20, 21, 19, 20, 21, 19, 40, 40]
    chart = xmr(values, fix_after=12, rebases=[Rebase(at=12, reason="new pathway")])
    assert [s.baseline for s in chart.segments] == [12, 12]
    assert chart.segments[1].mean == pytest.approx(20) and chart.points[-1].rule == "outside_limits"


def test_a_rebase_at_a_date_starts_at_the_first_point_on_or_after_it():
    days = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(24)]
    values = FLAT + [v + 10 for v in FLAT]
    between = days[12] - timedelta(days=3)
    chart = xmr(values, rebases=[Rebase(at=between, reason="new rota")], dates=days)
    assert [(s.start, s.end) for s in chart.segments] == [(0, 12), (12, 24)]
    assert chart.segments[1].mean == pytest.approx(15) and chart.special == []
    unsplit = xmr(values)
    assert unsplit.special  # one set of limits: the step is a signal
    for outside in (days[0] - timedelta(days=1), days[0], days[-1] + timedelta(days=1)):
        assert len(xmr(values, rebases=[Rebase(at=outside, reason="x")], dates=days).segments) == 1
    with pytest.raises(ValueError, match="dates"):
        xmr(values, rebases=[Rebase(at=between, reason="x")])
    with pytest.raises(ValueError, match="outside"):
        xmr(values, rebases=[Rebase(at=24, reason="x")])


def test_no_trend_or_run_crosses_a_rebase():
    values = [5, 4, 6, 5, 4, 6, 1, 2, 3, 4, 5, 6, 7, 5, 4]
    assert any("seven_trend" in p.rules for p in xmr(values).points)
    assert not any("seven_trend" in p.rules for p in xmr(values, rebases=[Rebase(at=9, reason="x")]).points)


# --- run charts: the published runs table, short charts, colours, astronomical points ---------------------------


def series_with_runs(lengths: list[int], low: float = 1, high: float = 9) -> list[float]:
    """Alternate runs below and above the median, starting below, with the given lengths."""
    values = []
    for k, length in enumerate(lengths):
        values += [low if k % 2 == 0 else high] * length
    return values


def test_six_runs_in_20_points_is_not_too_few_but_five_is():
    """The issue's case: the exact distribution says 6 runs in 20 is too few; the published table (6 to 16) not."""
    six = run_chart(series_with_runs([4, 3, 3, 4, 3, 3]), runs_table=TABLE)
    assert (six.useful_points, six.runs, six.runs_expected) == (20, 6, (6, 16))
    assert not six.too_few_runs and not six.signals
    five = run_chart(series_with_runs([4, 5, 3, 5, 3]), runs_table=TABLE)
    assert five.runs == 5 and five.too_few_runs


def test_sixteen_runs_in_20_points_is_not_too_many_but_seventeen_is():
    sixteen = run_chart(series_with_runs([2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2]), runs_table=TABLE)
    assert (sixteen.useful_points, sixteen.runs) == (20, 16) and not sixteen.too_many_runs
    seventeen = run_chart(series_with_runs([2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), runs_table=TABLE)
    assert (seventeen.useful_points, seventeen.runs) == (20, 17) and seventeen.too_many_runs


def test_the_engine_uses_the_published_table_not_the_exact_distribution():
    assert all(runs_limits(n, TABLE) == TABLE.limits[n] for n in range(10, 61))
    assert TABLE.limits[20] == (6, 16) and exact_runs_limits(20) == (7, 15)
    differ = [n for n in range(10, 61) if exact_runs_limits(n) != TABLE.limits[n]]
    assert differ == [11, 12, 17, 20, 22, 23, 25, 29, 32, 37, 41, 43, 53, 55, 57, 59]
    assert runs_limits(61, TABLE) == exact_runs_limits(61)  # beyond the table: the distribution it comes from
    assert "BMJ Qual Saf 2011" in TABLE.source


def test_without_a_table_the_number_of_runs_is_not_judged():
    chart = run_chart([1, 9] * 10)
    assert chart.runs == 20 and chart.runs_expected is None and not chart.too_many_runs


def test_a_run_chart_of_fewer_than_10_points_flags_and_colours_nothing():
    values = [5, 3, 1, 2, 3, 4, 5, 3, 4]  # 1, 2, 3, 4, 5: a trend, if the rules applied
    chart = run_chart(values, runs_table=TABLE, improvement=INCREASE)
    assert not chart.judged and chart.trends == [] and not chart.signals
    assert chart.kinds == ["common_cause"] * 9
    judged = run_chart([*values, 2], runs_table=TABLE, improvement=INCREASE)
    assert judged.judged and judged.trends == [[2, 3, 4, 5, 6]]
    assert [judged.kinds[i] for i in range(2, 7)] == ["improvement"] * 5


def test_run_chart_colours_follow_the_better_direction():
    values = [5, 3, 7, 4, 6, 9, 8, 7, 6, 5, 7, 3, 4, 6, 5]  # 9, 8, 7, 6, 5: a falling trend of 5
    lower_better = run_chart(values, runs_table=TABLE, improvement=DECREASE)
    assert lower_better.trends == [[5, 6, 7, 8, 9]] and lower_better.median == 6
    assert [lower_better.kinds[i] for i in range(5, 10)] == ["improvement"] * 5  # 9, 8, 7 are above the median
    assert {lower_better.kinds[i] for i in range(15) if i not in range(5, 10)} == {"common_cause"}
    assert {run_chart(values, runs_table=TABLE, improvement=INCREASE).kinds[i] for i in range(5, 10)} == {"concern"}
    assert {run_chart(values, runs_table=TABLE).kinds[i] for i in range(5, 10)} == {"neutral_low"}
    shift = run_chart([2, 8, 2, 8, 7, 8, 5, 7, 8, 9, 7, 2, 3, 2, 1, 3, 5], runs_table=TABLE, improvement=DECREASE)
    assert {shift.kinds[i] for i in shift.shifts[0]} == {"concern"}  # above the median when lower is better


def test_astronomical_point_when_the_interquartile_range_is_zero():
    """Eleven months at 100%, then 40%: the quartile fences collapse, 3 mean absolute deviations do not."""
    chart = run_chart([100] * 11 + [40], runs_table=TABLE, improvement=INCREASE)
    assert chart.astronomical == [11] and chart.kinds[11] == "concern"
    assert run_chart([100] * 12, runs_table=TABLE).astronomical == []
    assert run_chart([100] * 6 + [99, 97, 100, 98, 100, 99], runs_table=TABLE).astronomical == []
