"""Run chart (IHI) and XmR (Making Data Count) rules on hand-made series: each rule fires, and none does."""

import pytest

from core.measurement import DECREASE, NEUTRAL, run_chart, runs_limits, xmr

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
    chart = run_chart(values)
    assert chart.runs == 2 and chart.too_few_runs


def test_too_many_runs():
    values = [1, 9] * 10
    chart = run_chart(values)
    assert chart.runs == 20 and chart.too_many_runs


def test_runs_counted_as_crossings_plus_one():
    chart = run_chart([1, 2, 8, 9, 1, 2, 8, 9, 1, 2])
    assert chart.runs == 5


def test_astronomical_point():
    values = STABLE[:8] + [40] + STABLE[8:]
    assert run_chart(values).astronomical == [8]


def test_runs_table_grows_with_the_number_of_points():
    lower10, upper10 = runs_limits(10)
    lower30, upper30 = runs_limits(30)
    assert lower10 < lower30 and upper10 < upper30 and lower30 < 15 < upper30
    assert runs_limits(9) is None
