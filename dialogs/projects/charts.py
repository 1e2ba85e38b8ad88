"""Chart images for project measures (matplotlib, PNG), served from a signed link so Teams can show them in
a card. The numbers and signals come from core.measurement; this module only draws them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from core.measurement import COMMON, CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW, Rebase, RunsTable, run_chart, xmr
from core.projects.model import Measure

NHS_BLUE, GREY = "#005EB8", "#7F7F7F"
# Point colours as NHSRplotthedots' ptd_spc_colours (standardised with the Making Data Count team, its issue #196).
COMMON_GREY, BLUE, ORANGE, PURPLE = "#A6A6A6", "#00B0F0", "#E46C0A", "#490092"
KIND_COLOURS = {COMMON: COMMON_GREY, IMPROVEMENT: BLUE, CONCERN: ORANGE, NEUTRAL_HIGH: PURPLE, NEUTRAL_LOW: PURPLE}
SIZE = (6.0, 2.8)  # inches
DPI = 160  # 960 x 448: sharp when Teams scales it to the card's width, still a few tens of KB
TRIAL_NOTE = "trial limits: fewer than 12 points"
SHORT_RUN_NOTE = "fewer than 10 points: run chart rules not applied yet"
REASON_CHARS = 40


def render_chart(
    measure: Measure,
    points: list[tuple[date, float]],
    *,
    runs_table: RunsTable | None = None,
    fix_after: int | None = None,
    rebases: Sequence[Rebase] = (),
) -> bytes:
    fig = draw_chart(measure, points, runs_table=runs_table, fix_after=fix_after, rebases=rebases)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
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
    # The object API (no pyplot): no global state, so charts can be drawn in worker threads.
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.subplots()
    if measure.chart == "xmr" and len(values) >= 2:
        _draw_xmr(ax, measure, days, values, fix_after=fix_after, rebases=rebases)
    else:
        _draw_run_chart(ax, measure, days, values, runs_table)
    _axes_for_people(ax, days, values)
    fig.tight_layout()
    return fig


def _label_line(ax, text: str, y: float) -> None:
    ax.annotate(text, (1, y), xycoords=("axes fraction", "data"), fontsize=9, ha="right", va="bottom")


def _draw_xmr(ax, measure: Measure, days, values, *, fix_after, rebases) -> None:
    chart = xmr(values, improvement=measure.improvement, fix_after=fix_after, rebases=rebases, dates=days)
    for segment in chart.segments:
        span = days[segment.start : segment.end]
        # As the package draws it by default (break_lines = "both"): the data line and the limits break at a rebase.
        ax.plot(span, values[segment.start : segment.end], color=NHS_BLUE, linewidth=1.5, zorder=1)
        first, last = span[0], span[-1]
        ax.hlines(segment.mean, first, last, color="black", linewidth=1)
        limits_style = ":" if segment.trial else "--"
        ax.hlines([segment.lower_limit, segment.upper_limit], first, last, color=GREY, linestyle=limits_style)
        if segment.trial:
            ax.annotate(TRIAL_NOTE, (first, segment.upper_limit), fontsize=8, color=GREY, va="bottom")
        elif segment.fixed:
            note = f"limits fixed on the first {segment.baseline} points"
            ax.annotate(note, (first, segment.upper_limit), fontsize=8, color=GREY, va="bottom")
        if segment.reason is not None:
            brk = (mdates.date2num(days[segment.start - 1]) + mdates.date2num(days[segment.start])) / 2
            ax.axvline(brk, color="black", linestyle="-.", linewidth=1)
            reason = segment.reason if len(segment.reason) <= REASON_CHARS else segment.reason[: REASON_CHARS - 1] + "…"
            ax.annotate(
                f"rebased: {reason}",
                (brk, 1),
                xycoords=("data", "axes fraction"),
                fontsize=8,
                ha="left",
                va="top",
                xytext=(3, -2),
                textcoords="offset points",
            )
    _label_line(ax, f"mean {chart.mean:.3g}", chart.mean)
    colours = [KIND_COLOURS[p.kind] for p in chart.points]
    ax.scatter(days, values, c=colours, s=22, zorder=2)
    ax.set_title(f"{measure.name}: XmR chart (Making Data Count)", loc="left")


def _draw_run_chart(ax, measure: Measure, days, values, runs_table: RunsTable) -> None:
    chart = run_chart(values, runs_table=runs_table, improvement=measure.improvement)
    ax.plot(days, values, color=NHS_BLUE, linewidth=1.5, zorder=1)
    ax.axhline(chart.median, color="black", linewidth=1)
    _label_line(ax, f"median {chart.median:.3g}", chart.median)
    if not chart.judged:
        ax.annotate(SHORT_RUN_NOTE, (0, 1), xycoords="axes fraction", fontsize=8, color=GREY, va="top")
    ax.scatter(days, values, c=[KIND_COLOURS[k] for k in chart.kinds], s=22, zorder=2)
    ax.set_title(f"{measure.name}: run chart (IHI rules)", loc="left")


def _axes_for_people(ax, days: list[date], values: list[float]) -> None:
    """Readable on a phone: a tick per point (or per month), day-month dates, whole numbers for counts."""
    ax.tick_params(labelsize=10)
    ax.title.set_fontsize(11)
    if len(days) <= 12:
        ax.set_xticks(days)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    else:
        months = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month + 1
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-months // 8))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
    if all(float(v).is_integer() for v in values):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
