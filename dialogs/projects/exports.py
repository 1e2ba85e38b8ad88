"""The projects report as files for admins: CSV (the register, one row per project), XLSX (the register, the
suppressed summary as the card shows it, and registrations per month), the registrations-per-month XmR chart,
and the text `qibot projects report` prints."""

from __future__ import annotations

import csv
import io
from datetime import date

from core.kernel.content import Content, choice_label
from core.kernel.suppression import footnote
from core.projects.reports import BREAKDOWNS, ProjectReport, export_table, summary_table
from dialogs.projects.charts import KIND_COLOURS, LIMIT_GREY, LINE_GREY, label_ticks, phone_figure, phone_layout, png
from dialogs.projects.common import GOVERNANCE_LABEL

HEADINGS = {  # the export's columns as people read them
    "id": "Project number",
    "title": "Title",
    "site": "Site",
    "division": "Division",
    "strategic_aim": "Strategic aim",
    "status": "Status",
    "governance": "Type",
    "progress_score": "IHI progress score",
    "submitted_at": "Submitted",
    "approved_at": "Approved",
    "lead": "Lead",
    "coach": "Coach",
    "decision": "Decision",
    "aim_achieved": "Aim achieved (1-4)",
    "measurement": "Use of measurement (1-4)",
    "pdsa_discipline": "PDSA discipline (1-4)",
    "patient_involvement": "Patient involvement (1-4)",
    "sustainability": "Sustainability (1-4)",
}


def labelled_table(report: ProjectReport, content: Content | None) -> list[list]:
    """The register as export_table gives it, with the labels people know in place of the internal codes
    ("Basildon University Hospital", "Safe, high-quality care", "Submitted")."""
    header, *rows = export_table(report)
    if content is None:
        return [header, *rows]
    labels = {
        "site": lambda v: content.organisation.label("sites", v) if v else "",
        "division": lambda v: choice_label(content.projects.divisions, v) if v else "",
        "strategic_aim": lambda v: choice_label(content.projects.strategic_aims, v) if v else "",
        "status": lambda v: str(v).capitalize() if v else "",
        "governance": lambda v: GOVERNANCE_LABEL.get(v, v or ""),
        "decision": lambda v: str(v).capitalize() if v else "",
    }
    column = {name: i for i, name in enumerate(header)}
    table = [[HEADINGS.get(name, name) for name in header]]
    for row in rows:
        row = list(row)
        for name, label in labels.items():
            if name in column:
                row[column[name]] = label(row[column[name]])
        table.append(row)
    return table


def to_csv(report: ProjectReport, content: Content | None = None) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(labelled_table(report, content))
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly with a BOM


def to_xlsx(report: ProjectReport, content: Content | None = None) -> bytes:
    from openpyxl import Workbook  # imported here: the bot's memory stays lower until someone downloads one (issue 16)

    book = Workbook()
    sheet = book.active
    sheet.title = "Projects"
    for row in labelled_table(report, content):
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


def month_label(month: str) -> str:
    """ "2026-11" as "Nov 26"."""
    year, number = (int(part) for part in month.split("-"))
    return f"{date(year, number, 1):%b %y}"


def registrations_chart(report: ProjectReport, content: Content | None = None) -> bytes:
    return png(registrations_figure(report))


def registrations_figure(report: ProjectReport):
    """Projects registered per month as an XmR chart, drawn like the measure charts (phone size, sharp, the
    Making Data Count colours, a key) with whole numbers on the axis: these are counts."""
    fig, ax = phone_figure()
    labels = [month_label(m) for m, _ in report.per_month]
    # The current month is not over: its count so far is drawn apart (an open marker, no line to it, no colour
    # from the rules) and labelled incomplete, so it does not read as a fall; the XmR uses complete months only.
    values = [n for _, n in report.complete_months]
    x = list(range(len(values)))
    ax.plot(x, values, color=LINE_GREY, linewidth=1.2, zorder=1)
    lines, kinds = [], ["common_cause"] * len(values)
    if report.chart is not None:
        chart = report.chart
        lower = max(0.0, chart.lower_limit)  # a count cannot go below zero
        span = (-0.2, len(values) - 0.8)  # the complete months only: the current one is not in the limits
        ax.hlines(chart.mean, *span, color="black", linewidth=1)
        for limit in (lower, chart.upper_limit):
            ax.hlines(limit, *span, color=LIMIT_GREY, linestyle="--", linewidth=1)
        kinds = [p.kind for p in chart.points]
        lines = [(f"upper {chart.upper_limit:.1f}", chart.upper_limit), (f"mean {chart.mean:.1f}", chart.mean)]
        lines.append((f"lower {lower:.1f}", lower))
    ax.scatter(x, values, c=[KIND_COLOURS[k] for k in kinds], s=16, zorder=2)
    shown = [float(v) for v in values]
    if report.incomplete is not None:
        so_far = report.per_month[-1][1]
        ax.scatter([len(values)], [so_far], s=24, facecolors="white", edgecolors=LIMIT_GREY, zorder=3)
        ax.annotate("so far", (len(values), so_far), xytext=(0, 5), textcoords="offset points", ha="center")
        shown.append(float(so_far))
    label_ticks(ax, labels)
    notes = ["QI projects registered per month"]
    if report.incomplete is not None:
        notes.append(f"{month_label(report.incomplete)}: {report.month_rows()[-1][2]}, not in the limits")
    phone_layout(fig, ax, shown, lines, kinds, notes)
    return fig


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
