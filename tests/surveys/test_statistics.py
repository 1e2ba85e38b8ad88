"""The survey statistics against values computed independently: R's own documented examples, hand-worked
arithmetic, and a second method for each figure."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from core.surveys.statistics import cronbach_alpha, holm, item_tests, mean_ci, paired_change, wilcoxon_item

# Student's sleep data (Cushny and Peebles 1905; Student 1908), R's `datasets::sleep`: extra hours of sleep for
# the same 10 patients under two drugs. R 4.x, `example(t.test)` style:
#   with(sleep, t.test(extra[group == 2], extra[group == 1], paired = TRUE))
#   t = 4.0621, df = 9, p-value = 0.002833
#   95 percent confidence interval: 0.7001142 2.4598858
#   mean difference 1.58
#   with(sleep, wilcox.test(extra[group == 2], extra[group == 1], paired = TRUE))
#   V = 45, p-value = 0.009091   (with warnings: cannot compute exact p-value with ties and with zeroes)
DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_change_matches_r_on_the_sleep_data():
    result = paired_change(DRUG_1, DRUG_2)
    assert result.n == 10 and result.df == 9
    assert result.mean_change == pytest.approx(1.58)
    assert result.t == pytest.approx(4.0621, abs=5e-5)
    assert result.p == pytest.approx(0.002833, abs=5e-7)
    assert (result.ci_low, result.ci_high) == (pytest.approx(0.7001142, abs=5e-8), pytest.approx(2.4598858, abs=5e-8))


def test_the_paired_t_is_the_one_sample_t_of_the_differences_and_d_z_is_t_over_root_n():
    result = paired_change(DRUG_1, DRUG_2)
    d = np.array(DRUG_2) - np.array(DRUG_1)
    one_sample = stats.ttest_1samp(d, 0.0)
    assert result.t == pytest.approx(one_sample.statistic) and result.p == pytest.approx(one_sample.pvalue)
    # d_z = mean(d) / sd(d), and t = mean(d) / (sd(d) / sqrt(n)), so d_z = t / sqrt(n) (Lakens 2013, eq. 7)
    assert result.d_z == pytest.approx(one_sample.statistic / math.sqrt(10))
    assert result.d_z == pytest.approx(1.2846, abs=5e-5)
    # the CI by hand: mean +/- t(0.975, 9) x sd / sqrt(n), with t(0.975, 9) = 2.262157 (printed t tables)
    half = 2.262157 * d.std(ddof=1) / math.sqrt(10)
    assert result.ci_low == pytest.approx(1.58 - half, abs=1e-6) and result.ci_high == pytest.approx(
        1.58 + half, abs=1e-6
    )


def test_a_change_with_no_variation_has_no_test_and_fewer_than_two_pairs_none():
    same = paired_change([1, 2, 3], [2, 3, 4])
    assert same.mean_change == 1 and same.t is None and same.ci_low is None and same.d_z is None
    assert paired_change([1], [2]) is None
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])


def test_wilcoxon_matches_r_on_the_sleep_data_with_its_tie_and_zero():
    test = wilcoxon_item("extra", DRUG_1, DRUG_2)
    # scipy reports min(W+, W-) = 0 where R reports V = W+ = 45; both give the same p (normal approximation with
    # continuity correction, the zero dropped, the variance corrected for the tie).
    assert test.method == "approx" and test.statistic == 0
    assert test.p == pytest.approx(0.009091, abs=5e-7)
    # the same p by hand: n = 9 after dropping the zero, mean 22.5, variance 9*10*19/24 - (2^3 - 2)/48 = 71.125
    z = (0 - 22.5 + 0.5) / math.sqrt(71.125)
    assert test.p == pytest.approx(2 * stats.norm.cdf(z))


def test_wilcoxon_is_exact_without_ties_or_zeros():
    # all 6 differences positive and distinct: the exact two-sided p is 2 / 2^6 = 0.03125
    test = wilcoxon_item("x", [1, 1, 1, 1, 1, 1], [2.0, 2.5, 3.0, 3.5, 4.0, 4.5])
    assert test.method == "exact" and test.p == pytest.approx(2 / 64)


def test_an_item_nobody_changed_is_not_tested():
    test = wilcoxon_item("same", [2, 3, 4], [2, 3, 4])
    assert test.p is None and test.mean_change == 0


def test_holm_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") gives 0.03 0.06 0.06 0.02
    # by hand: sorted 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> running max 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # R: p.adjust(c(0.5, 0.9), "holm") gives 1 1 (0.5 x 2 = 1, then the running maximum keeps 0.9 x 1 at 1)
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([0.4, 0.9]) == pytest.approx([0.8, 0.9])
    assert holm([]) == []


def test_item_tests_correct_only_the_items_that_could_be_tested():
    tests = item_tests(
        {
            "a": (DRUG_1, DRUG_2),
            "b": ([1, 2, 3], [1, 2, 3]),
            "c": ([1, 1, 1, 1, 1, 1], [2.0, 2.5, 3.0, 3.5, 4.0, 4.5]),
        }
    )
    by_id = {t.item_id: t for t in tests}
    assert by_id["b"].p_holm is None
    assert [by_id["a"].p_holm, by_id["c"].p_holm] == pytest.approx(holm([by_id["a"].p, by_id["c"].p]))
    # by hand: a (0.009091) is the smaller of two, x 2 = 0.018182; c (0.03125) x 1, and not below a's
    assert by_id["a"].p_holm == pytest.approx(2 * 0.009091, abs=1e-6)
    assert by_id["c"].p_holm == pytest.approx(0.03125)


def test_cronbach_alpha_by_hand_and_by_the_covariance_matrix():
    items = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 4, 4]]
    # by hand: item variances 5/3, 2/3, 11/12 (sum 3.25); totals 5, 8, 10, 12, variance 107/12;
    # alpha = 3/2 x (1 - 3.25 / (107/12)) = 102/107
    assert cronbach_alpha(items) == pytest.approx(102 / 107)
    rng = np.random.default_rng(7)
    trait = rng.normal(size=200)
    scores = np.clip(np.round(2.5 + trait[:, None] + rng.normal(scale=0.8, size=(200, 10))), 1, 4)
    cov = np.cov(scores, rowvar=False)
    k = scores.shape[1]
    by_covariance = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(scores.tolist()) == pytest.approx(by_covariance)
    assert 0.8 < by_covariance < 1


def test_alpha_needs_two_people_two_items_and_varying_totals():
    assert cronbach_alpha([[1, 2]]) is None and cronbach_alpha([[1], [2]]) is None
    assert cronbach_alpha([[1, 2], [2, 1]]) is None


def test_mean_ci_uses_the_t_distribution():
    mean, low, high = mean_ci([1, 2, 3, 4])
    half = 3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3) from printed tables
    assert mean == 2.5 and low == pytest.approx(2.5 - half, abs=1e-5) and high == pytest.approx(2.5 + half, abs=1e-5)
    assert mean_ci([3]) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=7), min_size=2, max_size=400))
def test_mean_ci_is_scipys_t_interval(values):
    found = mean_ci(values)
    x = np.asarray(values, dtype=float)
    sem = stats.sem(x)
    if sem == 0:
        assert found == (x.mean(), x.mean(), x.mean())
        return
    low, high = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=sem)
    assert found[0] == x.mean()
    assert found[1] == pytest.approx(low, rel=1e-12, abs=1e-12) and found[2] == pytest.approx(
        high, rel=1e-12, abs=1e-12
    )
