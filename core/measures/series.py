"""Each measure month by month, and its XmR chart (core.measurement: Making Data Count rules, limits fixed after
n months and rebased as content says).

The current month is incomplete: it is shown, marked so, and never used for the limits or the signals (a month
half gone is not a low point). A month's count of people of 1-4 is hidden (core.kernel.suppression) and left
out of the chart like a month without data; so is a month's mean change of fewer than 5 pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from core.kernel import suppression
from core.measurement import XmR, xmr
from core.measures.content import MeasureDefinition
from core.measures.model import Fact
from core.measures.months import add_months, months_between

NO_SIGNAL = "none"  # too few complete months for a chart
HIDDEN_SIGNAL = "hidden"  # the latest complete month is hidden, so it has no signal to show


@dataclass(frozen=True)
class MonthPoint:
    month: date
    value: float | None  # None: hidden (1-4 people) or too few pairs to show a mean
    text: str  # what a reader sees: "37", "[c]", "+0.42", "fewer than 5 pairs"
    partial: bool = False  # the current month, still being counted
    n: int | None = None  # pairs behind a mean change (shown only as a suppressed count)


@dataclass(frozen=True)
class Series:
    measure: MeasureDefinition
    points: tuple[MonthPoint, ...]  # every month shown, the partial one last
    chart: XmR | None  # over the complete, shown months; None with fewer than two
    chart_months: tuple[date, ...]  # the month of each chart point
    signal: str  # the latest complete month's variation: common_cause | improvement | concern | neutral_* |
    # none (too few months) | hidden (the latest month is hidden)
    assurance: str | None  # consistent_pass | consistent_fail | inconsistent | None (no target or no chart)
    cumulative: suppression.Cell | None = None  # people: distinct people ever, to the last complete month

    @property
    def latest(self) -> MonthPoint | None:
        complete = [p for p in self.points if not p.partial]
        return complete[-1] if complete else None

    @property
    def current(self) -> MonthPoint | None:
        return self.points[-1] if self.points and self.points[-1].partial else None


def monthly_values(measure: MeasureDefinition, facts: list[Fact]) -> dict[date, tuple[float, int]]:
    """month -> (value, n): distinct people, items, or the mean change with its number of pairs."""
    if measure.kind == "items":
        return {month: (float(n), n) for month, n in Counter(f.month for f in facts).items()}
    if measure.kind == "people":
        people: dict[date, set[str]] = defaultdict(set)
        for fact in facts:
            people[fact.month].add(fact.key)
        return {month: (float(len(keys)), len(keys)) for month, keys in people.items()}
    changes: dict[date, list[float]] = defaultdict(list)
    for fact in facts:
        changes[fact.month].append(fact.value)
    return {month: (fmean(found), len(found)) for month, found in changes.items()}


def hidden_months(measure: MeasureDefinition, values: dict[date, tuple[float, int]], last_complete: date) -> set[date]:
    """Counted months to hide: 1-4 on their own, and, within each 12-month window whose total the table shows,
    the complementary months that stop a hidden one being the total minus the shown ones. (Distinct people do not
    add up across months, as one person may be in two; protecting them as if they did only hides more.)"""
    hidden = set()
    for back in (0, 12):
        end = add_months(last_complete, -back)
        counts = {m: values.get(m, (0.0, 0))[1] for m in months_between(add_months(end, -11), end)}
        total = sum(counts.values()) if measure.kind == "items" else None
        cells = suppression.suppress_counts(counts, total).cells
        hidden |= {m for m, cell in cells.items() if cell.suppressed}
    return hidden


def _point(
    measure: MeasureDefinition, month: date, found: tuple[float, int] | None, partial: bool, hidden: set[date]
) -> MonthPoint:
    value, n = found if found else (0.0, 0)
    if measure.kind in ("people", "items"):
        cell = suppression.count(n)
        if cell.suppressed or month in hidden:
            return MonthPoint(month, None, suppression.HIDDEN, partial, n)
        return MonthPoint(month, value, str(n), partial, n)
    if n < suppression.THRESHOLD:
        return MonthPoint(month, None, "fewer than 5 pairs" if n else "no pairs", partial, n)
    return MonthPoint(month, value, f"{value:+.2f}", partial, n)


def build_series(measure: MeasureDefinition, facts: list[Fact], *, current: date, months_shown: int) -> Series:
    """`current` is the first of the current (incomplete) month."""
    values = monthly_values(measure, facts)
    window_start = add_months(current, -(months_shown - 1))
    first = max(window_start, min(values, default=current))
    months = months_between(min(first, current), current)
    hidden = hidden_months(measure, values, add_months(current, -1)) if measure.kind != "mean_change" else set()
    points = tuple(_point(measure, m, values.get(m), m == current, hidden) for m in months)
    charted = [p for p in points if not p.partial and p.value is not None]
    chart, signal, assurance = None, NO_SIGNAL, None
    if len(charted) >= 2:
        chart = xmr(
            [p.value for p in charted],
            improvement=measure.improvement,
            target=measure.target,
            fix_after=measure.fix_after,
            rebases=measure.rebases,
            dates=[p.month for p in charted],
        )
        assurance = chart.assurance
        latest = next(p for p in reversed(points) if not p.partial)
        signal = chart.points[-1].kind if latest.value is not None else HIDDEN_SIGNAL
    cumulative = None
    if measure.kind == "people":
        cumulative = suppression.count(len({f.key for f in facts if f.month < current}))
    return Series(measure, points, chart, tuple(p.month for p in charted), signal, assurance, cumulative)
