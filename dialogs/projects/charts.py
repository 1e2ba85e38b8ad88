"""Chart images for project measures (matplotlib, PNG), served from a signed link so Teams can show them in
a card. The numbers and signals come from core.measurement; this module only draws them.

Drawn for a phone: Teams shows a card image about 320 px wide, so the figure is designed at that width
(PHONE_PX) and every text is at least MIN_TEXT_PX there; it is saved at 2.5 times the size so it stays sharp
on a phone's screen. Few ticks, the centre line and limits labelled at the right, no title (the card has it),
and a one-line key of what the colours mean. Colours as Making Data Count, the same on every chart: grey common
cause, blue improvement, orange concern, purple neutral."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: the bot's memory without it is ~60 MB less
    from matplotlib.figure import Figure

from core.measurement import COMMON, CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW, Rebase, RunsTable, run_chart, xmr
from core.projects.model import Measure

# Point colours as NHSRplotthedots' ptd_spc_colours (standardised with the Making Data Count team, its issue #196).
COMMON_GREY, BLUE, ORANGE, PURPLE = "#A6A6A6", "#00B0F0", "#E46C0A", "#490092"
LINE_GREY, LIMIT_GREY = "#7F7F7F", "#595959"
KIND_COLOURS = {COMMON: COMMON_GREY, IMPROVEMENT: BLUE, CONCERN: ORANGE, NEUTRAL_HIGH: PURPLE, NEUTRAL_LOW: PURPLE}
KEY_WORDS = {COMMON: "common cause", IMPROVEMENT: "improvement", CONCERN: "concern", NEUTRAL_HIGH: "neutral"}
KEY_ORDER = (COMMON, IMPROVEMENT, CONCERN, NEUTRAL_HIGH)

PHONE_PX = 320  # the width Teams shows a card image at on a phone
MIN_TEXT_PX = 11  # the smallest text on the chart at that width
SIZE = (3.2, 2.3)  # inches: 1 inch is 100 px on the phone
DPI = 250  # 800 x 575 px: 2.5 device pixels per phone pixel, so it is sharp, and still a few tens of KB
FONT = 9  # points: 12.5 px on the phone
SMALL = 8.5  # points: 11.8 px on the phone
MAX_X_TICKS, MAX_Y_TICKS = 4, 5
TRIAL_NOTE = "trial limits: fewer than 12 points"
SHORT_RUN_NOTE = "fewer than 10 points: run chart rules not applied yet"
REASON_CHARS = 24


def phone_figure():
    """A figure and its axes at phone size. The object API (no pyplot): no global state, so charts can be drawn
    in worker threads; the Agg canvas measures text for the margins."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def text_px(points: float, fig: Figure) -> float:
    """How tall text of `points` is when the figure is shown PHONE_PX wide."""
    return points / 72 * PHONE_PX / fig.get_figwidth()


def render_chart(
    measure: Measure,
    points: list[tuple[date, float]],
    *,
    runs_table: RunsTable | None = None,
    fix_after: int | None = None,
    rebases: Sequence[Rebase] = (),
) -> bytes:
    return png(draw_chart(measure, points, runs_table=runs_table, fix_after=fix_after, rebases=rebases))


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def draw_chart(
    measure: Measure,
    points: list[tuple[date, float]],
    *,
    runs_table: RunsTable | None = None,
    fix_after: int | None = None,
    rebases: Sequence[Rebase] = (),
) -> Figure:
    """The chart as a matplotlib Figure. `fix_after` and `rebases` (XmR only) fix the limits on a baseline and
    recompute them from each rebase on; the chart labels trial limits and shows each break with its reason."""
    days = [d for d, _ in points]
    values = [v for _, v in points]
    fig, ax = phone_figure()
    if measure.chart == "xmr" and len(values) >= 2:
        lines, kinds, notes = _draw_xmr(ax, measure, days, values, fix_after=fix_after, rebases=rebases)
    else:
        lines, kinds, notes = _draw_run_chart(ax, measure, days, values, runs_table)
    date_ticks(ax, days)
    phone_layout(fig, ax, values, lines, kinds, notes)
    return fig


def _draw_xmr(ax, measure: Measure, days, values, *, fix_after, rebases):
    from matplotlib import dates as mdates

    chart = xmr(values, improvement=measure.improvement, fix_after=fix_after, rebases=rebases, dates=days)
    notes = []
    for segment in chart.segments:
        span = days[segment.start : segment.end]
        # As the package draws it by default (break_lines = "both"): the data line and the limits break at a rebase.
        ax.plot(span, values[segment.start : segment.end], color=LINE_GREY, linewidth=1.2, zorder=1)
        first, last = span[0], span[-1]
        ax.hlines(segment.mean, first, last, color="black", linewidth=1)
        style = ":" if segment.trial else "--"
        ax.hlines([segment.lower_limit, segment.upper_limit], first, last, color=LIMIT_GREY, linestyle=style, lw=1)
        if segment.trial:
            notes.append(TRIAL_NOTE)
        elif segment.fixed:
            notes.append(f"limits fixed on the first {segment.baseline} points")
        if segment.reason is not None:
            brk = (mdates.date2num(days[segment.start - 1]) + mdates.date2num(days[segment.start])) / 2
            ax.axvline(brk, color="black", linestyle="-.", linewidth=1)
            reason = segment.reason if len(segment.reason) <= REASON_CHARS else segment.reason[: REASON_CHARS - 1] + "…"
            notes.append(f"rebased {day_month(days[segment.start])}: {reason}")
    kinds = [p.kind for p in chart.points]
    ax.scatter(days, values, c=[KIND_COLOURS[k] for k in kinds], s=16, zorder=2)
    lines = [
        (f"upper {chart.upper_limit:.3g}", chart.upper_limit),
        (f"mean {chart.mean:.3g}", chart.mean),
        (f"lower {chart.lower_limit:.3g}", chart.lower_limit),
    ]
    return lines, kinds, list(dict.fromkeys(notes))


def _draw_run_chart(ax, measure: Measure, days, values, runs_table: RunsTable | None):
    chart = run_chart(values, runs_table=runs_table, improvement=measure.improvement)
    ax.plot(days, values, color=LINE_GREY, linewidth=1.2, zorder=1)
    ax.axhline(chart.median, color="black", linewidth=1)
    ax.scatter(days, values, c=[KIND_COLOURS[k] for k in chart.kinds], s=16, zorder=2)
    notes = [] if chart.judged else [SHORT_RUN_NOTE]
    return [(f"median {chart.median:.3g}", chart.median)], list(chart.kinds), notes


def date_ticks(ax, days: list[date]) -> None:
    """At most MAX_X_TICKS dates, evenly spread over the points, day and month (or month and year over a year)."""
    from matplotlib import dates as mdates
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if not days:
        return
    step = max(1, -(-(len(days) - 1) // (MAX_X_TICKS - 1)))
    ticks = days[::step]
    if ticks[-1] != days[-1] and len(ticks) < MAX_X_TICKS:
        ticks.append(days[-1])
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(ticks)))
    long = (days[-1] - days[0]).days > 300
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: f"{mdates.num2date(x):%b %y}" if long else day_month(mdates.num2date(x)))
    )


def day_month(day: date) -> str:
    return f"{day.day} {day:%b}"


def label_ticks(ax, labels: Sequence[str]) -> None:
    """The same for categories at positions 0..n-1 (months of a report)."""
    step = max(1, -(-(len(labels) - 1) // (MAX_X_TICKS - 1))) if labels else 1
    positions = list(range(0, len(labels), step))
    ax.set_xticks(positions, [labels[i] for i in positions])


def phone_layout(fig: Figure, ax, values: Sequence[float], lines, kinds: Sequence[str], notes: Sequence[str]) -> None:
    """Ticks, line labels, key and notes at phone size, and margins that fit them (measured, not guessed)."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    whole = all(float(v).is_integer() for v in values)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=MAX_Y_TICKS - 1, integer=whole, min_n_ticks=2))
    ax.tick_params(labelsize=FONT, length=3, pad=2)
    ax.spines[["top", "right"]].set_visible(False)
    ys = [y for _, y in lines] + list(values)
    low, high = min(ys), max(ys)
    pad = (high - low) * 0.08 or 1
    ax.set_ylim(low - pad, high + pad)
    _label_lines(ax, lines, (low - pad, high + pad))
    present = {NEUTRAL_HIGH if k == NEUTRAL_LOW else k for k in kinds} | {COMMON}
    handles = [
        Line2D([], [], marker="o", linestyle="", color=KIND_COLOURS[k], markersize=5, label=KEY_WORDS[k])
        for k in KEY_ORDER
        if k in present
    ]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 1),
        ncol=len(handles),
        fontsize=SMALL,
        frameon=False,
        handlelength=0.8,
        handletextpad=0.2,
        columnspacing=0.6,
        borderaxespad=0.15,
        borderpad=0.1,
    )
    for line, note in enumerate(notes):
        fig.text(0.01, 0.01 + line * 0.075, note, fontsize=SMALL, color=LIMIT_GREY, ha="left", va="bottom")
    _fit_margins(fig, ax, len(notes))


def _label_lines(ax, lines, ylim: tuple[float, float]) -> None:
    """Each line's name and value just right of the plot, pushed apart so no two labels overlap."""
    span = ylim[1] - ylim[0]
    gap = span * 0.13
    placed: list[float] = []
    for text, y in sorted(lines, key=lambda pair: -pair[1]):
        at = y if not placed else min(y, placed[-1] - gap)
        placed.append(at)
        ax.annotate(
            text,
            (1, y),
            xycoords=("axes fraction", "data"),
            xytext=(1.02, (at - ylim[0]) / span),
            textcoords="axes fraction",
            fontsize=SMALL,
            ha="left",
            va="center",
            annotation_clip=False,
        )


def _fit_margins(fig: Figure, ax, notes: int) -> None:
    """Margins from the drawn sizes of the tick labels, line labels, key and notes."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    fig.subplots_adjust(left=0.15, right=0.75, top=0.85, bottom=0.12 + 0.075 * notes)
    for _ in range(2):  # measure, then adjust once the first guess has moved things
        ax_box = ax.get_window_extent(renderer)
        tight = ax.get_tightbbox(renderer)
        legend = fig.legends[0].get_window_extent(renderer) if fig.legends else None
        left = ax_box.x0 - tight.x0 + 4
        right = tight.x1 - ax_box.x1 + 4
        bottom = ax_box.y0 - tight.y0 + 4 + notes * 0.075 * height
        top = (legend.height if legend is not None else 0) + 6 + (tight.y1 - ax_box.y1)
        fig.subplots_adjust(
            left=min(0.4, left / width),
            right=max(0.55, 1 - right / width),
            bottom=min(0.45, bottom / height),
            top=max(0.6, 1 - top / height),
        )
