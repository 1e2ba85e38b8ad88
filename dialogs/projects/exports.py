"""The projects report as files for admins: CSV (the register, one row per project), XLSX (the register, the
suppressed summary as the card shows it, and registrations per month), the registrations-per-month XmR chart,
and the text `qibot projects report` prints."""

from __future__ import annotations

import csv
import io

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from openpyxl import Workbook

from core.kernel.suppression import footnote
from core.projects.reports import BREAKDOWNS, ProjectReport, export_table, summary_table
from dialogs.projects.charts import BLUE, GREY, NHS_BLUE, ORANGE, SIZE


def to_csv(report: ProjectReport) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_table(report))
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly with a BOM


def to_xlsx(report: ProjectReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Projects"
    for row in export_table(report):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    summary = book.create_sheet("Summary")
    for row in summary_table(report):
        summary.append(row)
    months = book.create_sheet("Registered per month")
    months.append(["Month", "Projects registered"])  # counts of projects over time: not suppressed (reports.py)
    for month, count in report.per_month:
        months.append([month, count])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def registrations_chart(report: ProjectReport) -> bytes:
    """Registrations per month as an XmR chart of the complete months. The current month is not over: its count
    so far is drawn apart (an open marker, no line to it, no colour from the rules) and labelled incomplete, so it
    does not read as a fall; the mean and limits come from the complete months only."""
    fig = Figure(figsize=SIZE, dpi=160)
    ax = fig.subplots()
    labels = [m for m, _ in report.per_month]
    complete = report.complete_months
    done_labels, done_values = [m for m, _ in complete], [n for _, n in complete]
    ax.plot(done_labels, done_values, color=NHS_BLUE, linewidth=1.5)
    if report.chart is not None:
        chart, span = report.chart, (-0.2, len(done_labels) - 0.8)
        ax.hlines(chart.mean, *span, color="black", linewidth=1)
        for limit in (max(0.0, chart.lower_limit), chart.upper_limit):
            ax.hlines(limit, *span, color=GREY, linestyle="--", linewidth=1)
        colours = {"improvement": BLUE, "concern": ORANGE}
        ax.scatter(done_labels, done_values, c=[colours.get(p.kind, GREY) for p in chart.points], s=22, zorder=2)
    elif done_values:
        ax.scatter(done_labels, done_values, color=GREY, s=22, zorder=2)
    if report.incomplete is not None:
        so_far = report.per_month[-1][1]
        ax.scatter([report.incomplete], [so_far], s=30, facecolors="white", edgecolors=GREY, zorder=3)
        note = next(note for month, _, note in report.month_rows() if month == report.incomplete)
        ax.annotate(
            note,
            (report.incomplete, so_far),
            xytext=(0, 6),
            textcoords="offset points",
            fontsize=8,
            color=GREY,
            ha="right",
            va="bottom",
        )
    ax.set_xticks(range(len(labels)), labels)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of projects: whole numbers
    ax.set_ylim(bottom=0)
    ax.set_title("QI projects registered per month (XmR)", fontsize=10, loc="left")
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def to_text(report: ProjectReport) -> str:
    """The report for the terminal (`qibot projects report`), suppressed like the card."""
    lines = ["QI projects registered per month:"]
    lines += [f"  {month}  {n}" for month, n in report.per_month or [("none yet", "")]]
    if report.chart is not None:
        signals = sorted({rule for p in report.chart.points for rule in p.rules})
        lines.append(
            f"  XmR: mean {report.chart.mean:.2f}, limits {report.chart.lower_limit:.2f} to "
            f"{report.chart.upper_limit:.2f}; special cause: {', '.join(signals) or 'none'}"
        )
    lines += ["", f"Registered projects: {report.total}"]
    for dim, title in BREAKDOWNS:
        lines += ["", f"{title}:"] + [f"  {label:<45} {cell}" for label, cell in report.rows_of(dim)]
    if report.suppressed:
        lines += ["", footnote()]
    lines += ["", f"Evaluation scores (mean 1-4, {report.evaluated} evaluated):"]
    lines += [f"  {label:<45} {mean:.2f}" for label, mean in report.scores or []] or [f"  {report.evaluation_text()}"]
    return "\n".join(lines)


FORMATS = {  # kind: (render, content type, file name)
    "csv": (to_csv, "text/csv; charset=utf-8", "qi-projects.csv"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "qi-projects.xlsx"),
    "png": (registrations_chart, "image/png", "qi-projects-per-month.png"),
}
