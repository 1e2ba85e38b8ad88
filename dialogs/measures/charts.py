"""The measures' XmR charts and the Making Data Count icons, drawn with matplotlib (PNG). Numbers and signals come
from core.measurement (through core.measures.series); this module only draws.

Colours as NHSRplotthedots and Making Data Count: grey common cause, blue improvement, orange concern, purple
neutral. The current month is drawn as a hollow point after a dotted line and labelled "so far": it is not part
of the limits. A month hidden by suppression, or with too few pairs, is a gap in the line."""

from __future__ import annotations

import functools
import io
import threading
from collections import OrderedDict

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from core.measurement import COMMON, CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW
from core.measures.months import label
from core.measures.series import HIDDEN_SIGNAL, NO_SIGNAL, Series

GREY, BLUE, ORANGE, PURPLE = "#A6A6A6", "#00B0F0", "#E46C0A", "#490092"
LINE_GREY, LIMIT_GREY = "#7F7F7F", "#595959"
KIND_COLOURS = {COMMON: GREY, IMPROVEMENT: BLUE, CONCERN: ORANGE, NEUTRAL_HIGH: PURPLE, NEUTRAL_LOW: PURPLE}
ASSURANCE_COLOURS = {"consistent_pass": BLUE, "consistent_fail": ORANGE, "inconsistent": GREY}
DPI = 200
SIZE = (4.4, 2.9)  # inches: shown about 370 px wide on a phone (text about 11 px) and at most 560 px on a laptop
FONT = 9


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


CHARTS_KEPT = 32  # a few dashboards' worth of charts (PNGs of about 60 KB)
_drawn: OrderedDict[str, bytes] = OrderedDict()
_drawn_lock = threading.Lock()  # pages are drawn in worker threads (asyncio.to_thread)


def chart_png(series: Series) -> bytes:
    """The measure's chart. A chart is a pure function of its series, so one drawn for an equal series (same
    measure, points, limits and signals: its repr) is reused; new numbers draw a new chart."""
    key = repr(series)
    with _drawn_lock:
        if key in _drawn:
            _drawn.move_to_end(key)
            return _drawn[key]
    png = _draw_chart(series)
    with _drawn_lock:
        _drawn[key] = png
        while len(_drawn) > CHARTS_KEPT:
            _drawn.popitem(last=False)
    return png


def _draw_chart(series: Series) -> bytes:
    """The measure's chart, drawn for a phone's width (SIZE); the page caps it on a laptop so text stays in scale."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    months = [p.month for p in series.points]
    x = {m: i for i, m in enumerate(months)}
    complete = [p for p in series.points if not p.partial]
    # the line breaks where a month is hidden or has too few pairs
    run: list[tuple[int, float]] = []
    for p in complete:
        if p.value is None:
            if run:
                ax.plot(*zip(*run, strict=True), color=LINE_GREY, linewidth=1.2, zorder=1)
            run = []
        else:
            run.append((x[p.month], p.value))
    if run:
        ax.plot(*zip(*run, strict=True), color=LINE_GREY, linewidth=1.2, zorder=1)
    chart = series.chart
    lines: list[tuple[str, float]] = []
    if chart is not None:
        chart_x = [x[m] for m in series.chart_months]
        for segment in chart.segments:
            xs = chart_x[segment.start : segment.end]
            style = ":" if segment.trial else "--"
            ax.hlines(segment.mean, xs[0], xs[-1], color="black", linewidth=1)
            ax.hlines(
                [segment.lower_limit, segment.upper_limit], xs[0], xs[-1], color=LIMIT_GREY, linestyle=style, lw=1
            )
            if segment.reason:
                ax.axvline(xs[0] - 0.5, color="black", linestyle="-.", linewidth=1)
        ax.scatter(
            chart_x, [p.value for p in chart.points], c=[KIND_COLOURS[p.kind] for p in chart.points], s=22, zorder=2
        )
        lines = [(f"mean {chart.mean:.3g}", chart.mean)]
        if chart.upper_limit > chart.mean:  # limits that collapse onto the mean (no variation) are not labelled
            lines = [(f"upper {chart.upper_limit:.3g}", chart.upper_limit), *lines]
            lines.append((f"lower {chart.lower_limit:.3g}", chart.lower_limit))
        if series.measure.target is not None:
            ax.axhline(series.measure.target, color="#c00000", linewidth=1, linestyle=(0, (4, 2)))
            ax.annotate(
                f"target {series.measure.target:g}",
                (0.0, series.measure.target),
                xycoords=("axes fraction", "data"),
                fontsize=FONT - 1,
                color="#c00000",
                va="bottom",
            )
    elif complete:
        shown = [(x[p.month], p.value) for p in complete if p.value is not None]
        if shown:
            ax.scatter(*zip(*shown, strict=True), color=GREY, s=22, zorder=2)
    current = series.current
    if current is not None and current.value is not None:
        i = x[current.month]
        last_shown = next((p for p in reversed(complete) if p.value is not None), None)
        if last_shown is not None:
            ax.plot([x[last_shown.month], i], [last_shown.value, current.value], color=LINE_GREY, linestyle=":", lw=1)
        ax.scatter([i], [current.value], s=28, facecolors="white", edgecolors=LINE_GREY, linewidths=1.5, zorder=3)
        ax.annotate(
            "so far", (i, current.value), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=FONT - 1
        )
    values = [p.value for p in series.points if p.value is not None]
    ys = (
        values
        + [y for _, y in lines]
        + ([series.measure.target] if chart and series.measure.target is not None else [])
    )
    low, high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if series.measure.kind != "mean_change" and low >= 0:
        low = 0.0  # counts start at zero
    pad = (high - low) * 0.08 or 1.0
    ax.set_ylim(low - (pad if low < 0 or series.measure.kind == "mean_change" else 0), high + pad)
    _label_lines(ax, lines, ax.get_ylim())
    step = max(1, -(-len(months) // 5))
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [label(months[i]) for i in ticks], fontsize=FONT - 1)
    ax.tick_params(axis="y", labelsize=7.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(-0.7, max(len(months) - 0.3, 1))
    ax.set_ylabel(series.measure.unit, fontsize=8)
    fig.subplots_adjust(left=0.12, right=0.80, top=0.95, bottom=0.13)
    return _png(fig)


def _label_lines(ax, lines, ylim) -> None:
    """Each line's name and value right of the plot, pushed apart so no two overlap."""
    span = (ylim[1] - ylim[0]) or 1.0
    placed: list[float] = []
    for text, y in sorted(lines, key=lambda pair: -pair[1]):
        at = y if not placed else min(y, placed[-1] - span * 0.11)
        placed.append(at)
        ax.annotate(
            text,
            (1, y),
            xycoords=("axes fraction", "data"),
            xytext=(1.02, (at - ylim[0]) / span),
            textcoords="axes fraction",
            fontsize=FONT - 1,
            va="center",
            annotation_clip=False,
        )


@functools.lru_cache(maxsize=32)  # a handful of icons, drawn once per process (immutable bytes)
def _icon(colour: str, letter: str, *, filled: bool) -> bytes:
    fig = Figure(figsize=(0.5, 0.5), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(Circle((0.5, 0.5), 0.44, facecolor=colour if filled else "white", edgecolor=colour, linewidth=2.5))
    ax.text(
        0.5, 0.5, letter, ha="center", va="center", fontsize=13, fontweight="bold", color="white" if filled else colour
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, transparent=True)
    return buffer.getvalue()


def variation_icon(series: Series) -> bytes:
    """Making Data Count's variation icon for the latest complete month: grey common cause, blue improvement,
    orange concern, purple neutral; H or L for a special cause high or low."""
    kind = series.signal
    if kind in (NO_SIGNAL, HIDDEN_SIGNAL):
        return _icon(GREY, "–", filled=False)
    direction = series.chart.points[-1].direction if series.chart else 0
    letter = "~" if kind == COMMON else ("H" if direction > 0 else "L")
    return _icon(KIND_COLOURS[kind], letter, filled=kind != COMMON)


def assurance_icon(series: Series) -> bytes | None:
    """P (pass, blue), F (fail, orange) or ? (hit and miss, grey); None without a target."""
    if series.assurance is None:
        return None
    letter = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}[series.assurance]
    return _icon(ASSURANCE_COLOURS[series.assurance], letter, filled=series.assurance != "inconsistent")
