"""Chart images for project measures (matplotlib, PNG), served from a signed link so Teams can show them in
a card. The numbers and signals come from core.measurement; this module only draws them."""

from __future__ import annotations

import io
from datetime import date

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from core.measurement import run_chart, xmr
from core.projects.model import Measure

NHS_BLUE, GREY, ORANGE, BLUE, PURPLE = "#005EB8", "#7F7F7F", "#ED8B00", "#41B6E6", "#7C2855"
SIZE = (6.0, 2.8)  # inches
DPI = 160  # 960 x 448: sharp when Teams scales it to the card's width, still a few tens of KB


def render_chart(measure: Measure, points: list[tuple[date, float]]) -> bytes:
    days = [d for d, _ in points]
    values = [v for _, v in points]
    # The object API (no pyplot): no global state, so charts can be drawn in worker threads.
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.subplots()
    ax.plot(days, values, color=NHS_BLUE, linewidth=1.5, zorder=1)
    if measure.chart == "xmr" and len(values) >= 2:
        chart = xmr(values, improvement=measure.improvement)
        ax.axhline(chart.mean, color="black", linewidth=1)
        ax.annotate(
            f"mean {chart.mean:.3g}",
            (1, chart.mean),
            xycoords=("axes fraction", "data"),
            fontsize=9,
            ha="right",
            va="bottom",
        )
        for limit in (chart.lower_limit, chart.upper_limit):
            ax.axhline(limit, color=GREY, linestyle="--", linewidth=1)
        colours = {"improvement": BLUE, "concern": ORANGE, "neutral_high": PURPLE, "neutral_low": PURPLE}
        ax.scatter(days, values, c=[colours.get(p.kind, GREY) for p in chart.points], s=22, zorder=2)
        ax.set_title(f"{measure.name}: XmR chart (Making Data Count)", loc="left")
    else:
        chart = run_chart(values)
        ax.axhline(chart.median, color="black", linewidth=1)
        ax.annotate(
            f"median {chart.median:.3g}",
            (1, chart.median),
            xycoords=("axes fraction", "data"),
            fontsize=9,
            ha="right",
            va="bottom",
        )
        flagged = {i for group in chart.shifts + chart.trends for i in group} | set(chart.astronomical)
        ax.scatter(days, values, c=[ORANGE if i in flagged else NHS_BLUE for i in range(len(values))], s=22, zorder=2)
        ax.set_title(f"{measure.name}: run chart (IHI rules)", loc="left")
    _axes_for_people(ax, days, values)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


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
