"""The words every view of the measures shares (card, page, export, board summary)."""

from __future__ import annotations

from core.kernel.suppression import footnote
from core.measurement import COMMON, CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW
from core.measures.months import label
from core.measures.series import HIDDEN_SIGNAL, NO_SIGNAL, Series

SIGNAL_WORDS = {
    COMMON: "common cause variation",
    IMPROVEMENT: "special cause: improvement",
    CONCERN: "special cause: concern",
    NEUTRAL_HIGH: "special cause: higher",
    NEUTRAL_LOW: "special cause: lower",
    NO_SIGNAL: "too few months for a chart",
    HIDDEN_SIGNAL: "no signal: the latest month is hidden (small numbers)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "will consistently meet the target",
    "consistent_fail": "will consistently miss the target",
    "inconsistent": "hit and miss: the target is within the limits",
    None: "no target",
}


FOOTNOTE = footnote()
PARTIAL = "so far this month (incomplete: not used for the limits)"


def headline(series: Series) -> str:
    """The measure's number for the last complete month: "37 people in Nov 2026"."""
    latest = series.latest
    if latest is None:
        return "no data yet"
    m = series.measure
    if m.kind == "mean_change":
        return (
            f"{latest.text} {m.unit} in {label(latest.month)}"
            if latest.value is not None
            else (f"{latest.text} in {label(latest.month)}")
        )
    return f"{latest.text} {m.unit} in {label(latest.month)}"


def so_far(series: Series) -> str:
    current = series.current
    return "" if current is None else f"{current.text} {PARTIAL}"


def cumulative(series: Series) -> str:
    return "" if series.cumulative is None else f"{series.cumulative.text} {series.measure.unit} in all (each once)"
