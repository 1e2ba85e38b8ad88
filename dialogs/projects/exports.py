"""The projects report as files for admins: CSV, XLSX and the registrations-per-month XmR chart."""

from __future__ import annotations

import csv
import io

from matplotlib.figure import Figure
from openpyxl import Workbook

from core.projects.reports import ProjectReport, export_table
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
    months = book.create_sheet("Registered per month")
    months.append(["Month", "Projects registered"])
    for month, count in report.per_month:
        months.append([month, count])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def registrations_chart(report: ProjectReport) -> bytes:
    fig = Figure(figsize=SIZE, dpi=100)
    ax = fig.subplots()
    labels = [m for m, _ in report.per_month]
    values = [n for _, n in report.per_month]
    ax.plot(labels, values, color=NHS_BLUE, linewidth=1.5)
    if report.chart is not None:
        chart = report.chart
        ax.axhline(chart.mean, color="black", linewidth=1)
        for limit in (max(0.0, chart.lower_limit), chart.upper_limit):
            ax.axhline(limit, color=GREY, linestyle="--", linewidth=1)
        colours = {"improvement": BLUE, "concern": ORANGE}
        ax.scatter(labels, values, c=[colours.get(p.kind, GREY) for p in chart.points], s=22, zorder=2)
    ax.set_title("QI projects registered per month (XmR, Making Data Count)", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


FORMATS = {  # kind: (render, content type, file name)
    "csv": (to_csv, "text/csv; charset=utf-8", "qi-projects.csv"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "qi-projects.xlsx"),
    "png": (registrations_chart, "image/png", "qi-projects-per-month.png"),
}
