"""The statistics of the survey reports, with scipy.stats and numpy (no hand-written tests or distributions).

- Before/after change on matched pairs only: the mean change with a 95% confidence interval from the t
  distribution, Cohen's d for paired data stated as d_z (mean change / SD of the changes; Lakens D. Calculating
  and reporting effect sizes. Front Psychol 2013;4:863), and a paired t-test of the scale score
  (scipy.stats.ttest_rel).
- Per item: a Wilcoxon signed-rank test of the paired answers (scipy.stats.wilcoxon), zero differences dropped
  (Wilcoxon's method), exact when there are fewer than 50 pairs and no ties or zeros, otherwise the normal
  approximation with continuity correction: the rule R's wilcox.test uses, so the two agree. The p values of the
  items are then corrected for multiple testing by Holm's step-down method (Holm S. A simple sequentially
  rejective multiple test procedure. Scand J Statist 1979;6:65-70), which controls the family-wise error rate.
- Reliability at baseline: Cronbach's alpha, k/(k-1) x (1 - sum of item variances / variance of the total)
  (Cronbach LJ. Coefficient alpha and the internal structure of tests. Psychometrika 1951;16:297-334), over
  the people who answered every item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# scipy.stats is imported in the functions that use it: about 90 MB the bot does not hold until a survey report is
# asked for (issue 16).

CONFIDENCE = 0.95
EXACT_BELOW = 50  # pairs: R's wilcox.test default


@dataclass(frozen=True)
class PairedChange:
    n: int  # matched pairs
    mean_before: float
    mean_after: float
    mean_change: float  # after - before
    ci_low: float | None  # 95% CI of the mean change; None when every change is the same
    ci_high: float | None
    sd_change: float
    d_z: float | None  # Cohen's d for paired data: mean change / SD of the changes
    t: float | None
    df: int
    p: float | None


def paired_change(
    before: Sequence[float], after: Sequence[float], confidence: float = CONFIDENCE
) -> PairedChange | None:
    """Matched scores (the same person at the same index); None with fewer than 2 pairs."""
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise ValueError("before and after must be matched pairs")
    n = int(b.size)
    if n < 2:
        return None
    d = a - b
    sd = float(np.std(d, ddof=1))
    mean = float(np.mean(d))
    if sd == 0.0:  # no variation in the change: no interval, test or effect size is defined
        return PairedChange(n, float(b.mean()), float(a.mean()), mean, None, None, 0.0, None, None, n - 1, None)
    from scipy import stats

    result = stats.ttest_rel(a, b)
    ci = result.confidence_interval(confidence)
    return PairedChange(
        n=n,
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        mean_change=mean,
        ci_low=float(ci.low),
        ci_high=float(ci.high),
        sd_change=sd,
        d_z=mean / sd,
        t=float(result.statistic),
        df=int(result.df),
        p=float(result.pvalue),
    )


def mean_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float, float] | None:
    """(mean, low, high) with the t distribution's interval; None with fewer than 2 values. The quantiles come
    from scipy.special.stdtrit, the function scipy.stats.t.ppf evaluates, without the distribution object's
    checks (about 0.5 ms a call, and a report makes dozens); the result is the same as stats.t.interval's."""
    from scipy import special

    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return None
    mean, sem = float(x.mean()), float(np.std(x, ddof=1) / np.sqrt(x.size))
    if sem == 0.0:
        return mean, mean, mean
    low, high = special.stdtrit(x.size - 1, [(1 - confidence) / 2, (1 + confidence) / 2])
    return mean, float(mean + low * sem), float(mean + high * sem)


@dataclass(frozen=True)
class ItemTest:
    item_id: str
    n: int  # pairs who answered the item both times
    mean_change: float | None
    statistic: float | None  # the signed-rank statistic (the smaller rank sum, as scipy reports it)
    p: float | None  # None: every pair gave the same answer both times (nothing to test), or no pairs
    p_holm: float | None = None
    method: str | None = None  # "exact" | "approx"


def wilcoxon_item(item_id: str, before: Sequence[float], after: Sequence[float]) -> ItemTest:
    from scipy import stats

    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    d = np.round(a - b, 10)  # answers are on a scale: equal changes must tie exactly
    if d.size == 0:
        return ItemTest(item_id, 0, None, None, None)
    nonzero = d[d != 0]
    if nonzero.size == 0:
        return ItemTest(item_id, int(d.size), float(d.mean()), None, None)
    ties = np.unique(np.abs(nonzero)).size < nonzero.size
    method = "exact" if d.size < EXACT_BELOW and not ties and nonzero.size == d.size else "approx"
    result = stats.wilcoxon(d, zero_method="wilcox", correction=method == "approx", method=method)
    return ItemTest(item_id, int(d.size), float(d.mean()), float(result.statistic), float(result.pvalue), None, method)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p values, in the order given: the i-th smallest is multiplied by (m - i), the
    running maximum keeps them in order, and none exceeds 1 (as R's p.adjust(p, "holm"))."""
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    result = np.empty(m)
    result[order] = adjusted
    return result.tolist()


def item_tests(pairs: Mapping[str, tuple[Sequence[float], Sequence[float]]]) -> list[ItemTest]:
    """A Wilcoxon signed-rank test per item, with Holm's correction across the items that could be tested."""
    tests = [wilcoxon_item(item_id, b, a) for item_id, (b, a) in pairs.items()]
    tested = [i for i, t in enumerate(tests) if t.p is not None]
    for index, adjusted in zip(tested, holm([tests[i].p for i in tested]), strict=True):
        t = tests[index]
        tests[index] = ItemTest(t.item_id, t.n, t.mean_change, t.statistic, t.p, adjusted, t.method)
    return tests


def cronbach_alpha(scores: Sequence[Sequence[float]]) -> float | None:
    """Rows are people, columns items (every item answered). None with fewer than 2 people or items, or when the
    totals do not vary."""
    x = np.asarray(scores, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        return None
    k = x.shape[1]
    total_variance = float(np.var(x.sum(axis=1), ddof=1))
    if total_variance == 0.0:
        return None
    return k / (k - 1) * (1.0 - float(np.var(x, axis=0, ddof=1).sum()) / total_variance)
